package sim_test

import (
	"fmt"

	"raftctl/net/sim"
	"raftctl/raft"
)

// A host's delivery loop: send, jump the clock to the next arrival, pop
// what is due. The partition drops n1's message to n3 at once.
func Example() {
	network := sim.New(1, []raft.NodeID{1, 2, 3})
	network.OnDrop(func(e sim.Envelope, reason sim.DropReason) {
		fmt.Printf("dropped #%d %v -> %v: %v\n", e.ID, e.Message.From, e.Message.To, reason)
	})
	if err := network.Partition([][]raft.NodeID{{3}}); err != nil {
		fmt.Println("error:", err)
	}
	for _, to := range []raft.NodeID{2, 3} {
		network.Send(0, raft.Message{Type: raft.MsgRequestVote, From: 1, To: to, Term: 2})
	}
	for {
		now, ok := network.NextDeliveryTime()
		if !ok {
			break
		}
		for {
			e, ok := network.PopDue(now)
			if !ok {
				break
			}
			fmt.Printf("%v: #%d %v %v -> %v\n", now, e.ID, e.Message.Type, e.Message.From, e.Message.To)
		}
	}
	fmt.Printf("%+v\n", network.Stats())
	// Output:
	// dropped #2 n1 -> n3: partition
	// 1.298488ms: #1 RequestVote n1 -> n2
	// {Sent:2 Delivered:1 Dropped:1 Duplicated:0}
}
