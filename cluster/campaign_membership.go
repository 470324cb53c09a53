package cluster

import (
	"math/rand/v2"
	"slices"

	"raftctl/raft"
)

// injectMembershipFault starts a leadership transfer or a membership
// change at the newest leader, without waiting for it (thesis §3.10,
// chapter 4): a transfer to another voter, adding a node that is not a
// voter, removing a voter (the leader too), or joint consensus to a random
// set of voters. The leader may refuse (a change in progress, no entry of
// its term committed yet); that is part of the test.
func (c *Local) injectMembershipFault(random *rand.Rand, n int) {
	leader := c.newestLeader()
	if leader == raft.None {
		return
	}
	node := c.nodes[leader-1]
	configuration, _ := node.core.Configuration()
	voters := configuration.Members()
	var others []NodeID
	for id := NodeID(1); int(id) <= n; id++ {
		if !slices.Contains(voters, id) {
			others = append(others, id)
		}
	}
	var err error
	text := ""
	switch choice := random.IntN(4); {
	case choice == 0 && len(voters) > 1:
		target := voters[random.IntN(len(voters))]
		if target == leader {
			return
		}
		err, text = node.core.TransferLeadership(target), "transfer to "+target.String()
	case choice == 1 && len(others) > 0:
		id := others[random.IntN(len(others))]
		err, text = node.core.AddServer(id), "add "+id.String()
	case choice == 2 && len(voters) > 2:
		id := voters[random.IntN(len(voters))]
		err, text = node.core.RemoveServer(id), "remove "+id.String()
	case choice == 3:
		// At least two voters: a single voter commits every write the
		// moment it is appended, and the load would never let time pass.
		size := 2 + random.IntN(n-1)
		var target []NodeID
		for _, index := range random.Perm(n)[:size] {
			target = append(target, NodeID(index+1))
		}
		err, text = node.core.Reconfigure(target), "reconfigure to "+raft.NewConfiguration(target...).String()
	default:
		return
	}
	if err != nil {
		text += " refused: " + err.Error()
	}
	c.publish(Record{Kind: RecordFault, Node: leader, Text: text})
	c.process(node)
}
