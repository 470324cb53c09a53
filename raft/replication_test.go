package raft

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestProposeOnFollowerFails(t *testing.T) {
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	before := tc.nodes[2].Status()
	if _, _, err := tc.nodes[2].Propose([]byte("x")); err != ErrNotLeader {
		t.Fatalf("propose on a follower: %v, want ErrNotLeader", err)
	}
	if tc.nodes[2].HasReady() || tc.nodes[2].Status().LastIndex != before.LastIndex {
		t.Fatal("a refused proposal changed the follower")
	}
}

func TestEntryCommittedOnMajority(t *testing.T) { // thesis §3.5
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(3)
	index := tc.propose(1, "x=1")
	tc.stabilize()
	for _, id := range []NodeID{1, 2} {
		if got := tc.nodes[id].CommitIndex(); got != index {
			t.Fatalf("%v commit index %d, want %d", id, got, index)
		}
	}
	if tc.nodes[3].Status().LastIndex != 0 {
		t.Fatal("the isolated node received the entry")
	}
	tc.heal()
	tc.tickAll(10) // the first heartbeat notices the loss, the second resends
	if got := tc.nodes[3].CommitIndex(); got != index {
		t.Fatalf("n3 commit index %d after heal, want %d", got, index)
	}
}

func TestLeaderNoopAppended(t *testing.T) { // thesis §6.4
	tc := newTestCluster(t, 3, func(c *Config) { c.LeaderNoop = true })
	tc.campaign(1)
	tc.stabilize()
	log := tc.nodes[1].Log()
	if len(log) != 1 || log[0].Kind != EntryNoop || log[0].Term != 1 {
		t.Fatalf("want one no-op of term 1, got %+v", log)
	}
	if tc.nodes[2].CommitIndex() != 1 {
		t.Fatal("the no-op was not committed on the followers")
	}
}

func TestConsistencyCheckRejectsMissingEntry(t *testing.T) { // thesis §3.5
	tc := newTestCluster(t, 2, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.clearEvents()
	tc.nodes[2].Step(Message{Type: MsgAppendEntries, From: 1, To: 2, Term: 1, PrevLogIndex: 5, PrevLogTerm: 1})
	tc.process(2)
	rejected := tc.eventsOf(EventAppendRejected)
	if len(rejected) != 1 || rejected[0].Reason != ReasonMissingEntry || rejected[0].OtherIndex != 0 {
		t.Fatalf("want a missing-entry rejection with log length 0, got %+v", rejected)
	}
}

func TestConflictingSuffixTruncated(t *testing.T) { // thesis §3.5
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.isolate(1)
	tc.propose(1, "a") // index 1, term 1: only on n1
	tc.propose(1, "b")
	tc.campaign(2)
	tc.stabilize()
	tc.propose(2, "c") // index 1, term 2 on n2 and n3
	tc.stabilize()
	tc.kill(2)
	tc.heal()
	tc.campaign(3)
	tc.stabilize()
	tc.propose(3, "d")
	tc.stabilize()
	log := tc.nodes[1].Log()
	if len(log) != 2 || string(log[0].Command) != "c" || string(log[1].Command) != "d" {
		t.Fatalf("n1 log %+v, want c, d", log)
	}
	truncated := tc.eventsOf(EventTruncated)
	if len(truncated) != 1 || truncated[0].Node != 1 || truncated[0].Index != 1 {
		t.Fatalf("want n1 to truncate from index 1, got %+v", truncated)
	}
}

func TestRepeatedAppendEntriesChangesNothing(t *testing.T) { // thesis §3.7
	tc := newTestCluster(t, 2, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "a")
	stale := tc.queue[0] // AppendEntries carrying index 1
	tc.stabilize()
	tc.propose(1, "b")
	tc.stabilize()
	tc.clearEvents()
	tc.deliver(stale) // replayed late
	if got := tc.nodes[2].Status().LastIndex; got != 2 {
		t.Fatalf("a replayed AppendEntries left the log at %d entries, want 2", got)
	}
	if len(tc.eventsOf(EventTruncated)) != 0 {
		t.Fatal("a replayed AppendEntries truncated the log")
	}
}

// figure37 builds thesis Fig. 3.7 (c): n1 leads term 4 and has copied
// index 2 (term 2) onto n3, a majority with n1 and n2; no entry of term 4
// exists yet.
func figure37(t *testing.T, bugs Bugs) *testCluster {
	tc := newTestCluster(t, 5, func(c *Config) { c.Bugs = bugs })
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x=1")
	tc.stabilize()
	tc.kill(1)
	tc.start(1)
	tc.campaign(1)
	tc.stabilize() // n1 leads term 2
	for _, id := range []NodeID{3, 4, 5} {
		tc.isolate(id)
	}
	tc.propose(1, "x=2") // index 2, term 2 on n1, n2
	tc.stabilize()
	tc.kill(1)
	tc.heal()
	tc.campaign(5)
	tc.stabilize() // n5 leads term 3 with n3, n4 (n2 refuses)
	tc.requireRole(5, Leader, 3)
	tc.isolate(5)
	tc.propose(5, "x=3") // index 2, term 3, only on n5
	tc.stabilize()       // lost on the cut links
	tc.kill(5)
	tc.heal()
	tc.start(1)
	tc.campaign(1)
	tc.stabilize() // term 4? n3, n4 voted n5 in term 3: n1 may need two rounds
	if tc.nodes[1].Role() != Leader {
		tc.campaign(1)
		tc.stabilize()
	}
	tc.requireRole(1, Leader, 4)
	return tc
}

func TestOnlyCurrentTermCommittedByCounting(t *testing.T) { // thesis §3.6.2, Fig. 3.7 (c)
	tc := figure37(t, Bugs{})
	if got := tc.nodes[1].CommitIndex(); got >= 2 {
		t.Fatalf("n1 committed index %d (term 2) by counting replicas in term 4", got)
	}
	index := tc.propose(1, "x=4") // index 3, term 4 commits 2 indirectly (Fig. 3.7 d2)
	tc.stabilize()
	if got := tc.nodes[1].CommitIndex(); got != index {
		t.Fatalf("n1 commit index %d, want %d", got, index)
	}
}

func TestCommitOldTermBugCommitsByCounting(t *testing.T) { // the Fig. 3.7 mistake
	tc := figure37(t, Bugs{CommitOldTerm: true})
	if got := tc.nodes[1].CommitIndex(); got != 2 {
		t.Fatalf("with commit-old-term n1 commit index %d, want 2", got)
	}
	var counted bool
	for _, event := range tc.eventsOf(EventCommitted) {
		counted = counted || event.Reason == ReasonCountedOld
	}
	if !counted {
		t.Fatal("no commit event says an old-term entry was counted")
	}
}

func TestBatchingAndPipeliningWindow(t *testing.T) { // thesis §10.2.2
	tc := newTestCluster(t, 2, func(c *Config) { c.MaxEntriesPerMessage, c.MaxInflight = 3, 2 })
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "warm-up") // moves n2 to Replicate
	tc.stabilize()
	tc.queue = nil
	for i := range 20 {
		tc.nodes[1].Propose([]byte(strconv.Itoa(i)))
	}
	tc.process(1)
	// Each proposal went out at once until the window filled; the rest
	// waits, to leave in batches as acknowledgements free the window.
	if len(tc.queue) != 2 {
		t.Fatalf("%d AppendEntries in flight, want the window of 2", len(tc.queue))
	}
	messages, largest := 0, 0
	for len(tc.queue) > 0 {
		inFlight := 0
		for _, m := range tc.queue {
			if m.Type == MsgAppendEntries {
				inFlight++
			}
		}
		if inFlight > 2 {
			t.Fatalf("%d AppendEntries in flight, window is 2", inFlight)
		}
		m := tc.queue[0]
		tc.queue = tc.queue[1:]
		if m.Type == MsgAppendEntries && len(m.Entries) > 0 {
			messages++
			largest = max(largest, len(m.Entries))
		}
		tc.deliver(m)
	}
	if largest != 3 || messages != 8 {
		t.Fatalf("20 entries in %d messages of at most %d entries, want 8 messages (2 single, 6 batches of 3)", messages, largest)
	}
	if got := tc.nodes[2].Status().LastIndex; got != 21 {
		t.Fatalf("follower has %d entries after the window drained, want 21", got)
	}
}

func TestLostAppendEntriesRetried(t *testing.T) { // thesis §3.7
	tc := newTestCluster(t, 2, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "a")
	tc.stabilize()
	tc.propose(1, "b")
	tc.queue = nil // lost
	tc.tickAll(20)
	if got := tc.nodes[2].Status().LastIndex; got != 2 {
		t.Fatalf("follower has %d entries, want the lost entry resent", got)
	}
}

func TestConflictHintSkipsTerms(t *testing.T) { // thesis §3.5, §4.2.1
	rejections := map[bool]int{}
	for _, hint := range []bool{false, true} {
		tc := logRepair(t, hint)
		rejections[hint] = len(tc.eventsOf(EventAppendRejected))
		if got := tc.nodes[1].Log(); len(got) != 6 || got[5].Term != 2 {
			t.Fatalf("hint=%v: n1 log not repaired: %+v", hint, got)
		}
	}
	if rejections[false] != 5 || rejections[true] != 2 {
		t.Fatalf("rejections without hint %d (want 5), with hint %d (want 2)", rejections[false], rejections[true])
	}
}

// logRepair is the log-repair scenario (thesis Fig. 3.6 style): n1 holds
// three uncommitted term-1 entries; n3 leads term 3 with five term-2
// entries; n1 must be repaired.
func logRepair(t *testing.T, hint bool) *testCluster {
	tc := newTestCluster(t, 3, func(c *Config) { c.ConflictHint = hint })
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "a=1")
	tc.stabilize()
	tc.isolate(1)
	for _, value := range []string{"a=2", "a=3", "a=4"} {
		tc.propose(1, value)
	}
	tc.campaign(2)
	tc.stabilize()
	for i := 1; i <= 5; i++ {
		tc.propose(2, "b="+strconv.Itoa(i))
	}
	tc.stabilize()
	tc.kill(2)
	tc.heal()
	tc.campaign(3)
	tc.clearEvents()
	tc.stabilize()
	tc.requireRole(3, Leader, 3)
	return tc
}

func TestRestartKeepsTermVoteAndLog(t *testing.T) { // thesis §3.8
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	tc.propose(1, "x")
	tc.stabilize()
	tc.kill(2)
	tc.start(2)
	status := tc.nodes[2].Status()
	if status.Term != 1 || status.VotedFor != 1 || status.LastIndex != 1 || status.CommitIndex != 0 {
		t.Fatalf("restarted n2: %+v, want term 1, vote n1, 1 entry, commit 0", status)
	}
}

func TestVotePersistedBeforeReply(t *testing.T) { // thesis §3.8
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	request := tc.queue[0]
	tc.queue = nil
	tc.nodes[2].Step(request)
	ready := tc.nodes[2].Ready()
	if !ready.MustSave || ready.HardState.VotedFor != 1 || len(ready.Messages) != 1 || !ready.Messages[0].VoteGranted {
		t.Fatalf("the vote and the granting reply must leave in one batch, vote saved: %+v", ready)
	}
}

func TestForgetVoteBugLosesVote(t *testing.T) { // breaks thesis §3.8
	tc := newTestCluster(t, 3, func(c *Config) { c.Bugs.ForgetVote = true })
	tc.campaign(1)
	tc.stabilize()
	tc.kill(2)
	tc.start(2)
	if got := tc.nodes[2].Status().VotedFor; got != None {
		t.Fatalf("with forget-vote the restarted node remembers voting for %v", got)
	}
}

// TestCoreImportsStandardLibraryOnly keeps the core pure: no goroutine
// frameworks, no I/O libraries, nothing outside the standard library.
func TestCoreImportsStandardLibraryOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files found: %v", err)
	}
	for _, file := range files {
		source, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), file, source, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range parsed.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			first := strings.Split(path, "/")[0]
			if strings.Contains(first, ".") || first == "raftctl" {
				t.Errorf("%s imports %s: raft/ may use the standard library only", file, path)
			}
			if !strings.HasSuffix(file, "_test.go") && (path == "time" || path == "os" || path == "net" || path == "sync") {
				t.Errorf("%s imports %s: the core has no clock, I/O or goroutines", file, path)
			}
		}
	}
}

// A follower that rejects at or below its matchIndex has lost entries it
// acknowledged (a wiped disk, or a lying one: thesis §3.8). The leader
// cannot go lower than matchIndex+1, so a retry would be rejected the same
// way; it waits for the next heartbeat instead. Retrying at once let
// duplicated rejections multiply the retries without end: a campaign on a
// lying disk with 9% duplication ran for minutes of real time in a second
// of virtual time.
func TestRejectionBelowMatchIndexIsNotRetriedAtOnce(t *testing.T) { // thesis §3.5
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	last := tc.propose(1, "x=1")
	tc.stabilize()
	leader := tc.nodes[1]
	// Two more entries go out and are not delivered.
	tc.propose(1, "x=2")
	tc.propose(1, "x=3")
	tc.queue = nil
	rejection := func(prev Index) Message {
		return Message{Type: MsgAppendEntriesResp, From: 2, To: 1, Term: leader.Term(),
			PrevLogIndex: prev, HintGiven: true, LogLength: 0}
	}
	sentTo2 := func() int {
		count := 0
		for _, m := range leader.Ready().Messages {
			if m.Type == MsgAppendEntries && m.To == 2 {
				count++
			}
		}
		return count
	}
	leader.Ready() // clear
	leader.Step(rejection(last + 1))
	if got := sentTo2(); got != 1 {
		t.Fatalf("after a rejection above matchIndex %d, %d AppendEntries to n2, want 1 (a probe from matchIndex+1)", last, got)
	}
	// n2 now rejects the probe at its matchIndex, twice (a duplicate).
	leader.Step(rejection(last))
	leader.Step(rejection(last))
	if got := sentTo2(); got != 0 {
		t.Fatalf("rejections at matchIndex %d: %d AppendEntries to n2 at once, want none", last, got)
	}
}
