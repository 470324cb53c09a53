package store_test

import (
	"errors"
	"slices"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// commandEntry builds the entry that carries command at index.
func commandEntry(index raft.Index, command store.Command) raft.Entry {
	return raft.Entry{Index: index, Term: 1, Kind: raft.EntryCommand, Command: store.EncodeCommand(command)}
}

// mustApply applies an entry and fails the test on error.
func mustApply(t *testing.T, kv *store.KV, entry raft.Entry) store.Result {
	t.Helper()
	result, err := kv.Apply(entry)
	if err != nil {
		t.Fatalf("Apply(entry %d) error = %v", entry.Index, err)
	}
	return result
}

func put(key, value string) store.Command {
	return store.Command{Op: store.OpPut, Key: key, Value: value}
}

func TestKVPutGetDelete(t *testing.T) {
	kv := store.NewKV()
	steps := []struct {
		command store.Command
		want    store.Result
	}{
		{store.Command{Op: store.OpGet, Key: "x"}, store.Result{Index: 1}},
		{put("x", "1"), store.Result{Value: "1", Found: true, Index: 2}},
		{put("x", "2"), store.Result{Value: "2", Found: true, Index: 3}},
		{store.Command{Op: store.OpGet, Key: "x"}, store.Result{Value: "2", Found: true, Index: 4}},
		{store.Command{Op: store.OpDelete, Key: "x"}, store.Result{Value: "2", Found: true, Index: 5}},
		{store.Command{Op: store.OpDelete, Key: "x"}, store.Result{Index: 6}},
		{store.Command{Op: store.OpGet, Key: "x"}, store.Result{Index: 7}},
	}
	for i, step := range steps {
		index := raft.Index(i + 1)
		if got := mustApply(t, kv, commandEntry(index, step.command)); got != step.want {
			t.Errorf("entry %d (%v %q): result = %+v, want %+v", index, step.command.Op, step.command.Key, got, step.want)
		}
	}
	if kv.Len() != 0 {
		t.Errorf("Len() = %d, want 0", kv.Len())
	}
}

func TestKVReadsAndCopies(t *testing.T) {
	kv := store.NewKV()
	for i, key := range []string{"b", "c", "a"} {
		mustApply(t, kv, commandEntry(raft.Index(i+1), put(key, key+key)))
	}
	if value, found := kv.Get("a"); value != "aa" || !found {
		t.Errorf(`Get("a") = %q, %v; want "aa", true`, value, found)
	}
	if value, found := kv.Get("z"); value != "" || found {
		t.Errorf(`Get("z") = %q, %v; want "", false`, value, found)
	}
	if got, want := kv.Keys(), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("Keys() = %v, want %v", got, want)
	}
	if kv.Len() != 3 {
		t.Errorf("Len() = %d, want 3", kv.Len())
	}
	snapshot := kv.Snapshot()
	snapshot["a"] = "changed"
	delete(snapshot, "b")
	if value, _ := kv.Get("a"); value != "aa" || kv.Len() != 3 {
		t.Error("changing the map from Snapshot() changed the state machine")
	}
}

// Entries are applied in log order (thesis Fig. 3.1: "If commitIndex >
// lastApplied: increment lastApplied, apply log[lastApplied] to state
// machine").
func TestEntriesAppliedInIndexOrder(t *testing.T) {
	kv := store.NewKV()
	mustApply(t, kv, commandEntry(1, put("x", "1")))
	for _, index := range []raft.Index{0, 1, 3, 10} {
		_, err := kv.Apply(commandEntry(index, put("x", "wrong")))
		if !errors.Is(err, store.ErrEntryOutOfOrder) {
			t.Errorf("Apply(entry %d) after entry 1: error = %v, want ErrEntryOutOfOrder", index, err)
		}
	}
	if value, _ := kv.Get("x"); value != "1" || kv.AppliedIndex() != 1 {
		t.Errorf("after rejected entries: x = %q, applied index %d; want \"1\", 1", value, kv.AppliedIndex())
	}
	mustApply(t, kv, commandEntry(2, put("x", "2")))
	if kv.AppliedIndex() != 2 {
		t.Errorf("AppliedIndex() = %d, want 2", kv.AppliedIndex())
	}
}

func TestNoopOnlyAdvancesAppliedIndex(t *testing.T) { // thesis §6.4
	kv := store.NewKV()
	mustApply(t, kv, commandEntry(1, put("x", "1")))
	result := mustApply(t, kv, raft.Entry{Index: 2, Term: 2, Kind: raft.EntryNoop})
	if result != (store.Result{Index: 2}) {
		t.Errorf("no-op result = %+v, want only Index 2", result)
	}
	if kv.AppliedIndex() != 2 || kv.Len() != 1 {
		t.Errorf("after no-op: applied index %d, %d keys; want 2, 1", kv.AppliedIndex(), kv.Len())
	}
}

// Every replica meets the same undecodable entry at the same index and
// skips it the same way, so replicas stay identical.
func TestUndecodableEntrySkippedByEveryReplica(t *testing.T) {
	kv := store.NewKV()
	_, err := kv.Apply(raft.Entry{Index: 1, Term: 1, Kind: raft.EntryCommand, Command: []byte{0xff, 1, 2}})
	if !errors.Is(err, store.ErrInvalidCommand) {
		t.Errorf("Apply(garbage) error = %v, want ErrInvalidCommand", err)
	}
	_, err = kv.Apply(raft.Entry{Index: 2, Term: 1, Kind: raft.EntryKind(9)})
	if !errors.Is(err, store.ErrUnknownEntryKind) {
		t.Errorf("Apply(unknown kind) error = %v, want ErrUnknownEntryKind", err)
	}
	if kv.AppliedIndex() != 2 || kv.Len() != 0 {
		t.Errorf("applied index %d, %d keys; want 2, 0", kv.AppliedIndex(), kv.Len())
	}
	mustApply(t, kv, commandEntry(3, put("x", "1")))
}

// thesis §6.3: "If a server receives a command whose serial number has
// already been executed, it responds immediately without re-executing the
// request."
func TestRetriedCommandAppliedOnce(t *testing.T) {
	kv := store.NewKV()
	first := store.Command{Op: store.OpDelete, Key: "x", ClientID: 7, Sequence: 1}
	mustApply(t, kv, commandEntry(1, put("x", "1")))
	original := mustApply(t, kv, commandEntry(2, first))
	mustApply(t, kv, commandEntry(3, put("x", "2")))

	// The client timed out and retried; both copies were committed.
	retry := mustApply(t, kv, commandEntry(4, first))
	want := store.Result{Value: "1", Found: true, Index: 2, Duplicate: true}
	if retry != want {
		t.Errorf("retry result = %+v, want %+v (the first copy's result)", retry, want)
	}
	if original.Duplicate {
		t.Error("first copy reported as a duplicate")
	}
	if value, found := kv.Get("x"); value != "2" || !found {
		t.Errorf(`x = %q, %v; want "2", true (the retried del must not run again)`, value, found)
	}
	if kv.AppliedIndex() != 4 {
		t.Errorf("AppliedIndex() = %d, want 4 (a duplicate still consumes its entry)", kv.AppliedIndex())
	}
}

func TestStaleRequestRejected(t *testing.T) { // thesis §6.3
	kv := store.NewKV()
	mustApply(t, kv, commandEntry(1, store.Command{Op: store.OpPut, Key: "x", Value: "1", ClientID: 7, Sequence: 1}))
	mustApply(t, kv, commandEntry(2, store.Command{Op: store.OpPut, Key: "x", Value: "2", ClientID: 7, Sequence: 2}))
	_, err := kv.Apply(commandEntry(3, store.Command{Op: store.OpPut, Key: "x", Value: "1", ClientID: 7, Sequence: 1}))
	if !errors.Is(err, store.ErrStaleRequest) {
		t.Errorf("Apply(sequence 1 after 2) error = %v, want ErrStaleRequest", err)
	}
	if value, _ := kv.Get("x"); value != "2" || kv.AppliedIndex() != 3 {
		t.Errorf("x = %q, applied index %d; want \"2\", 3", value, kv.AppliedIndex())
	}
}

func TestSessionsAreSeparatePerClient(t *testing.T) { // thesis §6.3
	kv := store.NewKV()
	mustApply(t, kv, commandEntry(1, store.Command{Op: store.OpPut, Key: "a", Value: "1", ClientID: 1, Sequence: 5}))
	result := mustApply(t, kv, commandEntry(2, store.Command{Op: store.OpPut, Key: "b", Value: "1", ClientID: 2, Sequence: 5}))
	if result.Duplicate {
		t.Error("client 2's sequence 5 was taken for a retry of client 1's")
	}
	result = mustApply(t, kv, commandEntry(3, store.Command{Op: store.OpPut, Key: "a", Value: "2", ClientID: 1, Sequence: 6}))
	if result.Duplicate || kv.Len() != 2 {
		t.Errorf("client 1's next sequence: result %+v, %d keys; want executed, 2 keys", result, kv.Len())
	}
}

// ClientID 0 is no session: nothing is remembered, so nothing is
// suppressed.
func TestCommandWithoutSessionAlwaysExecutes(t *testing.T) {
	kv := store.NewKV()
	deleteX := store.Command{Op: store.OpDelete, Key: "x"}
	mustApply(t, kv, commandEntry(1, put("x", "1")))
	mustApply(t, kv, commandEntry(2, deleteX))
	mustApply(t, kv, commandEntry(3, put("x", "2")))
	result := mustApply(t, kv, commandEntry(4, deleteX))
	if result.Duplicate || kv.Len() != 0 {
		t.Errorf("second del without session: result %+v, %d keys; want executed, 0 keys", result, kv.Len())
	}
}
