package store_test

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestKVKeysStaySorted: through puts of new and old keys, deletions, keys
// put again after a deletion, snapshots and restores, Keys is the sorted
// list of the keys held, and a replica restored from a snapshot writes the
// same snapshot bytes as the one it came from (thesis §5.1: replicas at the
// same index hold the same state).
func TestKVKeysStaySorted(t *testing.T) {
	random := rand.New(rand.NewPCG(15, 7))
	kv := store.NewKV()
	model := map[string]string{}
	for index := raft.Index(1); index <= 20000; index++ {
		key := "k" + strconv.Itoa(random.IntN(300))
		if random.IntN(50) == 0 {
			key = "new" + strconv.Itoa(int(index))
		}
		command := store.Command{Op: store.OpPut, Key: key, Value: strconv.Itoa(int(index))}
		if random.IntN(3) == 0 {
			command = store.Command{Op: store.OpDelete, Key: key}
			delete(model, key)
		} else {
			model[key] = command.Value
		}
		if _, err := kv.Apply(raft.Entry{Index: index, Term: 1, Kind: raft.EntryCommand, Command: store.EncodeCommand(command)}); err != nil {
			t.Fatal(err)
		}
		if random.IntN(500) == 0 {
			if got, want := kv.Keys(), slices.Sorted(maps.Keys(model)); !slices.Equal(got, want) {
				t.Fatalf("index %d: Keys() holds %d keys, want the %d held, sorted", index, len(got), len(want))
			}
			data := kv.SnapshotData()
			restored, err := store.RestoreKV(index, data)
			if err != nil {
				t.Fatal(err)
			}
			if again := restored.SnapshotData(); !bytes.Equal(again, data) {
				t.Fatalf("index %d: the restored replica's snapshot differs (%d bytes, want %d)", index, len(again), len(data))
			}
			if random.IntN(2) == 0 {
				kv = restored
			}
		}
	}
	if got, want := kv.Keys(), slices.Sorted(maps.Keys(model)); !slices.Equal(got, want) {
		t.Fatalf("at the end: Keys() holds %d keys, want the %d held, sorted", len(got), len(want))
	}
}
