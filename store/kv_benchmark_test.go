package store_test

import (
	"strconv"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// BenchmarkKVApply: one put per op, by 64 clients in turn over 64 keys, as
// cluster.Local's benchmark load applies them on each node.
//
//	go test ./store/ -run XXX -bench KVApply
func BenchmarkKVApply(b *testing.B) {
	const clients = 64
	commands := make([][]byte, clients)
	kv := store.NewKV()
	sequences := make([]uint64, clients)
	b.ReportAllocs()
	for i := range b.N {
		client := i % clients
		sequences[client]++
		commands[client] = store.EncodeCommand(store.Command{Op: store.OpPut, Key: "key" + strconv.Itoa(client), Value: "value-01",
			ClientID: uint64(client + 1), Sequence: sequences[client]})
		if _, err := kv.Apply(raft.Entry{Index: raft.Index(i + 1), Term: 1, Kind: raft.EntryCommand, Command: commands[client]}); err != nil {
			b.Fatal(err)
		}
	}
}
