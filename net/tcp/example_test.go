package tcp_test

import (
	"context"
	"fmt"
	"net"

	"raftctl/net/tcp"
	"raftctl/raft"
)

// Two nodes on loopback: n1 sends n2 a heartbeat, and a control client
// talks to n2. In a real cluster the secret comes from ReadSecretFile and
// every node runs in its own process.
func Example() {
	secret, _ := tcp.GenerateSecret()
	listeners := map[raft.NodeID]net.Listener{}
	peers := map[raft.NodeID]string{}
	for _, id := range []raft.NodeID{1, 2} {
		listeners[id], _ = net.Listen("tcp", "127.0.0.1:0")
		peers[id] = listeners[id].Addr().String()
	}
	n1, _ := tcp.Listen(tcp.Config{ID: 1, Listener: listeners[1], Peers: peers, Secret: secret})
	defer n1.Close()
	n2, _ := tcp.Listen(tcp.Config{ID: 2, Listener: listeners[2], Peers: peers, Secret: secret,
		Control: func(c *tcp.Conn) {
			request, _ := c.Receive()
			c.Send(append([]byte("n2 heard: "), request...))
		}})
	defer n2.Close()

	n1.Send(raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2, Term: 3, LeaderCommit: 7})
	m := <-n2.Receive()
	fmt.Printf("%v from %v, term %d, commit %d\n", m.Type, m.From, m.Term, m.LeaderCommit)

	conn, err := tcp.DialControl(context.Background(), peers[2], secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	conn.Send([]byte("status"))
	reply, _ := conn.Receive()
	fmt.Printf("%s (from %v)\n", reply, conn.NodeID())
	// Output:
	// AppendEntries from n1, term 3, commit 7
	// n2 heard: status (from n2)
}
