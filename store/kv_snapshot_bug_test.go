package store_test

import (
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestSnapshotWithoutSessionsExecutesARetryTwice: client 7's put x=1 is in
// the snapshot, another client then writes x=2, and client 7 retries its
// put. From a full snapshot the retry is answered from the session and x
// stays 2 (thesis §6.3); from a snapshot without sessions (the teaching bug
// snapshot-without-sessions) it executes again and x goes back to 1.
func TestSnapshotWithoutSessionsExecutesARetryTwice(t *testing.T) {
	put := func(value string, client, sequence uint64) store.Command {
		return store.Command{Op: store.OpPut, Key: "x", Value: value, ClientID: client, Sequence: sequence}
	}
	for _, test := range []struct {
		name      string
		snapshot  func(*store.KV) []byte
		duplicate bool
		want      string
	}{
		{"with sessions", (*store.KV).SnapshotData, true, "2"},
		{"without sessions", (*store.KV).SnapshotDataWithoutSessions, false, "1"},
	} {
		t.Run(test.name, func(t *testing.T) {
			kv := store.NewKV()
			applyCommands(t, kv, put("1", 7, 1))
			restored, err := store.RestoreKV(kv.AppliedIndex(), test.snapshot(kv))
			if err != nil {
				t.Fatal(err)
			}
			applyCommands(t, restored, put("2", 8, 1))
			retry := raft.Entry{Index: 3, Term: 1, Command: store.EncodeCommand(put("1", 7, 1))}
			result, err := restored.Apply(retry)
			if err != nil {
				t.Fatal(err)
			}
			value, _ := restored.Get("x")
			if result.Duplicate != test.duplicate || value != test.want {
				t.Errorf("retry: duplicate %v, x = %q; want duplicate %v, x = %q", result.Duplicate, value, test.duplicate, test.want)
			}
		})
	}
}
