package store_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"raftctl/raft"
	"raftctl/store"
)

// A file OpenBolt cannot use must be refused with an error that names it,
// and left byte for byte as it was: it may be the only copy of a node's
// log, or not raftctl's at all.
func TestBoltRefusesFilesItCannotUse(t *testing.T) {
	tests := []struct {
		name string
		// make writes the file at path.
		make func(t *testing.T, path string)
		want error
		// says is a part of the error message, beside the path.
		says string
	}{
		{"Garbage", writeGarbage(64 << 10), store.ErrNotAStore, "not a bbolt database"},
		{"ShortGarbage", writeGarbage(10), store.ErrNotAStore, "not a bbolt database"},
		{"ForeignBolt", writeForeignBolt, store.ErrNotAStore, "without raftctl's"},
		{"BoltWithoutBuckets", writeBolt(func(*bbolt.Tx) error { return nil }), store.ErrNotAStore, "without raftctl's"},
		{"OtherFormatMarker", writeBolt(putMeta("format", []byte("raftctl-store-v9"))), store.ErrNotAStore, `"raftctl-store-v9"`},
		{"TruncatedStore", truncateStore(func(size int64) int64 { return size / 2 }), store.ErrCorrupt, "truncated"},
		{"TruncatedStoreLosingLastPage", truncateStore(func(size int64) int64 { return size - 4096 }), store.ErrCorrupt, "truncated"},
		{"TruncatedInSecondMetaPage", truncateStore(func(int64) int64 { return 5000 }), store.ErrCorrupt, "cannot be opened"},
		{"PagesOverwritten", overwritePages, store.ErrCorrupt, ""},
		{"EntryEmpty", writeStoreThen(putEntry(2, nil)), store.ErrCorrupt, "entry 2 is empty"},
		{"EntryTermCut", writeStoreThen(putEntry(2, []byte{0, 0x80})), store.ErrCorrupt, "entry 2: its term is cut short"},
		{"EntryKeyShort", writeStoreThen(putEntryKey([]byte{1, 2, 3}, []byte{0, 1})), store.ErrCorrupt, "an entry key is 3 bytes"},
		{"LogGap", writeStoreThen(deleteEntry(2)), store.ErrCorrupt, "entry 3 where entry 2 should be"},
		{"LogNotFromOne", writeStoreThen(deleteEntry(1)), store.ErrCorrupt, "entry 2 where entry 1 should be"},
		{"HardStateLength", writeStoreThen(putMeta("hardstate", []byte{1, 2, 3})), store.ErrCorrupt, "the hard state is 3 bytes"},
		{"NoEntriesBucket", writeStoreThen(deleteBucket("entries")), store.ErrCorrupt, `no "entries" bucket`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "node.db")
			test.make(t, path)
			before := fingerprint(t, dir)

			bolt, err := store.OpenBolt(path, store.BoltOptions{LockTimeout: lockTimeout})
			if err == nil {
				_ = bolt.Close()
				t.Fatalf("OpenBolt = nil error, want an error wrapping %v", test.want)
			}
			if !errors.Is(err, test.want) {
				t.Errorf("OpenBolt error = %v, want an error wrapping %v", err, test.want)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), test.says) {
				t.Errorf("OpenBolt error = %q, want it to name %s and say %q", err, path, test.says)
			}
			if after := fingerprint(t, dir); after != before {
				t.Errorf("OpenBolt changed the data dir: before %s\nafter %s", before, after)
			}
		})
	}
}

func TestBoltRefusesADirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := store.OpenBolt(dir, store.BoltOptions{})
	if !errors.Is(err, store.ErrNotAStore) || !strings.Contains(err.Error(), dir) {
		t.Errorf("OpenBolt(a directory) error = %v, want an error wrapping ErrNotAStore naming %s", err, dir)
	}
}

// An empty file is where a store may be created, as an absent one is.
func TestBoltCreatesStoreInEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bolt := openTestBolt(t, path)
	if err := bolt.Save(raft.HardState{CurrentTerm: 1}, []raft.Entry{{Index: 1, Term: 1}}); err != nil {
		t.Errorf("Save() in a store created over an empty file = %v, want nil", err)
	}
}

// Creating a store leaves exactly one file: the temporary file it is built
// in is gone.
func TestBoltCreateLeavesOnlyTheStore(t *testing.T) {
	dir := t.TempDir()
	openTestBolt(t, filepath.Join(dir, "node.db"))
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0].Name() != "node.db" {
		t.Errorf("data dir holds %v, want only node.db", names)
	}
}

func TestBoltMissingDataDirSaysSo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "node.db")
	_, err := store.OpenBolt(path, store.BoltOptions{})
	if err == nil || !strings.Contains(err.Error(), "data dir exist") {
		t.Errorf("OpenBolt in a missing dir = %v, want an error asking whether the data dir exists", err)
	}
}

// fingerprint lists dir's files with the SHA-256 of each.
func fingerprint(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, entry := range entries {
		data, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprintf("%s %x", entry.Name(), sha256.Sum256(data)))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
