package chaos

import "fmt"

// Log compaction in campaigns (thesis ch. 5): `snapshot nX` steps, and an
// automatic threshold in every header, small enough that a node that was
// down or cut off for a while needs the leader's snapshot (InstallSnapshot,
// thesis Fig. 5.3).

// snapshotThresholdWord is the header's threshold, from 8 to 32 entries,
// derived from the seed rather than drawn, so that adding it left every
// other draw of a seed as it was.
func snapshotThresholdWord(seed uint64) string {
	return fmt.Sprintf("snapshot-threshold=%d", 8+seed%25)
}

// snapshotLine compacts the leader's log half of the time (followers that
// lag then need the snapshot), another running node's otherwise.
func (g *generator) snapshotLine(leader int, up []int) faultStep {
	if len(up) == 0 {
		return faultStep{}
	}
	node := up[g.random.IntN(len(up))]
	if leader != 0 && g.random.IntN(2) == 0 {
		node = leader
	}
	return faultStep{fmt.Sprintf("snapshot n%d", node), false}
}
