package store_test

import (
	"bytes"
	"errors"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

func applyCommands(t *testing.T, kv *store.KV, commands ...store.Command) {
	t.Helper()
	for _, command := range commands {
		entry := raft.Entry{Index: kv.AppliedIndex() + 1, Term: 1, Command: store.EncodeCommand(command)}
		if _, err := kv.Apply(entry); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKVSnapshotRoundTrip: a state machine restored from a snapshot holds
// the same data and the same sessions (thesis §5.1, §6.3): a retry of the
// client's latest request is still answered from its session, not executed.
func TestKVSnapshotRoundTrip(t *testing.T) {
	kv := store.NewKV()
	applyCommands(t, kv,
		store.Command{Op: store.OpPut, Key: "x", Value: "1", ClientID: 7, Sequence: 1},
		store.Command{Op: store.OpPut, Key: "y", Value: "2", ClientID: 8, Sequence: 1},
		store.Command{Op: store.OpDelete, Key: "x", ClientID: 7, Sequence: 2},
	)
	data := kv.SnapshotData()
	restored, err := store.RestoreKV(kv.AppliedIndex(), data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(restored.SnapshotData(), data) {
		t.Error("restored state machine encodes differently from the original")
	}
	if restored.AppliedIndex() != 3 {
		t.Errorf("restored AppliedIndex = %d, want 3", restored.AppliedIndex())
	}
	if value, found := restored.Get("y"); !found || value != "2" {
		t.Errorf("restored y = %q, %v; want 2", value, found)
	}
	if _, found := restored.Get("x"); found {
		t.Error("restored x exists, want deleted")
	}
	retry := raft.Entry{Index: 4, Term: 1, Command: store.EncodeCommand(store.Command{Op: store.OpPut, Key: "y", Value: "2", ClientID: 8, Sequence: 1})}
	result, err := restored.Apply(retry)
	if err != nil || !result.Duplicate || result.Index != 2 {
		t.Errorf("retry after restore = %+v, %v; want a duplicate answered from index 2", result, err)
	}
}

func TestKVSnapshotRejectsDamage(t *testing.T) {
	kv := store.NewKV()
	applyCommands(t, kv, store.Command{Op: store.OpPut, Key: "x", Value: "1", ClientID: 7, Sequence: 1})
	data := kv.SnapshotData()
	for cut := 1; cut < len(data); cut++ {
		if _, err := store.RestoreKV(1, data[:cut]); !errors.Is(err, store.ErrInvalidSnapshot) {
			t.Fatalf("RestoreKV of %d of %d bytes = %v, want ErrInvalidSnapshot", cut, len(data), err)
		}
	}
	if _, err := store.RestoreKV(1, append(data, 0)); !errors.Is(err, store.ErrInvalidSnapshot) {
		t.Errorf("RestoreKV with a trailing byte = %v, want ErrInvalidSnapshot", err)
	}
}
