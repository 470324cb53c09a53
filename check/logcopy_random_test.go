package check

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"raftctl/raft"
)

// randomCommand returns a command of a random size: mostly small, at times
// empty, at times larger than a quarter of an arena chunk (kept apart).
func randomCommand(random *rand.Rand) []byte {
	var size int
	switch random.IntN(10) {
	case 0:
		size = 0
	case 1:
		size = arenaChunkBytes/4 + 1 + random.IntN(100)
	default:
		size = 1 + random.IntN(40)
	}
	command := make([]byte, size)
	for k := range command {
		command[k] = byte(random.IntN(256))
	}
	return command
}

// TestLogCopyAgainstAModel: a log copy put through random appends,
// truncations, compactions and resets holds exactly the entries of a plain
// slice put through the same (pages, arena chunks and large commands
// included).
func TestLogCopyAgainstAModel(t *testing.T) {
	for seed := range seeds(10) {
		random := rand.New(rand.NewPCG(seed, 15))
		var copied logCopy
		var model []raft.Entry // the node's whole log; copied holds it after floor
		for step := range 2000 {
			switch operation := random.IntN(20); {
			case operation < 14: // append a few entries
				for range 1 + random.IntN(40) {
					model = append(model, raft.Entry{Index: raft.Index(len(model) + 1), Term: raft.Term(1 + random.IntN(5)),
						Kind: raft.EntryKind(random.IntN(2)), Command: randomCommand(random)})
				}
			case operation < 17 && raft.Index(len(model)) > copied.floor: // truncate above the floor
				model = model[:int(copied.floor)+random.IntN(len(model)-int(copied.floor))]
			case operation < 19 && raft.Index(len(model)) > copied.floor: // compact
				index := copied.floor + 1 + raft.Index(random.IntN(len(model)-int(copied.floor)))
				copied.compactThrough(index)
			case operation == 19: // a snapshot from elsewhere
				index := raft.Index(random.IntN(len(model) + 1))
				model = model[:index]
				for k := range model {
					model[k].Command = randomCommand(random) // not the same entries
				}
				term := raft.Term(0)
				if index > 0 {
					term = model[index-1].Term
				}
				copied.reset(index, term)
			}
			after := model[copied.floor:]
			changed := copied.firstDifference(copied.floor, after, 0)
			copied.replaceFrom(1, changed, copied.floor, after)
			if copied.length() != raft.Index(len(model)) {
				t.Fatalf("seed %d step %d: length %d, want %d", seed, step, copied.length(), len(model))
			}
			if copied.floor > 0 && copied.term(copied.floor) != model[copied.floor-1].Term {
				t.Fatalf("seed %d step %d: term at floor %d is %d, want %d", seed, step, copied.floor, copied.term(copied.floor), model[copied.floor-1].Term)
			}
			for index := copied.floor + 1; index <= copied.length(); index++ {
				want := model[index-1]
				if got := copied.entry(index); got.Term != want.Term || got.Kind != want.Kind || !bytes.Equal(got.Command, want.Command) {
					t.Fatalf("seed %d step %d: entry %d is %+v, want %+v", seed, step, index, got, want)
				}
			}
			if again := copied.firstDifference(copied.floor, after, 0); again != copied.length()+1 {
				t.Fatalf("seed %d step %d: a copy just made differs from its log at %d", seed, step, again)
			}
		}
	}
}

// TestRecordsAgainstAModel: records made in a random order, with commands
// kept, and forgotten from below, are found as a map would find them.
func TestRecordsAgainstAModel(t *testing.T) {
	for seed := range seeds(20) {
		random := rand.New(rand.NewPCG(seed, 16))
		var records indexRecords
		model := map[raft.Index][]byte{}
		forgotten := raft.Index(0)
		centre := raft.Index(1 + random.IntN(5000))
		for range 5000 {
			if random.IntN(50) == 0 {
				forgotten = max(forgotten, centre-raft.Index(random.IntN(int(centre))))
				records.forgetThrough(forgotten)
				for index := range model {
					if index <= forgotten {
						delete(model, index)
					}
				}
				continue
			}
			centre += raft.Index(random.IntN(20))
			index := max(1, centre+raft.Index(random.IntN(300))-150)
			if random.IntN(500) == 0 {
				index = 1 << 40 // a stray far index
			}
			record := records.slot(index)
			if (record == nil) != (index <= forgotten) {
				t.Fatalf("seed %d: slot(%d) = %v with forgotten %d", seed, index, record, forgotten)
			}
			if record == nil || record.appliedSeen {
				continue
			}
			command := randomCommand(random)
			record.applied = appliedEntry{term: raft.Term(index), command: records.keepCommand(index, command)}
			record.appliedSeen = true
			model[index] = command
		}
		for index, command := range model {
			record := records.find(index)
			if record == nil || !record.appliedSeen || record.applied.term != raft.Term(index) || !bytes.Equal(records.commands.bytes(record.applied.command), command) {
				t.Fatalf("seed %d: record of %d = %+v, want term %d and its command", seed, index, record, index)
			}
		}
	}
}

// seeds returns how many seeds a random test runs: fewer in -short mode
// (the race detector's run).
func seeds(full uint64) uint64 {
	if testing.Short() {
		return 2
	}
	return full
}
