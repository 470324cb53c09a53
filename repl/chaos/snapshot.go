package chaos

import (
	"fmt"
	"slices"
)

// Log compaction in campaigns (thesis ch. 5): in a third of the seeds,
// `snapshot nX` steps and an automatic threshold small enough that a node
// that was down or cut off for a while needs the leader's snapshot
// (InstallSnapshot, thesis Fig. 5.3).

// snapshotThresholdWord is the header's threshold: in the third of the
// seeds that compact from 8 to 32 entries, off in the others. It is derived from the seed rather than drawn,
// so that adding it left every other draw of a seed as it was. Not every
// seed: a follower that installs a snapshot skips applying the entries it
// covers one by one, which hides from State Machine Safety some of the
// histories where the teaching bugs show.
func (g *generator) snapshotThresholdWord() string {
	if !g.compacting() {
		return "snapshot-threshold=0"
	}
	return fmt.Sprintf("snapshot-threshold=%d", 8+g.seed/3%25)
}

// compacting reports whether this seed compacts: a third of the seeds,
// when the snapshot fault is allowed.
func (g *generator) compacting() bool {
	return g.seed%3 == 0 && slices.Contains(g.options.Faults, FaultSnapshot)
}

// compactionStep is, in a seed that compacts, a snapshot step a fifth of
// the times a fault is due; "" otherwise (and then it draws nothing).
func (g *generator) compactionStep() faultStep {
	if !g.compacting() || g.random.IntN(5) > 0 {
		return faultStep{}
	}
	return g.snapshotLine(g.leader(), g.upNodes(g.downNodes()))
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
