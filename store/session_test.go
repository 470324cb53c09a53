package store_test

import (
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestSessionsExpireByLogIndex: a session whose client sent nothing in the
// last SessionLifetime entries is forgotten when the next entry applies,
// on every replica alike (thesis §6.3); the client's next request then
// starts a new session.
func TestSessionsExpireByLogIndex(t *testing.T) {
	replicas := []*store.KV{store.NewKV(), store.NewKV()}
	apply := func(command store.Command) (store.Result, error) {
		var result store.Result
		var err error
		for _, kv := range replicas {
			entry := raft.Entry{Index: kv.AppliedIndex() + 1, Term: 1, Command: store.EncodeCommand(command)}
			result, err = kv.Apply(entry)
		}
		return result, err
	}
	idle := store.Command{Op: store.OpPut, Key: "x", Value: "1", ClientID: 7, Sequence: 1}
	if _, err := apply(idle); err != nil {
		t.Fatal(err)
	}
	busy := store.Command{Op: store.OpPut, Key: "y", ClientID: 8}
	for i := range int(store.SessionLifetime) - 1 {
		busy.Sequence = uint64(i + 1)
		if _, err := apply(busy); err != nil {
			t.Fatal(err)
		}
	}
	// Entry 1001: client 7 was last active at index 1, exactly the
	// lifetime before: still known, so its retry is a duplicate.
	if result, err := apply(idle); err != nil || !result.Duplicate {
		t.Fatalf("retry at index %d: %+v, %v; want a duplicate (session alive)", replicas[0].AppliedIndex(), result, err)
	}
	// The retry refreshed nothing (a duplicate is not a new command), so
	// the next entry expires it.
	busy.Sequence++
	if _, err := apply(busy); err != nil {
		t.Fatal(err)
	}
	for i, kv := range replicas {
		if kv.Sessions() != 1 {
			t.Errorf("replica %d keeps %d sessions at index %d, want 1 (client 7 expired)", i, kv.Sessions(), kv.AppliedIndex())
		}
	}
	next := store.Command{Op: store.OpPut, Key: "x", Value: "2", ClientID: 7, Sequence: 2}
	if result, err := apply(next); err != nil || result.Duplicate {
		t.Errorf("client 7's next request after expiry: %+v, %v; want executed", result, err)
	}
	for i, kv := range replicas {
		if value, _ := kv.Get("x"); value != "2" || kv.Sessions() != 2 {
			t.Errorf("replica %d: x = %q with %d sessions, want 2 with 2 (a new session for client 7)", i, value, kv.Sessions())
		}
	}
}
