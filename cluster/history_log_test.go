package cluster

import (
	"testing"

	"raftctl/check"
)

// TestHistoryLogKeepsOrderAcrossChunks: the client history comes back
// whole and in the order the operations finished, across chunk
// boundaries.
func TestHistoryLogKeepsOrderAcrossChunks(t *testing.T) {
	var history historyLog
	const count = 3*historyChunk + 5
	for i := range count {
		history.add(check.Operation{CallSequence: uint64(i)})
	}
	all := history.all()
	if history.len() != count || len(all) != count {
		t.Fatalf("len() = %d and all() holds %d operations, want %d", history.len(), len(all), count)
	}
	for i, operation := range all {
		if operation.CallSequence != uint64(i) {
			t.Fatalf("all()[%d] is operation %d, want %d", i, operation.CallSequence, i)
		}
	}
}
