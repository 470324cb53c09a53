package store_test

import (
	"bytes"
	"encoding/binary"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestKVSnapshotMatchesTheFormat: snapshots taken one after another, with
// new keys, changed values, deletions and keys put again in between (and
// now and then a Keys call, which merges the key order between
// snapshots), are byte for byte the snapshot format encoded from a model
// of what the state machine holds (thesis §5.1).
func TestKVSnapshotMatchesTheFormat(t *testing.T) {
	random := rand.New(rand.NewPCG(5, 11))
	kv := store.NewKV()
	model := map[string]string{}
	for index := raft.Index(1); index <= 30000; index++ {
		key := "k" + strconv.Itoa(random.IntN(4000))
		command := store.Command{Op: store.OpPut, Key: key, Value: strings.Repeat("v", random.IntN(12)) + strconv.Itoa(int(index))}
		switch random.IntN(10) {
		case 0:
			command = store.Command{Op: store.OpDelete, Key: key}
			delete(model, key)
		case 1, 2, 3:
			command.Key = "new" + strconv.Itoa(int(index))
			model[command.Key] = command.Value
		default:
			model[key] = command.Value
		}
		if _, err := kv.Apply(raft.Entry{Index: index, Term: 1, Kind: raft.EntryCommand, Command: store.EncodeCommand(command)}); err != nil {
			t.Fatal(err)
		}
		if random.IntN(5000) == 0 {
			kv.Keys()
		}
		if random.IntN(700) == 0 {
			got := kv.SnapshotData()
			if want := encodeData(model); !bytes.HasPrefix(got, want) {
				t.Fatalf("index %d: the snapshot's %d keys are not encoded as %d bytes of fresh encoding would be", index, len(model), len(want))
			}
		}
	}
}

// encodeData is the data part of the snapshot format (kv_snapshot.go),
// written here from its description: a count, then every key and value
// in key order, each as a uvarint length and its bytes.
func encodeData(data map[string]string) []byte {
	encoded := binary.AppendUvarint(nil, uint64(len(data)))
	for _, key := range slices.Sorted(maps.Keys(data)) {
		encoded = binary.AppendUvarint(encoded, uint64(len(key)))
		encoded = append(encoded, key...)
		encoded = binary.AppendUvarint(encoded, uint64(len(data[key])))
		encoded = append(encoded, data[key]...)
	}
	return encoded
}
