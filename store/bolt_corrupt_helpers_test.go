package store_test

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	bbolt "go.etcd.io/bbolt"

	"raftctl/raft"
	"raftctl/store"
)

// The files TestBoltRefusesFilesItCannotUse feeds to OpenBolt. Damage to a
// real store is done with bbolt directly, below the store's checks.

// bboltPageSize is bbolt's default page size, the OS page size.
var bboltPageSize = int64(os.Getpagesize())

func writeGarbage(size int) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		random := rand.New(rand.NewPCG(uint64(size), 1))
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(random.Uint32())
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// writeBolt writes a bbolt file whose one transaction is change.
func writeBolt(change func(*bbolt.Tx) error) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		changeBolt(t, path, change)
	}
}

// writeForeignBolt writes another program's bbolt database.
func writeForeignBolt(t *testing.T, path string) {
	changeBolt(t, path, func(transaction *bbolt.Tx) error {
		widgets, err := transaction.CreateBucket([]byte("widgets"))
		if err != nil {
			return err
		}
		return widgets.Put([]byte("sprocket"), []byte("42"))
	})
}

// writeStore writes a real store holding entries 1 to count, each with a
// command of commandSize bytes.
func writeStore(t *testing.T, path string, count, commandSize int) {
	t.Helper()
	bolt, err := store.OpenBolt(path, store.BoltOptions{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	entries := make([]raft.Entry, count)
	for i := range entries {
		entries[i] = raft.Entry{Index: raft.Index(i + 1), Term: 1, Command: []byte(strings.Repeat("c", commandSize))}
	}
	if err := bolt.Save(raft.HardState{CurrentTerm: 1, VotedFor: 1}, entries); err != nil {
		t.Fatal(err)
	}
	if err := bolt.Close(); err != nil {
		t.Fatal(err)
	}
}

// writeStoreThen writes a small real store, then damages it with change.
func writeStoreThen(change func(*bbolt.Tx) error) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		writeStore(t, path, 5, 10)
		changeBolt(t, path, change)
	}
}

// truncateStore writes a store of many pages, then cuts the file to
// length(end), where end is where bbolt's last page ends.
func truncateStore(length func(end int64) int64) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		writeStore(t, path, 200, 500)
		database, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var end int64
		_ = database.View(func(transaction *bbolt.Tx) error {
			end = transaction.Size()
			return nil
		})
		if err := database.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, length(end)); err != nil {
			t.Fatal(err)
		}
	}
}

// overwritePages fills every page but the two meta pages with garbage.
func overwritePages(t *testing.T, path string) {
	writeStore(t, path, 50, 200)
	file, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		t.Fatal(err)
	}
	random := rand.New(rand.NewPCG(7, 7))
	garbage := make([]byte, info.Size()-2*bboltPageSize)
	for i := range garbage {
		garbage[i] = byte(random.Uint32())
	}
	if _, err := file.WriteAt(garbage, 2*bboltPageSize); err != nil {
		t.Fatal(err)
	}
}

func changeBolt(t *testing.T, path string, change func(*bbolt.Tx) error) {
	t.Helper()
	database, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := database.Update(change); err != nil {
		t.Fatal(err)
	}
	if err := database.Close(); err != nil {
		t.Fatal(err)
	}
}

func putMeta(key string, value []byte) func(*bbolt.Tx) error {
	return func(transaction *bbolt.Tx) error {
		meta, err := transaction.CreateBucketIfNotExists([]byte("meta"))
		if err != nil {
			return err
		}
		return meta.Put([]byte(key), value)
	}
}

func indexKey(index raft.Index) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(index))
}

func putEntry(index raft.Index, value []byte) func(*bbolt.Tx) error {
	return putEntryKey(indexKey(index), value)
}

func putEntryKey(key, value []byte) func(*bbolt.Tx) error {
	return func(transaction *bbolt.Tx) error {
		if value == nil {
			value = []byte{}
		}
		return transaction.Bucket([]byte("entries")).Put(key, value)
	}
}

func deleteEntry(index raft.Index) func(*bbolt.Tx) error {
	return func(transaction *bbolt.Tx) error {
		return transaction.Bucket([]byte("entries")).Delete(indexKey(index))
	}
}

func deleteBucket(name string) func(*bbolt.Tx) error {
	return func(transaction *bbolt.Tx) error {
		return transaction.DeleteBucket([]byte(name))
	}
}
