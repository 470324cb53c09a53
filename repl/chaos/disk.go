package chaos

import "fmt"

// Slow disks in campaigns (thesis §10.2.1, §10.2.2): in a quarter of the
// seeds every write takes 1 to 7 ms of virtual time and one node's disk is
// three times slower, with group commit and the leader's parallel write
// each on or off, so that crashes, partitions and elections meet writes
// in flight, and commits made while the leader's own write runs. The
// words come from the seed, not from the generator's draws, so every
// other draw of a seed stays as it was.
func (g *generator) diskWords() []string {
	if g.seed%4 != 2 {
		return nil
	}
	write := 1 + g.seed/4%7
	slow := 1 + g.seed/28%uint64(g.options.Nodes)
	onOff := func(on bool) string {
		if on {
			return "on"
		}
		return "off"
	}
	return []string{
		fmt.Sprintf("disk-write=%dms,n%d:%dms", write, slow, 3*write),
		"group-commit=" + onOff(g.seed/8%2 == 0),
		"parallel-write=" + onOff(g.seed/16%2 == 0),
	}
}
