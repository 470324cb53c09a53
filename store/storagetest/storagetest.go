// Package storagetest is the contract every raft.Storage must meet (with the writes of store.Storage), as one
// test suite that each implementation runs from its own tests:
//
//	func TestMemoryContract(t *testing.T) {
//		storagetest.Run(t, openMemory, reopenMemory)
//	}
//
// One suite for every implementation means the in-memory store that the
// simulator uses and the durable store on a Raspberry Pi cannot drift
// apart: whatever the core can rely on, both deliver.
package storagetest

import (
	"testing"

	"raftctl/store"
)

// Open builds a fresh, empty store whose files (if any) live in dir, a
// directory that belongs to the calling subtest.
type Open func(t *testing.T, dir string) store.Storage

// Reopen closes old and opens the store in dir again, as a host does when a
// node restarts. A store without files may return old itself.
type Reopen func(t *testing.T, dir string, old store.Storage) store.Storage

// Run runs the contract as subtests of t. Each subtest gets its own
// directory and its own store.
func Run(t *testing.T, open Open, reopen Reopen) {
	t.Helper()
	contract := []struct {
		name string
		test func(t *testing.T, storage store.Storage, reopen func(store.Storage) store.Storage)
	}{
		{"EmptyInitialState", testEmptyInitialState},
		{"SaveHardStateOnly", testSaveHardStateOnly},
		{"SaveHardStateKeepsLog", testSaveHardStateKeepsLog},
		{"AppendEntries", testAppendEntries},
		{"AppendMore", testAppendMore},
		{"TruncateConflictingSuffix", testTruncateConflictingSuffix},
		{"ReplaceWholeLog", testReplaceWholeLog},
		{"RejectInvalidEntries", testRejectInvalidEntries},
		{"HardStateAndEntriesTogether", testHardStateAndEntriesTogether},
		{"CopiesGivenEntries", testCopiesGivenEntries},
		{"CopiesReturnedEntries", testCopiesReturnedEntries},
		{"Reopen", testReopen},
		// Log compaction (snapshot.go).
		{"NoSnapshotAtFirst", testNoSnapshotAtFirst},
		{"SnapshotDropsCoveredPrefix", testSnapshotDropsCoveredPrefix},
		{"SnapshotDiscardsUnmatchedLog", testSnapshotDiscardsUnmatchedLog},
		{"SnapshotRejectsCompactedWrites", testSnapshotRejectsCompactedWrites},
		{"SnapshotSurvivesReopen", testSnapshotSurvivesReopen},
		{"SnapshotCopied", testSnapshotCopied},
	}
	for _, rule := range contract {
		t.Run(rule.name, func(t *testing.T) {
			dir := t.TempDir()
			storage := open(t, dir)
			reopenIn := func(old store.Storage) store.Storage { return reopen(t, dir, old) }
			rule.test(t, storage, reopenIn)
		})
	}
}
