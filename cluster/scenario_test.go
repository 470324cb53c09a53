package cluster

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"raftctl/check"
	"raftctl/raft"
	"raftctl/store"
)

// figure37 plays thesis Fig. 3.7 (a) to (d1) on five nodes and returns
// the cluster at the end of (d1), after n5 committed x=5.
func figure37(t *testing.T, bugs raft.Bugs) *Local {
	settings := basicSettings()
	settings.Bugs = bugs
	c := newCluster(t, 5, settings)
	campaign(t, c, 1)
	propose(t, c, "x", "1", 1)
	stabilize(t, c)
	must(t, c.Kill(1))
	must(t, c.Restart(1, false))
	campaign(t, c, 1) // n1 leads term 2
	requireRole(t, c, 1, raft.Leader, 2)
	// (a) index 2, term 2 reaches n1 and n2 only.
	must(t, c.Partition([][]NodeID{{1, 2}, {3, 4, 5}}))
	propose(t, c, "x", "2", 1)
	stabilize(t, c)
	// (b) n5 leads term 3 and writes its own index 2, alone.
	must(t, c.Kill(1))
	c.Heal()
	campaign(t, c, 5)
	requireRole(t, c, 5, raft.Leader, 3)
	must(t, c.Partition([][]NodeID{{5}, {1, 2, 3, 4}}))
	propose(t, c, "x", "3", 5)
	stabilize(t, c)
	// (c) n1 leads term 4 with n2, n3 and copies index 2 to n3.
	must(t, c.Kill(5))
	c.Heal()
	must(t, c.Restart(1, false))
	campaign(t, c, 1) // term 3: n3 and n4 already voted for n5
	must(t, c.Partition([][]NodeID{{1, 2, 3}, {4, 5}}))
	campaign(t, c, 1) // term 4
	requireRole(t, c, 1, raft.Leader, 4)
	logs := map[NodeID]int{}
	for _, id := range []NodeID{1, 2, 3} {
		log, _ := c.Log(id)
		logs[id] = len(log)
		if len(log) < 2 || log[1].Term != 2 {
			t.Fatalf("(c) %v log %+v, want index 2 of term 2", id, log)
		}
	}
	// (d1) n5 wins term 5 and overwrites index 2 everywhere.
	must(t, c.Kill(1))
	c.Heal()
	must(t, c.Restart(5, false))
	campaign(t, c, 5) // term 4: n2, n3 voted for n1 already
	campaign(t, c, 5) // term 5
	requireRole(t, c, 5, raft.Leader, 5)
	propose(t, c, "x", "5", 5)
	stabilize(t, c)
	return c
}

func TestFigure37CorrectRuleIsSafe(t *testing.T) { // thesis §3.6.2, Fig. 3.7
	c := figure37(t, raft.Bugs{})
	if violations := c.Violations(); len(violations) != 0 {
		t.Fatalf("violations with the correct rule: %v", violations)
	}
	for _, id := range []NodeID{2, 3, 4, 5} {
		log, _ := c.Log(id)
		if len(log) != 3 || log[1].Term != 3 {
			t.Fatalf("%v log %+v, want index 2 of term 3 (x=3) and index 3", id, log)
		}
	}
	value, _, err := c.GetLocal("x", 5)
	must(t, err)
	if value != "5" {
		t.Fatalf("x = %q on n5, want 5", value)
	}
}

func TestFigure37CommitOldTermIsCaught(t *testing.T) { // thesis Fig. 3.7, the wrong rule
	var refusals []Record
	observeNewClusters = func(c *Local) {
		c.Subscribe(func(record Record) {
			if record.Kind == RecordApply && errors.Is(record.Err, store.ErrEntryOutOfOrder) {
				refusals = append(refusals, record)
			}
		})
	}
	defer func() { observeNewClusters = nil }()
	c := figure37(t, raft.Bugs{CommitOldTerm: true})
	found := map[check.Property]bool{}
	for _, violation := range c.Violations() {
		found[violation.Property] = true
		t.Log(violation)
	}
	if !found[check.StateMachineSafety] {
		t.Fatalf("the checker did not report State Machine Safety: %v", c.Violations())
	}
	// The evidence names only what state machines really applied: a node
	// whose state machine refused an entry (it had applied that index
	// already) is never said to have applied it.
	for _, violation := range c.Violations() {
		if violation.Property != check.StateMachineSafety {
			continue
		}
		for _, refusal := range refusals {
			claim := fmt.Sprintf("%v applied index %d term %d", refusal.Node, refusal.Entry.Index, refusal.Entry.Term)
			if strings.Contains(violation.Evidence, claim) {
				t.Errorf("evidence %q says %s, but its state machine refused that entry", violation.Evidence, claim)
			}
		}
	}
	if len(refusals) == 0 {
		t.Fatal("no state machine refused an entry: the scenario no longer shows the case")
	}
}

func TestLogRepairWithAndWithoutHint(t *testing.T) { // thesis §3.5, Fig. 3.6
	counts := map[bool]int{}
	for _, hint := range []bool{false, true} {
		settings := basicSettings()
		settings.ConflictHint = hint
		c := newCluster(t, 3, settings)
		campaign(t, c, 1)
		propose(t, c, "a", "1", 1)
		stabilize(t, c)
		must(t, c.Partition([][]NodeID{{1}, {2, 3}}))
		for _, value := range []string{"2", "3", "4"} {
			propose(t, c, "a", value, 1)
		}
		stabilize(t, c)
		campaign(t, c, 2)
		for i := 1; i <= 5; i++ {
			propose(t, c, "b", fmt.Sprint(i), 2)
		}
		stabilize(t, c)
		must(t, c.Kill(2))
		c.Heal()
		rejections := recordsOf(c, raft.EventAppendRejected)
		campaign(t, c, 3)
		requireRole(t, c, 3, raft.Leader, 3)
		counts[hint] = len(*rejections)
		log, _ := c.Log(1)
		if len(log) != 6 || log[5].Term != 2 {
			t.Fatalf("hint=%v: n1 log not repaired: %+v", hint, log)
		}
		t.Logf("conflict hint %v: n1 rejected %d AppendEntries before its log matched", hint, len(*rejections))
	}
	if counts[false] != 5 || counts[true] != 2 {
		t.Fatalf("rejections: %d without the hint (thesis: 5), %d with it (thesis: 2)", counts[false], counts[true])
	}
}

// disruption isolates n3 for three seconds and heals; it returns n3's
// term before the heal and whether the leader of term 1 survived.
func disruption(t *testing.T, preVote bool) (raft.Term, bool) {
	settings := basicSettings()
	settings.PreVote = preVote
	c := newCluster(t, 3, settings)
	campaign(t, c, 1)
	must(t, c.Partition([][]NodeID{{3}}))
	c.Advance(3 * time.Second)
	isolatedTerm := c.Status()[2].Term
	c.Heal()
	c.Advance(time.Second)
	status := c.Status()[0]
	return isolatedTerm, status.Role == raft.Leader && status.Term == 1
}

func TestIsolatedNodeWithoutPreVoteDisruptsLeader(t *testing.T) { // thesis §9.6
	term, survived := disruption(t, false)
	if term < 5 || survived {
		t.Fatalf("PreVote off: isolated term %d (want it to climb), leader survived %v (want deposed)", term, survived)
	}
	t.Logf("PreVote off: the isolated node reached term %d and deposed the leader on heal", term)
}

func TestIsolatedNodeWithPreVoteDoesNotDisrupt(t *testing.T) { // thesis §9.6
	term, survived := disruption(t, true)
	if term != 1 || !survived {
		t.Fatalf("PreVote on: isolated term %d (want 1), leader survived %v (want true)", term, survived)
	}
}

func TestElectionRestrictionKeepsCommittedEntry(t *testing.T) { // thesis §3.6.1
	c := newCluster(t, 3, basicSettings())
	campaign(t, c, 1)
	must(t, c.Partition([][]NodeID{{3}, {1, 2}}))
	call := propose(t, c, "x", "1", 1)
	stabilize(t, c)
	if !call.Done || call.Err != nil {
		t.Fatalf("put x 1 not acknowledged: %+v", call)
	}
	must(t, c.Kill(1))
	c.Heal()
	campaign(t, c, 3)
	requireRole(t, c, 3, raft.Candidate, 2) // n2 refuses: its log is more up-to-date
	campaign(t, c, 2)
	requireRole(t, c, 2, raft.Leader, 3)
	propose(t, c, "y", "1", 2)
	stabilize(t, c)
	value, found, err := c.GetLocal("x", 3)
	must(t, err)
	if !found || value != "1" {
		t.Fatalf("x on n3 = %q (found %v), want the committed 1", value, found)
	}
}

func TestKillAndRestartLoseNothingCommitted(t *testing.T) { // thesis §3.8
	c := newCluster(t, 3, DefaultSettings())
	put := func(key, value string) {
		t.Helper()
		call, err := c.Put(key, value, raft.None)
		must(t, err)
		if call.Err != nil {
			t.Fatalf("put %s %s: %v", key, value, call.Err)
		}
	}
	put("a", "1")
	leader := c.Leaders()[0]
	follower := leader%3 + 1
	must(t, c.Kill(follower))
	put("b", "2")
	must(t, c.Restart(follower, false))
	put("c", "3")
	must(t, c.Kill(leader))
	put("d", "4") // the client finds the new leader
	must(t, c.Restart(leader, false))
	c.Advance(time.Second)
	want := map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}
	for _, id := range c.IDs() {
		kv, err := c.KV(id)
		must(t, err)
		if fmt.Sprint(kv) != fmt.Sprint(want) {
			t.Fatalf("%v state machine %v, want %v", id, kv, want)
		}
	}
	if violations := c.Violations(); len(violations) != 0 {
		t.Fatal(violations)
	}
}
