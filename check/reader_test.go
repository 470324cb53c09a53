package check

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"raftctl/raft"
)

// sliceReader is a LogReader over a log that starts after snapshotIndex.
type sliceReader struct {
	log           []raft.Entry
	snapshotIndex raft.Index
}

func (r sliceReader) Entries(from, to raft.Index) []raft.Entry {
	if from <= r.snapshotIndex || from > to || to > r.snapshotIndex+raft.Index(len(r.log)) {
		return nil
	}
	return r.log[from-r.snapshotIndex-1 : to-r.snapshotIndex]
}

// TestReaderAgreesWithLog: a checker that reads only what changed through
// NodeView.Reader finds exactly what a checker shown every log whole finds,
// on random runs that break every rule, with snapshots, and with hosts
// whose promise (Unchanged) is sometimes wrong.
func TestReaderAgreesWithLog(t *testing.T) {
	violations := 0
	for run := range 300 {
		random := rand.New(rand.NewPCG(uint64(run), 17))
		whole, reading := New(), New()
		logs := map[raft.NodeID][]raft.Entry{}
		snapshots := map[raft.NodeID]raft.Index{}
		for step := range 80 {
			id := raft.NodeID(1 + random.IntN(4))
			previous := logs[id]
			log := slices.Clone(previous)
			floor := snapshots[id]
			switch random.IntN(6) {
			case 0:
				log = log[:int(floor)+random.IntN(len(log)-int(floor)+1)]
			case 1:
				if len(log) > int(floor) {
					k := int(floor) + random.IntN(len(log)-int(floor))
					log[k] = raft.Entry{Index: raft.Index(k + 1), Term: raft.Term(1 + random.IntN(3)), Command: []byte{byte('a' + random.IntN(2))}}
				}
			case 2:
				if len(log) > int(floor) && random.IntN(3) == 0 {
					floor += raft.Index(1 + random.IntN(len(log)-int(floor)))
					snapshots[id] = floor
				}
			default:
				if len(log) < 12 {
					log = append(log, raft.Entry{Index: raft.Index(len(log) + 1), Term: raft.Term(1 + random.IntN(3)), Command: []byte{byte('a' + random.IntN(2))}})
				}
			}
			logs[id] = log
			// The host's promise: the entries before the first that changed,
			// and now and then one too many.
			unchanged := raft.Index(0)
			for unchanged < raft.Index(min(len(log), len(previous))) && entriesEqual(log[unchanged], previous[unchanged]) {
				unchanged += raft.Index(1 + random.IntN(3))
			}
			if random.IntN(10) == 0 {
				unchanged += raft.Index(1 + random.IntN(3))
			}
			role := raft.Follower
			if random.IntN(3) == 0 {
				role = raft.Leader
			}
			view := NodeView{ID: id, Role: role, Term: raft.Term(1 + random.IntN(3)), CommitIndex: raft.Index(random.IntN(len(log) + 1)),
				SnapshotIndex: floor, Unchanged: unchanged}
			view.CommitIndex = max(view.CommitIndex, floor)
			if floor > 0 {
				view.SnapshotTerm = log[floor-1].Term
			}
			shown := view
			shown.Log = log[floor:]
			read := view
			read.Reader, read.LastIndex = sliceReader{log: log[floor:], snapshotIndex: floor}, raft.Index(len(log))
			got, want := fmt.Sprint(reading.ObserveNode(read)), fmt.Sprint(whole.ObserveNode(shown))
			if got != want {
				t.Fatalf("run %d step %d: read %s, whole %s", run, step, got, want)
			}
			if applied := raft.Index(random.IntN(len(log) + 1)); applied > floor {
				got, want := fmt.Sprint(reading.ObserveApply(id, log[applied-1])), fmt.Sprint(whole.ObserveApply(id, log[applied-1]))
				if got != want {
					t.Fatalf("run %d step %d: apply read %s, whole %s", run, step, got, want)
				}
			}
		}
		if got, want := fmt.Sprint(reading.Counts()), fmt.Sprint(whole.Counts()); got != want {
			t.Fatalf("run %d: counts read %s, whole %s", run, got, want)
		}
		violations += len(whole.Violations())
	}
	if violations == 0 {
		t.Fatal("no run found a violation: the test compared nothing of interest")
	}
	t.Logf("%d violations found alike", violations)
}

func entriesEqual(a, b raft.Entry) bool {
	return a.Index == b.Index && a.Term == b.Term && a.Kind == b.Kind && string(a.Command) == string(b.Command)
}
