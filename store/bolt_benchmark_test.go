package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// The benchmarks below compare a Save with the disk's physical limit. A
// durable Save cannot be faster than one fsync, and bbolt does two per
// commit (data pages, then the meta page that makes them visible), so on
// a disk where fsync dominates, saves/s near half of fsyncs/s is as good as
// it gets, and batching entries into one Save (thesis §10.2.1) is the way
// past it.

// BenchmarkBoltFsync measures the raw disk: each iteration writes 512 bytes
// over the start of a file and syncs it.
func BenchmarkBoltFsync(b *testing.B) {
	file, err := os.Create(filepath.Join(b.TempDir(), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	block := make([]byte, 512)
	for b.Loop() {
		if _, err := file.WriteAt(block, 0); err != nil {
			b.Fatal(err)
		}
		if err := file.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
}

// BenchmarkBoltSave measures one durable Save of one 100-byte entry.
func BenchmarkBoltSave(b *testing.B) {
	benchmarkSave(b, store.BoltOptions{})
}

// BenchmarkBoltSaveNoSync is BenchmarkBoltSave without the fsyncs: what
// bbolt and the encoding cost on their own.
func BenchmarkBoltSaveNoSync(b *testing.B) {
	benchmarkSave(b, store.BoltOptions{NoSync: true})
}

func benchmarkSave(b *testing.B, options store.BoltOptions) {
	bolt, err := store.OpenBolt(filepath.Join(b.TempDir(), "node.db"), options)
	if err != nil {
		b.Fatal(err)
	}
	defer bolt.Close()
	state := raft.HardState{CurrentTerm: 1, VotedFor: 1}
	entry := raft.Entry{Term: 1, Kind: raft.EntryCommand, Command: make([]byte, 100)}
	for b.Loop() {
		entry.Index++
		if err := bolt.Save(state, []raft.Entry{entry}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "saves/s")
}
