package chaos

import (
	"math/rand/v2"
	"time"
)

// A retry across a restart from snapshots, at the end of a quarter of the
// seeds that compact (thesis §6.3: the sessions are part of the
// replicated state, so snapshots must hold them), as cluster.RunCampaign
// does. A client's put
// reaches the others but the leader never hears them, so the client waits
// on that leader; the others elect a new leader, which commits the put
// with a read of its value; they snapshot and restart from their
// snapshots; another client overwrites and reads the key; then the first
// client gives up on its old leader and sends the same request again. The
// session in the snapshots answers the retry; without it the put executes
// twice, undoing the other write, and the last read shows it.

// retriesAcrossSnapshots decides which seeds run it, from a stream of its
// own so the seed's other draws stay as they were.
func (g *generator) retriesAcrossSnapshots() bool {
	if !g.compacting() || !g.options.allows(FaultKill) || !g.options.allows(FaultPartition) || !g.options.allows(FaultCut) {
		return false
	}
	return rand.New(rand.NewPCG(g.seed, 0x73657373696f6e73)).IntN(4) == 0 // "sessions"
}

// retryAcrossSnapshots writes the scenario's lines; false when the script
// has stopped.
func (g *generator) retryAcrossSnapshots() bool {
	leader := g.leader()
	if leader == 0 {
		return true
	}
	var others []int
	for id := 1; id <= g.options.Nodes; id++ {
		if id != leader {
			others = append(others, id)
		}
	}
	// The client waits on its leader for four election timeouts before it
	// asks elsewhere: it must not give up before that.
	if !g.exec("# a retry across a restart from snapshots (thesis §6.3)") || !g.exec("set client-timeout 3s") {
		return false
	}
	for _, id := range others {
		if !g.exec("cut n%d->n%d", id, leader) {
			return false
		}
	}
	g.result.Operations += 5
	if !g.exec("put session first async") || !g.exec("sleep 20ms") || !g.exec("partition n%d", leader) {
		return false
	}
	newLeader, ok := g.awaitLeaderOtherThan(leader)
	if !ok || newLeader == 0 {
		return ok
	}
	// A read commits the put and pins it before what follows.
	if !g.exec("get session @n%d", newLeader) {
		return false
	}
	for _, id := range others {
		if !g.exec("snapshot n%d", id) {
			return false
		}
	}
	for _, id := range others {
		if !g.exec("kill n%d", id) {
			return false
		}
	}
	for _, id := range others {
		if !g.exec("restart n%d", id) {
			return false
		}
	}
	newLeader, ok = g.awaitLeaderOtherThan(leader)
	if !ok || newLeader == 0 {
		return ok
	}
	if !g.exec("put session second @n%d", newLeader) || !g.exec("get session @n%d", newLeader) ||
		!g.exec("sleep 1s") {
		return false
	}
	newLeader, ok = g.awaitLeaderOtherThan(leader)
	if !ok || newLeader == 0 {
		return ok
	}
	return g.exec("get session @n%d", newLeader)
}

// awaitLeaderOtherThan sleeps in steps of 50 ms, up to a second, until a
// node other than old leads, and returns it (0 if none did).
func (g *generator) awaitLeaderOtherThan(old int) (int, bool) {
	step := 50 * time.Millisecond
	for range int(time.Second / step) {
		if leader := g.leader(); leader != 0 && leader != old {
			return leader, true
		}
		if !g.exec("sleep %v", step) {
			return 0, false
		}
	}
	return 0, true
}
