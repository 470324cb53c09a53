package store_test

import (
	"math/rand/v2"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestSessionExpiryMatchesItsRule: with many clients active at random, and
// a replica restored from a snapshot half-way, the state machine keeps
// exactly the sessions whose client sent a command within the last
// SessionLifetime entries (thesis §6.3), as a plain model of the rule
// says.
func TestSessionExpiryMatchesItsRule(t *testing.T) {
	random := rand.New(rand.NewPCG(15, 6))
	kv := store.NewKV()
	lastActive := map[uint64]raft.Index{}
	sequences := map[uint64]uint64{}
	lifetime := store.SessionLifetime
	for index := raft.Index(1); index <= 4*lifetime; index++ {
		// Few clients at first, then many, then few again: sessions of
		// every age expire.
		clients := uint64(3)
		if index > lifetime && index < 2*lifetime {
			clients = 400
		}
		client := 1 + random.Uint64N(clients)
		sequences[client]++
		command := store.Command{Op: store.OpPut, Key: "k", Value: "v", ClientID: client, Sequence: sequences[client]}
		if _, err := kv.Apply(raft.Entry{Index: index, Term: 1, Kind: raft.EntryCommand, Command: store.EncodeCommand(command)}); err != nil {
			t.Fatal(err)
		}
		for known, active := range lastActive {
			if index > lifetime && active < index-lifetime {
				delete(lastActive, known)
			}
		}
		lastActive[client] = index
		if index == 3*lifetime/2 {
			restored, err := store.RestoreKV(index, kv.SnapshotData())
			if err != nil {
				t.Fatal(err)
			}
			kv = restored
		}
		if kv.Sessions() != len(lastActive) {
			t.Fatalf("at index %d the state machine keeps %d sessions, want %d", index, kv.Sessions(), len(lastActive))
		}
	}
	for client := range sequences {
		_, known := kv.SessionSequence(client)
		if _, want := lastActive[client]; known != want {
			t.Errorf("client %d: session known = %v, want %v", client, known, want)
		}
	}
}
