package chaos

import (
	"fmt"
	"strings"
)

// Leader races: the faults and requests that test reads without the log
// (thesis §6.4, §6.4.1).
//
// A lease is safe only if no one can be elected while it holds, which the
// §4.2.3 rule (stickiness) ensures. The generator gives that claim chances
// to fail: the leader loses one follower, whose election timer fires at
// once, while the leader's messages to the others slow down; and whenever
// two nodes believe they lead, a client writes through the newer one and
// then reads the same key from the older one, without the log.

// watchSteps is how many short pauses follow a lost follower's campaign.
const watchSteps = 12

// loseFollower cuts the leader off from one running follower, slows the
// leader's messages to every other node (one way), and fires the lost
// follower's election timer (the slowing and the campaign only where those
// faults are allowed).
func (g *generator) loseFollower(leader int, up []int) string {
	lost := leader
	for lost == leader {
		lost = up[g.random.IntN(len(up))]
	}
	lines := []string{fmt.Sprintf("cut n%d-n%d", leader, lost)}
	for id := 1; id <= g.options.Nodes; id++ {
		if id != leader && id != lost && g.options.allows(FaultDelay) {
			low := 5 + g.random.IntN(30)
			lines = append(lines, fmt.Sprintf("link n%d->n%d delay=%dms-%dms drop=%.2f",
				leader, id, low, low+1+g.random.IntN(30), float64(g.random.IntN(50))/100))
		}
	}
	if g.options.allows(FaultCampaign) {
		lines = append(lines, fmt.Sprintf("campaign n%d", lost))
	}
	// No request that waits for an answer while the election runs: a race
	// must start while two leaders still coexist.
	g.watch = watchSteps
	return strings.Join(lines, "; ")
}

// race runs a leader race when two running nodes believe they lead and the
// newer one (newest, the leader of the highest term) has not been raced
// yet: a write through the newer leader, then a lease read of the same key
// from the older. raced reports whether it wrote anything; ok is false
// when the script has stopped.
func (g *generator) race(newest int) (raced, ok bool) {
	if newest == 0 || newest == g.raced {
		return false, true
	}
	deposed := 0
	for id := 1; id <= g.options.Nodes; id++ {
		if id != newest && g.run.holds(fmt.Sprintf("role n%d leader", id)) {
			deposed = id
		}
	}
	if deposed == 0 {
		return false, true
	}
	g.raced, g.watch = newest, 0
	key := g.key()
	g.writes++
	g.result.Operations += 2
	return true, g.exec("put %s v%d @n%d", key, g.writes, newest) && g.exec("get %s @n%d read=lease", key, deposed)
}
