package cluster

import (
	"math/rand/v2"
	"time"

	"raftctl/net/sim"
	"raftctl/raft"
)

// A transfer race, in the campaigns that focus on reads: the leader hands
// its role to a follower whose link from it is slower than an election
// timeout, so the leader gives the transfer up before its TimeoutNow
// arrives and takes requests again (thesis §3.10). Just before the
// TimeoutNow arrives, the other servers' messages to the leader are cut,
// one way: the leader goes on believing it leads while its TimeoutNow
// elects the follower, with votes that stickiness lets through (§4.2.3).
// The leader race (campaign_reads.go) then writes through the new leader
// and reads from the old one: a lease there would be stale (§6.4.1).
type transferRace struct {
	// leader is the leader of the race under way, or none; cutAt is when
	// the others' messages to it are cut.
	leader raft.NodeID
	cutAt  time.Duration
}

// start begins a transfer race at the newest leader, if there is one with
// a follower to hand over to, and reports when the next step is due.
func (race *transferRace) start(c *Local, random *rand.Rand, n int) (due time.Duration, started bool) {
	leader := c.newestLeader()
	if leader == raft.None || race.leader != raft.None {
		return 0, false
	}
	target := raft.NodeID(1 + random.IntN(n))
	if target == leader {
		return 0, false
	}
	// The TimeoutNow arrives 10-110 ms after the leader gives up (an
	// election timeout after it started), the cut 2-11 ms before that.
	delay := c.settings.ElectionMin + time.Duration(10+random.IntN(100))*time.Millisecond
	config := sim.DefaultLinkConfig()
	config.DelayMin, config.DelayMax = delay, delay
	_ = c.network.SetLink(leader, target, config, false)
	node := c.nodes[leader-1]
	text := "transfer to " + target.String() + " over a slow link"
	if err := node.core.TransferLeadership(target); err != nil {
		text += " refused: " + err.Error()
	}
	c.publish(Record{Kind: RecordFault, Node: leader, Text: text})
	c.process(node)
	race.leader = leader
	race.cutAt = c.now + delay - time.Duration(2+random.IntN(10))*time.Millisecond
	return race.cutAt, true
}

// cut is the race's second step: every other server's messages to the
// leader are cut, one way.
func (race *transferRace) cut(c *Local, n int) {
	for id := raft.NodeID(1); int(id) <= n; id++ {
		if id != race.leader {
			c.network.Cut(id, race.leader, false)
		}
	}
	c.publish(Record{Kind: RecordFault, Node: race.leader, Text: "cut off from the others' answers"})
	race.leader = raft.None
}

// maybeStart starts a transfer race at one fault in eight of a campaign
// that focuses on reads.
func (race *transferRace) maybeStart(c *Local, reads bool, random *rand.Rand, n int) (time.Duration, bool) {
	if !reads || random.IntN(8) > 0 {
		return 0, false
	}
	return race.start(c, random, n)
}
