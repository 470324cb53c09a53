//go:build js && wasm

package indexeddb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"syscall/js"

	"raftctl/raft"
	"raftctl/store"
)

// Object stores of the database (doc.go describes the layout).
const (
	hardStateStore = "hardstate"
	entriesStore   = "entries"
	metaStore      = "meta"
	// version is the database's schema version.
	version = 1
)

// ErrUnavailable: the browser has no IndexedDB for this page (a private
// window that refuses it, a page opened from a file).
var ErrUnavailable = errors.New("indexeddb: the browser gives this page no IndexedDB")

// ErrCorrupt: what the database holds does not decode as a node's state.
var ErrCorrupt = errors.New("indexeddb: stored state does not decode")

// Database is one IndexedDB database holding the state of every node.
type Database struct {
	name string
	db   js.Value
}

// Open opens (creating when missing) the database called name.
func Open(name string) (*Database, error) {
	factory := js.Global().Get("indexedDB")
	if factory.IsUndefined() || factory.IsNull() {
		return nil, ErrUnavailable
	}
	var request js.Value
	if err := Catch(func() { request = factory.Call("open", name, version) }); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	upgrade := js.FuncOf(func(js.Value, []js.Value) any {
		db := request.Get("result")
		names := db.Get("objectStoreNames")
		for _, store := range []string{hardStateStore, entriesStore, metaStore} {
			if !names.Call("contains", store).Bool() {
				db.Call("createObjectStore", store)
			}
		}
		return nil
	})
	defer upgrade.Release()
	request.Set("onupgradeneeded", upgrade)
	db, err := await(request, "onsuccess", "onerror", "onblocked")
	if err != nil {
		return nil, fmt.Errorf("indexeddb: opening %s: %w", name, err)
	}
	return &Database{name: name, db: db}, nil
}

// Delete deletes the database called name, with everything in it.
func Delete(name string) error {
	factory := js.Global().Get("indexedDB")
	if factory.IsUndefined() || factory.IsNull() {
		return ErrUnavailable
	}
	_, err := await(factory.Call("deleteDatabase", name), "onsuccess", "onerror", "")
	return err
}

// Close closes the database.
func (d *Database) Close() error {
	return Catch(func() { d.db.Call("close") })
}

// Clear erases every node's state and the meta data.
func (d *Database) Clear() error {
	return d.write([]string{hardStateStore, entriesStore, metaStore}, func(transaction js.Value) {
		for _, name := range []string{hardStateStore, entriesStore, metaStore} {
			transaction.Call("objectStore", name).Call("clear")
		}
	})
}

// Meta returns the string kept under key, and whether there is one.
func (d *Database) Meta(key string) (string, bool, error) {
	value, err := d.read(metaStore, func(store js.Value) js.Value { return store.Call("get", key) })
	if err != nil || value.IsUndefined() || value.IsNull() {
		return "", false, err
	}
	return value.String(), true, nil
}

// SetMeta keeps value under key.
func (d *Database) SetMeta(key, value string) error {
	return d.write([]string{metaStore}, func(transaction js.Value) {
		transaction.Call("objectStore", metaStore).Call("put", value, key)
	})
}

// read runs one request on a read-only transaction of one object store.
func (d *Database) read(storeName string, request func(store js.Value) js.Value) (js.Value, error) {
	var pending js.Value
	err := Catch(func() {
		transaction := d.db.Call("transaction", storeName, "readonly")
		pending = request(transaction.Call("objectStore", storeName))
	})
	if err != nil {
		return js.Undefined(), err
	}
	return await(pending, "onsuccess", "onerror", "")
}

// write runs fill in one read-write transaction and waits until it has
// committed (or failed, and then none of it happened).
func (d *Database) write(storeNames []string, fill func(transaction js.Value)) error {
	var transaction js.Value
	err := Catch(func() {
		names := make([]any, len(storeNames))
		for i, name := range storeNames {
			names[i] = name
		}
		options := js.Global().Get("Object").New()
		options.Set("durability", "strict")
		transaction = d.db.Call("transaction", names, "readwrite", options)
		fill(transaction)
	})
	if err != nil {
		if !transaction.IsUndefined() {
			_ = Catch(func() { transaction.Call("abort") })
		}
		return err
	}
	_, err = await(transaction, "oncomplete", "onerror", "onabort")
	return err
}

// Store is one node's raft.Storage.
type Store struct {
	database *Database
	node     string
	mirror   *store.Memory
}

var _ raft.Storage = (*Store)(nil)

// Node opens the storage of the node called node, loading its hard state
// and log.
func (d *Database) Node(node string) (*Store, error) {
	s := &Store{database: d, node: node, mirror: store.NewMemory()}
	stateValue, err := d.read(hardStateStore, func(store js.Value) js.Value { return store.Call("get", node) })
	if err != nil {
		return nil, fmt.Errorf("indexeddb: %s: reading the hard state: %w", node, err)
	}
	var state raft.HardState
	if !stateValue.IsUndefined() && !stateValue.IsNull() {
		if state, err = decodeHardState(bytesOf(stateValue)); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, node, err)
		}
	}
	snapshot, err := d.readSnapshot(node)
	if err != nil {
		return nil, err
	}
	entryValues, err := d.read(entriesStore, func(store js.Value) js.Value { return store.Call("getAll", nodeRange(node, 1)) })
	if err != nil {
		return nil, fmt.Errorf("indexeddb: %s: reading the log: %w", node, err)
	}
	entries := make([]raft.Entry, entryValues.Length())
	for i := range entries {
		entry, err := decodeEntry(snapshot.LastIncludedIndex+raft.Index(i+1), bytesOf(entryValues.Index(i)))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: entry %d: %v", ErrCorrupt, node, i+1, err)
		}
		entries[i] = entry
	}
	if !snapshot.IsEmpty() {
		if err := s.mirror.SaveSnapshot(snapshot); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, node, err)
		}
	}
	if err := s.mirror.Save(state, entries); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, node, err)
	}
	return s, nil
}

// InitialState returns the hard state and log, from the mirror.
func (s *Store) InitialState() (raft.HardState, []raft.Entry, error) {
	return s.mirror.InitialState()
}

// Save writes the hard state and entries in one transaction and returns
// when it has committed; then the mirror takes them too. When entries is
// not empty, the stored log from entries[0].Index on is replaced.
func (s *Store) Save(state raft.HardState, entries []raft.Entry) error {
	_, log, _ := s.mirror.InitialState()
	snapshot, _ := s.mirror.Snapshot()
	if len(entries) > 0 && entries[0].Index <= snapshot.LastIncludedIndex && snapshot.LastIncludedIndex > 0 {
		return fmt.Errorf("%w: entries start at index %d, but the snapshot covers up to %d",
			store.ErrCompacted, entries[0].Index, snapshot.LastIncludedIndex)
	}
	if err := checkAppend(snapshot.LastIncludedIndex+raft.Index(len(log)), entries); err != nil {
		return err
	}
	err := s.database.write([]string{hardStateStore, entriesStore}, func(transaction js.Value) {
		transaction.Call("objectStore", hardStateStore).Call("put", uint8Array(encodeHardState(state)), s.node)
		if len(entries) == 0 {
			return
		}
		entryStore := transaction.Call("objectStore", entriesStore)
		entryStore.Call("delete", nodeRange(s.node, entries[0].Index))
		for _, entry := range entries {
			entryStore.Call("put", uint8Array(encodeEntry(entry)), entryKey(s.node, entry.Index))
		}
	})
	if err != nil {
		return fmt.Errorf("indexeddb: %s: save: %w", s.node, err)
	}
	return s.mirror.Save(state, entries)
}

// Wipe erases the node's state: a lost disk.
func (s *Store) Wipe() error {
	err := s.database.write([]string{hardStateStore, entriesStore}, func(transaction js.Value) {
		transaction.Call("objectStore", hardStateStore).Call("delete", s.node)
		transaction.Call("objectStore", hardStateStore).Call("delete", snapshotKey(s.node))
		transaction.Call("objectStore", entriesStore).Call("delete", nodeRange(s.node, 1))
	})
	if err != nil {
		return fmt.Errorf("indexeddb: %s: wipe: %w", s.node, err)
	}
	s.mirror.Wipe()
	return nil
}

// Close does nothing: the Database owns the connection.
func (s *Store) Close() error { return nil }

// checkAppend is the rule every store applies (store.Memory's): entries
// start at an index from 1 to lastIndex+1 and are contiguous. It runs
// before the database is written, so a rejected Save writes nothing.
func checkAppend(lastIndex raft.Index, entries []raft.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	first := entries[0].Index
	if first == 0 {
		return fmt.Errorf("%w: entries[0] has index 0, want 1 to %d", store.ErrEntryIndexZero, lastIndex+1)
	}
	if first > lastIndex+1 {
		return fmt.Errorf("%w: entries start at index %d, but the log ends at %d (want at most %d)", store.ErrLogGap, first, lastIndex, lastIndex+1)
	}
	for i, entry := range entries {
		if want := first + raft.Index(i); entry.Index != want {
			return fmt.Errorf("%w: entries[%d] has index %d, want %d", store.ErrEntriesNotContiguous, i, entry.Index, want)
		}
	}
	return nil
}

// entryKey is [node, index].
func entryKey(node string, index raft.Index) js.Value {
	return js.ValueOf([]any{node, float64(index)})
}

// nodeRange is every key [node, i] with i >= from.
func nodeRange(node string, from raft.Index) js.Value {
	return js.Global().Get("IDBKeyRange").Call("bound", entryKey(node, from), js.ValueOf([]any{node, math.Inf(1)}))
}

func encodeHardState(state raft.HardState) []byte {
	data := binary.BigEndian.AppendUint64(nil, uint64(state.CurrentTerm))
	return append(data, byte(state.VotedFor))
}

func decodeHardState(data []byte) (raft.HardState, error) {
	if len(data) != 9 {
		return raft.HardState{}, fmt.Errorf("hard state of %d bytes, want 9", len(data))
	}
	return raft.HardState{CurrentTerm: raft.Term(binary.BigEndian.Uint64(data)), VotedFor: raft.NodeID(data[8])}, nil
}

func encodeEntry(entry raft.Entry) []byte {
	data := append([]byte{byte(entry.Kind)}, binary.AppendUvarint(nil, uint64(entry.Term))...)
	return append(data, entry.Command...)
}

func decodeEntry(index raft.Index, data []byte) (raft.Entry, error) {
	if len(data) < 2 {
		return raft.Entry{}, fmt.Errorf("%d bytes, too short", len(data))
	}
	term, n := binary.Uvarint(data[1:])
	if n <= 0 {
		return raft.Entry{}, errors.New("the term does not decode")
	}
	entry := raft.Entry{Index: index, Term: raft.Term(term), Kind: raft.EntryKind(data[0])}
	if command := data[1+n:]; len(command) > 0 {
		entry.Command = append([]byte(nil), command...)
	}
	return entry, nil
}
