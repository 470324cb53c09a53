package store

import (
	"math/rand/v2"
	"slices"
	"testing"

	"raftctl/raft"
)

// TestChunkedLogMatchesASlice: appends, truncations (thesis §3.5) and
// drops from the front (snapshots, thesis §5.1) across many chunk
// boundaries leave the chunked log holding what one plain slice would.
func TestChunkedLogMatchesASlice(t *testing.T) {
	random := rand.New(rand.NewPCG(15, 4096))
	var log chunkedLog
	var model []raft.Entry
	next := raft.Index(1)
	for step := range 3000 {
		switch choice := random.IntN(10); {
		case choice < 6: // append a batch, sometimes a large one
			count := 1 + random.IntN(64)
			if random.IntN(20) == 0 {
				count = 1 + random.IntN(3*chunkEntries)
			}
			batch := make([]raft.Entry, count)
			for i := range batch {
				batch[i] = raft.Entry{Index: next, Term: raft.Term(step), Command: []byte{byte(step)}}
				next++
			}
			log.append(batch)
			model = append(model, batch...)
		case choice < 8: // truncate a suffix
			keep := random.IntN(len(model) + 1)
			if random.IntN(2) == 0 {
				keep = max(0, len(model)-random.IntN(100))
			}
			log.truncate(keep)
			model = model[:keep]
		default: // drop a prefix
			drop := random.IntN(len(model) + 1)
			if random.IntN(4) != 0 {
				drop = min(len(model), random.IntN(2*chunkEntries))
			}
			log.dropFirst(drop)
			model = model[drop:]
		}
		if log.length() != len(model) {
			t.Fatalf("step %d: length %d, want %d", step, log.length(), len(model))
		}
		if len(model) > 0 {
			for _, i := range []int{0, len(model) / 2, len(model) - 1, random.IntN(len(model))} {
				if got := log.at(i); got.Index != model[i].Index || got.Term != model[i].Term {
					t.Fatalf("step %d: at(%d) = %d/t%d, want %d/t%d", step, i, got.Index, got.Term, model[i].Index, model[i].Term)
				}
			}
		}
		if step%100 == 0 {
			if got := log.clone(); !slices.EqualFunc(got, model, func(a, b raft.Entry) bool {
				return a.Index == b.Index && a.Term == b.Term && string(a.Command) == string(b.Command)
			}) {
				t.Fatalf("step %d: clone() differs from the model (%d entries, want %d)", step, len(got), len(model))
			}
		}
	}
}
