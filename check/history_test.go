package check

import (
	"fmt"
	"sync"
	"testing"

	"raftctl/raft"
)

// TestCorrectHistoryReportsNothing // thesis §3.5, Appendix A.2
// `log-repair`: elections in three terms, logs growing, a follower's
// uncommitted suffix truncated and replaced, commits and applies. A correct
// run must be silent, and every property must have been checked.
func TestCorrectHistoryReportsNothing(t *testing.T) {
	h := newHistory(t)
	one := entries("1:a=1")
	// n1 leads term 1 and commits a=1 everywhere.
	h.observe(n1, raft.Candidate, 1, 0, nil)
	h.observe(n1, raft.Leader, 1, 0, nil)
	h.observe(n1, raft.Leader, 1, 0, one)
	h.observe(n2, raft.Follower, 1, 0, one)
	h.observe(n3, raft.Follower, 1, 0, one)
	h.observe(n1, raft.Leader, 1, 1, one)
	h.apply(n1, one, 1, 1)
	for _, id := range []raft.NodeID{n2, n3} {
		h.observe(id, raft.Follower, 1, 1, one)
		h.apply(id, one, 1, 1)
	}
	// Cut off, n1 appends three entries it can never commit.
	stale := entries("1:a=1", "1:a=2", "1:a=3", "1:a=4")
	for length := 2; length <= 4; length++ {
		h.observe(n1, raft.Leader, 1, 1, stale[:length])
	}
	// n2 leads term 2 with n3 and commits b=1..5.
	h.observe(n2, raft.Candidate, 2, 1, one)
	h.observe(n3, raft.Follower, 2, 1, one)
	h.observe(n2, raft.Leader, 2, 1, one)
	fresh := entries("1:a=1", "2:b=1", "2:b=2", "2:b=3", "2:b=4", "2:b=5")
	for length := 2; length <= 6; length++ {
		h.observe(n2, raft.Leader, 2, 1, fresh[:length])
		h.observe(n3, raft.Follower, 2, 1, fresh[:length])
	}
	h.observe(n2, raft.Leader, 2, 6, fresh)
	h.apply(n2, fresh, 2, 6)
	h.observe(n3, raft.Follower, 2, 6, fresh)
	h.apply(n3, fresh, 2, 6)
	// n2 crashes; n3 leads term 3 with n1's vote and repairs n1's log.
	h.observe(n3, raft.Candidate, 3, 6, fresh)
	h.observe(n1, raft.Follower, 3, 1, stale)
	h.observe(n3, raft.Leader, 3, 6, fresh)
	repaired := append(entries("1:a=1", "2:b=1", "2:b=2", "2:b=3", "2:b=4", "2:b=5"), raft.Entry{Index: 7, Term: 3, Kind: raft.EntryNoop})
	h.observe(n3, raft.Leader, 3, 6, repaired)
	h.observe(n1, raft.Follower, 3, 1, one)
	h.observe(n1, raft.Follower, 3, 1, repaired)
	h.observe(n3, raft.Leader, 3, 7, repaired)
	h.apply(n3, repaired, 7, 7)
	h.observe(n1, raft.Follower, 3, 7, repaired)
	h.apply(n1, repaired, 2, 7)
	h.expectNone()
	for property, count := range h.checker.Counts() {
		if count == 0 {
			t.Errorf("%v was never checked", property)
		}
	}
}

// figure37 replays the history of thesis Fig. 3.7 (Appendix A.1,
// `old-term-commit`) on 5 nodes up to the end of panel (c). With naive
// set, n1 commits index 2 of term 2 by counting replicas in term 4, the
// mistake thesis §3.6.2 forbids:
// > Raft never commits log entries from previous terms by counting replicas.
func figure37(h *history, naive bool) {
	one := entries("1:x=1")
	h.observe(n1, raft.Leader, 1, 0, one)
	for _, id := range []raft.NodeID{n2, n3, n4, n5} {
		h.observe(id, raft.Follower, 1, 1, one)
		h.apply(id, one, 1, 1)
	}
	h.observe(n1, raft.Leader, 1, 1, one)
	h.apply(n1, one, 1, 1)
	// n1 restarts and leads term 2.
	h.observe(n1, raft.Leader, 2, 1, one)
	// (a) x=2 reaches n1 and n2 only.
	two := entries("1:x=1", "2:x=2")
	h.observe(n1, raft.Leader, 2, 1, two)
	h.observe(n2, raft.Follower, 2, 1, two)
	// (b) n1 crashes; n5 leads term 3 with n3 and n4, and appends x=3 alone.
	h.observe(n3, raft.Follower, 3, 1, one)
	h.observe(n4, raft.Follower, 3, 1, one)
	h.observe(n5, raft.Leader, 3, 1, one)
	h.observe(n2, raft.Follower, 3, 1, two)
	h.observe(n5, raft.Leader, 3, 1, entries("1:x=1", "3:x=3"))
	// (c) n5 crashes; n1 restarts, loses term 3, wins term 4 and copies
	// index 2 to n3: a majority holds it.
	h.observe(n1, raft.Candidate, 3, 1, two)
	h.observe(n1, raft.Leader, 4, 1, two)
	h.observe(n2, raft.Follower, 4, 1, two)
	h.observe(n4, raft.Follower, 4, 1, one)
	h.observe(n3, raft.Follower, 4, 1, two)
	if naive {
		h.observe(n1, raft.Leader, 4, 2, two)
		h.apply(n1, two, 2, 2)
	}
}

// figure37d1 continues with panel (d1): n1 crashes, n5 wins term 5 and
// overwrites index 2 everywhere, then commits x=5 at index 3.
func figure37d1(h *history) {
	mine := entries("1:x=1", "3:x=3")
	h.observe(n5, raft.Candidate, 4, 1, mine)
	h.observe(n5, raft.Leader, 5, 1, mine)
	latest := entries("1:x=1", "3:x=3", "5:x=5")
	h.observe(n5, raft.Leader, 5, 1, latest)
	for _, id := range []raft.NodeID{n2, n3, n4} {
		h.observe(id, raft.Follower, 5, 1, mine)
		h.observe(id, raft.Follower, 5, 1, latest)
	}
	h.observe(n5, raft.Leader, 5, 3, latest)
	for _, id := range []raft.NodeID{n2, n3, n4, n5} {
		h.observe(id, raft.Follower, 5, 3, latest)
		h.apply(id, latest, 2, 3)
	}
}

// TestFigure3_7 // thesis §3.6.2, Fig. 3.7: with the commitment rule of
// the thesis both endings are safe; with the naive rule, the checker
// catches the lost entry (Leader Completeness, §3.6) and then its
// consequence (State Machine Safety, §3.6.3).
func TestFigure3_7(t *testing.T) {
	t.Run("D1", func(t *testing.T) {
		h := newHistory(t)
		figure37(h, false)
		figure37d1(h)
		h.expectNone()
	})
	t.Run("D2", func(t *testing.T) {
		h := newHistory(t)
		figure37(h, false)
		four := entries("1:x=1", "2:x=2", "4:x=4")
		h.observe(n1, raft.Leader, 4, 1, four)
		h.observe(n2, raft.Follower, 4, 1, four)
		h.observe(n3, raft.Follower, 4, 1, four)
		h.observe(n1, raft.Leader, 4, 3, four)
		h.apply(n1, four, 2, 3)
		h.observe(n2, raft.Follower, 4, 3, four)
		h.apply(n2, four, 2, 3)
		// n1 crashes; n5 restarts and loses terms 4 and 5.
		mine := entries("1:x=1", "3:x=3")
		h.observe(n5, raft.Candidate, 4, 1, mine)
		h.observe(n5, raft.Candidate, 5, 1, mine)
		h.expectNone()
	})
	t.Run("NaiveCommitRule", func(t *testing.T) {
		h := newHistory(t)
		figure37(h, true)
		figure37d1(h)
		if len(h.found) != 2 {
			t.Fatalf("found %d violations %v, want Leader Completeness then State Machine Safety", len(h.found), h.found)
		}
		expectOne(t, h.found[:1], Violation{
			Property: LeaderCompleteness, Nodes: []raft.NodeID{n5, n1}, Index: 2, Terms: []raft.Term{2, 4, 5},
			Evidence: "n1 saw index 2 term 2 (x=2) committed in term 4, but n5, leader of term 5, holds term 3 (x=3)",
		})
		expectOne(t, h.found[1:], Violation{
			Property: StateMachineSafety, Nodes: []raft.NodeID{n1, n2}, Index: 2, Terms: []raft.Term{2, 3},
			Evidence: "n1 applied index 2 term 2 (x=2) but n2 applied index 2 term 3 (x=3)",
		})
		if got := fmt.Sprint(h.checker.Violations()); got != fmt.Sprint(h.found) {
			t.Errorf("Violations() = %v, want %v", got, h.found)
		}
	})
}

// TestCheckerKeepsNoBorrowedLog: the host reuses the slice it shows, so
// changing it after an observation must not change what the checker saw.
func TestCheckerKeepsNoBorrowedLog(t *testing.T) {
	h := newHistory(t)
	shown := entries("1:x=1", "1:x=2")
	h.observe(n1, raft.Leader, 1, 1, shown)
	h.apply(n1, shown, 1, 1)
	shown[0].Command[0] = 'y'
	shown[1].Term = 7
	h.observe(n1, raft.Leader, 1, 1, entries("1:x=1", "1:x=2"))
	h.apply(n2, entries("1:x=1"), 1, 1)
	h.expectNone()
}

// TestWithCommandFormat: evidence shows commands through the host's
// formatter, and unprintable bytes as hex by default.
func TestWithCommandFormat(t *testing.T) {
	checker := New(WithCommandFormat(func(command []byte) string { return fmt.Sprintf("put %q", command) }))
	checker.ObserveApply(n1, raft.Entry{Index: 1, Term: 1, Command: []byte("a")})
	found := checker.ObserveApply(n2, raft.Entry{Index: 1, Term: 1, Kind: raft.EntryNoop})
	expectOne(t, found, Violation{
		Property: StateMachineSafety, Nodes: []raft.NodeID{n1, n2}, Index: 1, Terms: []raft.Term{1, 1},
		Evidence: `n1 applied index 1 term 1 (put "a") but n2 applied index 1 term 1 (no-op)`,
	})
	if got := plainCommand([]byte{1, 2, 255}); got != "0102ff" {
		t.Errorf("plainCommand(binary) = %q, want hex", got)
	}
}

// TestConcurrentObservations: hosts of real nodes observe from several
// goroutines (run with -race).
func TestConcurrentObservations(t *testing.T) {
	checker := New()
	log := entries("1:x=1", "1:x=2", "1:x=3", "1:x=4")
	var group sync.WaitGroup
	for _, id := range []raft.NodeID{n1, n2, n3} {
		group.Go(func() {
			role := raft.Follower
			if id == n1 {
				role = raft.Leader
			}
			for length := range len(log) + 1 {
				checker.ObserveNode(NodeView{ID: id, Role: role, Term: 1, Log: log[:length], CommitIndex: raft.Index(length)})
				if length > 0 {
					checker.ObserveApply(id, log[length-1])
				}
			}
		})
	}
	group.Wait()
	for _, v := range checker.Violations() {
		t.Errorf("unexpected violation: %v", v)
	}
}
