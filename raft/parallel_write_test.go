package raft

import "testing"

// Writing to the leader's disk in parallel (thesis §10.2.1).

func withParallelWrite(c *Config) { c.ParallelLeaderWrite = true }

// electParallel elects n1 in a cluster of n with the parallel write on.
func electParallel(t *testing.T, n int) *testCluster {
	tc := newTestCluster(t, n, withParallelWrite)
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	return tc
}

// sendEarly starts the leader's parallel write: it takes n1's Ready, and
// delivers its EarlyMessages to the followers (which persist and answer as
// usual), but steps their answers into n1 without calling Ready again: n1's
// own write is still running. It returns the Ready for finishLeaderWrite.
func sendEarly(tc *testCluster) Ready {
	tc.t.Helper()
	leader := tc.nodes[1]
	ready := leader.Ready()
	if len(ready.Entries) == 0 {
		tc.t.Fatal("the leader's Ready has no entries to write")
	}
	for _, m := range ready.Messages {
		if m.Type == MsgAppendEntries {
			tc.t.Fatalf("an AppendEntries waits in Messages: %+v", m)
		}
	}
	tc.queue = append(tc.queue, ready.EarlyMessages...)
	for len(tc.queue) > 0 {
		m := tc.queue[0]
		tc.queue = tc.queue[1:]
		if m.To == 1 {
			if !tc.cut[[2]NodeID{m.From, m.To}] {
				leader.Step(m)
			}
			continue
		}
		tc.deliver(m)
	}
	return ready
}

// finishLeaderWrite completes n1's write of ready, sends the rest and
// Advances, as a host does once its disk answers.
func finishLeaderWrite(tc *testCluster, ready Ready) {
	tc.t.Helper()
	if err := tc.storages[1].Save(ready.HardState, ready.Entries); err != nil {
		tc.t.Fatal(err)
	}
	tc.events = append(tc.events, ready.Events...)
	tc.queue = append(tc.queue, ready.Messages...)
	tc.nodes[1].Advance(ready)
	tc.process(1)
}

func TestParallelWriteWaitsForOwnWriteWithOneFollower(t *testing.T) {
	tc := electParallel(t, 3)
	tc.isolate(3)
	index, _, err := tc.nodes[1].Propose([]byte("x=1"))
	if err != nil {
		t.Fatal(err)
	}
	ready := sendEarly(tc)
	if got := tc.nodes[2].Status().LastIndex; got != index {
		t.Fatalf("n2 holds up to %d, want %d: the early AppendEntries did not arrive", got, index)
	}
	// n1 and n2 are a majority, but n1's own write is not done: n2 alone
	// is one disk out of three.
	if got := tc.nodes[1].CommitIndex(); got >= index {
		t.Fatalf("n1 committed %d before its own write was acknowledged", got)
	}
	finishLeaderWrite(tc, ready)
	if got := tc.nodes[1].CommitIndex(); got != index {
		t.Fatalf("n1 commit index %d after Advance, want %d", got, index)
	}
	tc.stabilize()
	if got := tc.nodes[2].CommitIndex(); got != index {
		t.Fatalf("n2 commit index %d, want %d", got, index)
	}
	if got := tc.machines[1]; len(got) != 1 || got[0] != "x=1" {
		t.Fatalf("n1 applied %q, want [x=1]", got)
	}
}

func TestParallelWriteCommitsOnFollowersAlone(t *testing.T) {
	tc := electParallel(t, 3)
	index, _, err := tc.nodes[1].Propose([]byte("x=1"))
	if err != nil {
		t.Fatal(err)
	}
	tc.clearEvents()
	ready := sendEarly(tc)
	// Both followers persisted and answered: two disks of three hold the
	// entry, so it is committed though n1 has not written it yet.
	if got := tc.nodes[1].CommitIndex(); got != index {
		t.Fatalf("n1 commit index %d with both followers' answers and no write of its own, want %d", got, index)
	}
	if len(tc.storages[1].entries) >= int(index) {
		t.Fatal("n1's storage holds the entry already: the test did not keep the write pending")
	}
	finishLeaderWrite(tc, ready)
	tc.stabilize()
	for _, id := range []NodeID{1, 2, 3} {
		if got := tc.nodes[id].CommitIndex(); got != index {
			t.Fatalf("%v commit index %d, want %d", id, got, index)
		}
	}
}

// singleLeaderProposing elects the only node of a cluster of one and has
// it propose x=1, whose index it returns.
func singleLeaderProposing(t *testing.T, configure func(*Config)) (*testCluster, *Node, Index) {
	t.Helper()
	tc := newTestCluster(t, 1, configure)
	tc.campaign(1)
	tc.requireRole(1, Leader, 1)
	node := tc.nodes[1]
	index, _, err := node.Propose([]byte("x=1"))
	if err != nil {
		t.Fatal(err)
	}
	return tc, node, index
}

func TestParallelWriteSingleNodeCommitsAtAdvance(t *testing.T) {
	tc, node, index := singleLeaderProposing(t, withParallelWrite)
	if got := node.CommitIndex(); got >= index {
		t.Fatalf("a single node committed %d before its write", got)
	}
	ready := node.Ready()
	if len(ready.Entries) != 1 || ready.Entries[0].Index != index {
		t.Fatalf("Ready entries %+v, want the entry at %d", ready.Entries, index)
	}
	if node.CommitIndex() >= index {
		t.Fatal("committed at Ready, before the host acknowledged the write")
	}
	finishLeaderWrite(tc, ready)
	if got := node.CommitIndex(); got != index {
		t.Fatalf("commit index %d after Advance, want %d", got, index)
	}
	if got := tc.machines[1]; len(got) != 1 || got[0] != "x=1" {
		t.Fatalf("applied %q, want [x=1]", got)
	}
}

// Without the switch too, a leader counts itself only for entries its host
// acknowledged written at Advance: a single node commits then, not when it
// appends. A host that hands out committed entries while its disk is busy
// (TakeWhileWriting) would otherwise apply, and answer, an entry that is
// on no disk at all (thesis §3.8).
func TestParallelWriteOffSingleNodeCommitsAtAdvance(t *testing.T) {
	tc, node, index := singleLeaderProposing(t, nil)
	ready := node.Ready()
	if len(ready.Entries) != 1 || len(ready.CommittedEntries) != 0 {
		t.Fatalf("Ready: entries %+v, committed %+v; want the new entry to write and nothing committed", ready.Entries, ready.CommittedEntries)
	}
	// x=2 comes while the disk writes x=1.
	if _, _, err := node.Propose([]byte("x=2")); err != nil {
		t.Fatal(err)
	}
	if work := node.TakeWhileWriting(); len(work.CommittedEntries) != 0 || node.CommitIndex() >= index {
		t.Fatalf("committed %d and handed out %+v during the write of %d", node.CommitIndex(), work.CommittedEntries, index)
	}
	finishLeaderWrite(tc, ready) // and then the write of x=2
	if got := node.CommitIndex(); got != index+1 {
		t.Fatalf("commit index %d after both writes, want %d", got, index+1)
	}
	tc.stabilize()
	if got := tc.machines[1]; len(got) != 2 || got[0] != "x=1" || got[1] != "x=2" {
		t.Fatalf("applied %q, want [x=1 x=2]", got)
	}
}

func TestEarlyMessagesOnlyAppendEntriesOfALeader(t *testing.T) {
	for _, on := range []bool{false, true} {
		tc := newTestCluster(t, 3, func(c *Config) {
			c.ParallelLeaderWrite = on
			c.CheckQuorum, c.LeaderNoop = true, true
		})
		early := 0
		check := func(id NodeID, ready Ready, role Role) {
			t.Helper()
			if len(ready.EarlyMessages) == 0 {
				return
			}
			early += len(ready.EarlyMessages)
			switch {
			case !on:
				t.Fatalf("%v: EarlyMessages without the switch: %+v", id, ready.EarlyMessages)
			case role != Leader:
				t.Fatalf("%v: EarlyMessages from a %v", id, role)
			}
			for _, m := range ready.EarlyMessages {
				if m.Type != MsgAppendEntries {
					t.Fatalf("%v: early %v, want only AppendEntries", id, m.Type)
				}
			}
		}
		run := func() {
			for step := 0; ; step++ {
				if step > 100000 {
					t.Fatal("never went quiet")
				}
				moved := false
				for id := NodeID(1); id <= 3; id++ {
					node := tc.nodes[id]
					if node == nil || !node.HasReady() {
						continue
					}
					moved = true
					ready := node.Ready()
					check(id, ready, node.Role())
					if ready.MustSave {
						if err := tc.storages[id].Save(ready.HardState, ready.Entries); err != nil {
							t.Fatal(err)
						}
					}
					tc.queue = append(tc.queue, ready.EarlyMessages...)
					tc.queue = append(tc.queue, ready.Messages...)
					node.Advance(ready)
				}
				if len(tc.queue) > 0 {
					moved = true
					m := tc.queue[0]
					tc.queue = tc.queue[1:]
					if node := tc.nodes[m.To]; node != nil && !tc.cut[[2]NodeID{m.From, m.To}] {
						node.Step(m)
					}
				}
				if !moved {
					return
				}
			}
		}
		tc.nodes[1].Campaign()
		run()
		for i := range 20 {
			if _, _, err := tc.nodes[1].Propose([]byte{byte(i)}); err != nil {
				t.Fatal(err)
			}
			if i%5 == 0 {
				for id := NodeID(1); id <= 3; id++ {
					tc.nodes[id].Tick()
				}
			}
			run()
		}
		if got := tc.nodes[1].CommitIndex(); got != 21 {
			t.Fatalf("switch %v: n1 commit index %d, want 21 (the no-op and 20 commands)", on, got)
		}
		// A new leader in a later term: n2 campaigns over n1.
		tc.nodes[2].Campaign()
		run()
		if tc.nodes[2].Role() != Leader {
			t.Fatalf("switch %v: n2 is %v after campaigning, want leader", on, tc.nodes[2].Role())
		}
		if on && early == 0 {
			t.Fatal("no EarlyMessages at all with the switch on")
		}
	}
}

// A leader elected in the Ready that also persists its new term sends
// nothing early: its term and vote must be durable first (thesis §3.8).
func TestNoEarlyMessagesWhileHardStateDirty(t *testing.T) {
	tc := newTestCluster(t, 3, withParallelWrite)
	node := tc.nodes[1]
	node.Campaign() // term 1, vote for itself: not yet handed to the host
	node.Step(Message{Type: MsgRequestVoteResp, From: 2, To: 1, Term: 1, RequestTerm: 1, VoteGranted: true})
	tc.requireRole(1, Leader, 1)
	ready := node.Ready()
	if !ready.MustSave || ready.HardState.CurrentTerm != 1 || ready.HardState.VotedFor != 1 {
		t.Fatalf("want the new term and vote to save, got %+v (must save %v)", ready.HardState, ready.MustSave)
	}
	if len(ready.EarlyMessages) != 0 {
		t.Fatalf("early messages with a dirty hard state: %+v", ready.EarlyMessages)
	}
	appends := 0
	for _, m := range ready.Messages {
		if m.Type == MsgAppendEntries {
			appends++
		}
	}
	if appends != 2 {
		t.Fatalf("%d AppendEntries in Messages, want 2 (the new leader's first round)", appends)
	}
	finishLeaderWrite(tc, ready)
	tc.stabilize() // the followers answer: they leave Probe (progress.go)
	// The next Ready has a clean hard state: its AppendEntries go early.
	if _, _, err := node.Propose([]byte("x=1")); err != nil {
		t.Fatal(err)
	}
	ready = node.Ready()
	if ready.MustSave && ready.HardState != (HardState{CurrentTerm: 1, VotedFor: 1}) {
		t.Fatalf("hard state changed: %+v", ready.HardState)
	}
	if len(ready.EarlyMessages) == 0 {
		t.Fatal("no early AppendEntries once the hard state is durable")
	}
}

// A follower's entries handed out for saving and truncated before Advance
// do not count as durable: new entries take their indexes.
func TestTruncatedEntriesAreNotDurable(t *testing.T) {
	node, err := NewNode(DefaultConfig(2, []NodeID{1, 2, 3}, 1), &testStorage{})
	if err != nil {
		t.Fatal(err)
	}
	node.Ready()
	for i := Index(1); i <= 3; i++ {
		node.log.append(Entry{Index: i, Term: 1})
	}
	ready := node.Ready()
	node.log.truncateFrom(2)
	node.log.append(Entry{Index: 2, Term: 2})
	node.Advance(ready)
	if got := node.log.durable.index; got != 1 {
		t.Fatalf("durable index %d after entries 2-3 were truncated before their write was acknowledged, want 1", got)
	}
	node.Advance(node.Ready())
	if got := node.log.durable.index; got != 2 {
		t.Fatalf("durable index %d after the new entry 2 was saved, want 2", got)
	}
}

// While its own write is still running, the leader hands out what its
// followers alone committed (thesis §10.2.1), once, with the commit's
// event; the Ready it then takes carries it no more.
func TestTakeWhileWritingHandsOutWhatTheFollowersCommitted(t *testing.T) {
	tc := electParallel(t, 3)
	leader := tc.nodes[1]
	if work := leader.TakeWhileWriting(); work.CommittedEntries != nil || work.EarlyMessages != nil || work.Events != nil {
		t.Fatalf("TakeWhileWriting handed out %+v with nothing new", work)
	}
	index, _, err := leader.Propose([]byte("x=1"))
	if err != nil {
		t.Fatal(err)
	}
	ready := sendEarly(tc)
	work := leader.TakeWhileWriting()
	committed, events := work.CommittedEntries, work.Events
	if len(committed) != 1 || committed[0].Index != index {
		t.Fatalf("TakeWhileWriting handed out %v while n1 writes, want entry %d, committed by n2 and n3", committed, index)
	}
	sawCommit := false
	for _, event := range events {
		if event.Kind == EventCommitted && event.Index == index {
			sawCommit = true
		}
	}
	if !sawCommit {
		t.Fatalf("events handed with the entry %v hold no commit of index %d", events, index)
	}
	if again := leader.TakeWhileWriting(); again.CommittedEntries != nil {
		t.Fatalf("a second TakeWhileWriting handed out %v again", again.CommittedEntries)
	}
	// The write ends: the host acknowledges it (finishLeaderWrite without
	// its processing, to look at the next Ready).
	if err := tc.storages[1].Save(ready.HardState, ready.Entries); err != nil {
		t.Fatal(err)
	}
	leader.Advance(ready)
	if status := leader.Status(); status.LastApplied != index {
		t.Fatalf("n1 applied up to %d, want %d", status.LastApplied, index)
	}
	next := leader.Ready()
	for _, entry := range next.CommittedEntries {
		if entry.Index == index {
			t.Fatalf("the next Ready hands entry %d out a second time", index)
		}
	}
}

// A proposal that comes while the leader's disk is busy is sent to the
// followers at once under the parallel write (thesis §10.2.1), and waits
// for the next Ready without it.
func TestTakeWhileWritingSendsNewEntriesAtOnce(t *testing.T) {
	for _, parallel := range []bool{true, false} {
		var tc *testCluster
		if parallel {
			tc = electParallel(t, 3)
		} else {
			tc = newTestCluster(t, 3, nil)
			tc.campaign(1)
			tc.stabilize()
		}
		leader := tc.nodes[1]
		if _, _, err := leader.Propose([]byte("x=1")); err != nil {
			t.Fatal(err)
		}
		ready := leader.Ready() // the write of x=1 starts
		index, _, err := leader.Propose([]byte("x=2"))
		if err != nil {
			t.Fatal(err)
		}
		work := leader.TakeWhileWriting()
		carries := 0
		for _, m := range work.EarlyMessages {
			if m.Type != MsgAppendEntries {
				t.Fatalf("an early message is a %v", m.Type)
			}
			for _, entry := range m.Entries {
				if entry.Index == index {
					carries++
				}
			}
		}
		switch {
		case parallel && carries != 2:
			t.Fatalf("parallel write: %d early AppendEntries carry entry %d, want one per follower", carries, index)
		case !parallel && len(work.EarlyMessages) != 0:
			t.Fatalf("without the parallel write %d AppendEntries left before the leader's write", len(work.EarlyMessages))
		}
		if err := tc.storages[1].Save(ready.HardState, ready.Entries); err != nil {
			t.Fatal(err)
		}
		leader.Advance(ready)
		next := leader.Ready()
		if len(next.Entries) == 0 || next.Entries[len(next.Entries)-1].Index != index {
			t.Fatalf("the next Ready's entries %v do not end with %d: the leader must still write it", next.Entries, index)
		}
		for _, m := range append(next.Messages, next.EarlyMessages...) {
			for _, entry := range m.Entries {
				if parallel && entry.Index == index {
					t.Fatalf("entry %d is sent a second time in the next Ready", index)
				}
			}
		}
	}
}

// The teaching bug LeaderCountsUnwritten breaks exactly the rule of the
// test above: the leader counts its own unwritten entry, so n2's disk and
// n1's memory make a "majority" (thesis §10.2.1).
func TestLeaderCountsUnwrittenBugCommitsWithOneFollower(t *testing.T) {
	tc := newTestCluster(t, 3, func(c *Config) {
		c.ParallelLeaderWrite = true
		c.Bugs.LeaderCountsUnwritten = true
	})
	tc.campaign(1)
	tc.stabilize()
	tc.requireRole(1, Leader, 1)
	tc.isolate(3)
	index, _, err := tc.nodes[1].Propose([]byte("x=1"))
	if err != nil {
		t.Fatal(err)
	}
	sendEarly(tc)
	if got := tc.nodes[1].CommitIndex(); got != index {
		t.Fatalf("n1 commit index %d with its own write still running, want %d: the bug counts the unwritten entry", got, index)
	}
}
