//go:build !js

package cluster

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"raftctl/net/sim"
	"raftctl/raft"
	"raftctl/store"
)

// diskSettings: every write takes 3 ms of virtual time.
func diskSettings(groupCommit bool) Settings {
	settings := DefaultSettings()
	settings.DiskWrite = 3 * time.Millisecond
	settings.GroupCommit = groupCommit
	return settings
}

// openDurable builds a 3-node cluster on bbolt files in a fresh directory.
func openDurable(t *testing.T, seed uint64, settings Settings) *Local {
	t.Helper()
	c, err := Open(3, seed, settings, filepath.Join(t.TempDir(), "data"))
	must(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// boltSaves counts the bbolt transactions of every node so far.
func boltSaves(t *testing.T, c *Local) uint64 {
	t.Helper()
	var saves uint64
	for _, node := range c.nodes {
		bolt, ok := node.storage.(*store.Bolt)
		if !ok {
			t.Fatalf("%v keeps its state in %T, want bbolt", node.id, node.storage)
		}
		saves += bolt.Saves()
	}
	if writes := c.Writes(); writes != saves {
		t.Fatalf("Local.Writes() = %d, but the nodes' bbolt stores counted %d transactions", writes, saves)
	}
	return saves
}

// durableHistory runs puts, a lossy network and a crash on c and returns
// every record, one line each.
func durableHistory(t *testing.T, c *Local) []byte {
	t.Helper()
	var out bytes.Buffer
	c.Subscribe(func(record Record) { fmt.Fprintf(&out, "%+v\n", record) })
	config := sim.DefaultLinkConfig()
	config.Drop, config.Duplicate = 0.05, 0.05
	must(t, c.SetNetwork(config))
	for i := range 40 {
		if _, err := c.Submit(uint64(i%8+1), store.Command{Op: store.OpPut, Key: fmt.Sprint("k", i%5), Value: fmt.Sprint(i)}, raft.None); err != nil {
			t.Fatal(err)
		}
		c.Advance(time.Duration(i%3) * time.Millisecond)
		switch i {
		case 15:
			if leaders := c.Leaders(); len(leaders) > 0 {
				must(t, c.Kill(leaders[0]))
			}
		case 25:
			for _, status := range c.Status() {
				if !status.Up {
					must(t, c.Restart(status.ID, false))
				}
			}
		}
	}
	c.Advance(2 * time.Second)
	if violations := c.Violations(); len(violations) > 0 {
		t.Fatalf("violations: %v", violations)
	}
	return out.Bytes()
}

// The real bbolt writes run on goroutines of their own, but the history is
// a function of the seed: the same run on bbolt twice, and in memory, gives
// the same records, with every disk switch.
func TestDiskWritesKeepTheHistoryAFunctionOfTheSeed(t *testing.T) {
	for _, switches := range []struct{ groupCommit, parallelWrite bool }{{true, true}, {true, false}, {false, true}} {
		t.Run(fmt.Sprintf("group-commit=%v,parallel-write=%v", switches.groupCommit, switches.parallelWrite), func(t *testing.T) {
			settings := diskSettings(switches.groupCommit)
			settings.ParallelWrite = switches.parallelWrite
			first := durableHistory(t, openDurable(t, 7, settings))
			second := durableHistory(t, openDurable(t, 7, settings))
			inMemory, err := New(3, 7, settings)
			must(t, err)
			// Open numbers its clients after the highest term on disk
			// (storage_bolt.go); fresh files hold term 0.
			inMemory.clients.base = 1 << 32
			third := durableHistory(t, inMemory)
			if !bytes.Contains(first, []byte("Kind:5 ")) { // RecordApply
				t.Fatalf("the run applied nothing:\n%s", first)
			}
			if !bytes.Equal(first, second) {
				t.Fatalf("two runs on bbolt with seed 7 differ at line %d", firstDifference(first, second))
			}
			if !bytes.Equal(first, third) {
				line := firstDifference(first, third)
				t.Fatalf("bbolt and memory with seed 7 differ at line %d:\n%s\n%s", line, bytes.Split(first, []byte("\n"))[line-1], bytes.Split(third, []byte("\n"))[line-1])
			}
		})
	}
}

func firstDifference(a, b []byte) int {
	linesA, linesB := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := range min(len(linesA), len(linesB)) {
		if !bytes.Equal(linesA[i], linesB[i]) {
			return i + 1
		}
	}
	return min(len(linesA), len(linesB)) + 1
}

// submitBurst proposes count puts to the leader at once and runs the
// cluster until all have applied.
func submitBurst(t *testing.T, c *Local, count int) {
	t.Helper()
	leader := c.Leaders()[0]
	calls := make([]*Call, count)
	for i := range calls {
		call, err := c.Submit(uint64(i+1), store.Command{Op: store.OpPut, Key: fmt.Sprint("k", i), Value: "v"}, leader)
		must(t, err)
		calls[i] = call
	}
	if !c.RunUntil(func(View) bool { return calls[count-1].Done }, 10*time.Second) {
		t.Fatalf("the last of %d puts did not finish", count)
	}
	for _, call := range calls {
		if call.Err != nil {
			t.Fatalf("put %s: %v", call.Command.Key, call.Err)
		}
	}
}

// Group commit (thesis §10.2.2): the puts that arrive while the leader's
// disk is busy share its next transaction, so 64 puts cost each node a
// few transactions; without it, each entry is a transaction of its own.
func TestGroupCommitPutsWhatArrivedMeanwhileInOneTransaction(t *testing.T) {
	const puts = 64
	for _, test := range []struct {
		groupCommit bool
		check       func(saves uint64) bool
		want        string
	}{
		{true, func(saves uint64) bool { return saves <= 3*4 }, "at most 4 on each node"},
		{false, func(saves uint64) bool { return saves >= 3*puts }, "at least one per entry on each node"},
	} {
		t.Run(fmt.Sprintf("group-commit=%v", test.groupCommit), func(t *testing.T) {
			settings := diskSettings(test.groupCommit)
			// Without group commit the leader writes 64 entries one by
			// one: short writes keep that below the election timeout.
			settings.DiskWrite = time.Millisecond
			c := openDurable(t, 1, settings)
			if !c.RunUntil(func(v View) bool { return len(v.Leaders()) == 1 }, 10*time.Second) {
				t.Fatal("no leader")
			}
			submitBurst(t, c, 1) // the leader's no-op and one put settle first
			before := boltSaves(t, c)
			submitBurst(t, c, puts)
			stabilize(t, c) // the slower follower finishes its writes
			saves := boltSaves(t, c) - before
			t.Logf("%d puts: %d bbolt transactions on 3 nodes", puts, saves)
			if !test.check(saves) {
				t.Fatalf("%d puts took %d bbolt transactions on 3 nodes, want %s", puts, saves, test.want)
			}
		})
	}
}

// A write takes its virtual time, and the messages that depend on it wait
// for it (thesis §3.8): a follower answers an AppendEntries only once its
// write is done.
func TestMessagesLeaveOnlyWhenTheirWriteIsDone(t *testing.T) {
	settings := basicSettings()
	settings.DiskWrite = 20 * time.Millisecond
	settings.GroupCommit = true
	c := newCluster(t, 3, settings)
	campaign(t, c, 1)
	sentAt := map[raft.MessageType]time.Duration{}
	var delivered time.Duration
	c.Subscribe(func(record Record) {
		switch {
		case record.Kind == RecordDeliver && record.Node == 2 && record.Message.Type == raft.MsgAppendEntries && len(record.Message.Entries) > 0:
			delivered = record.Time
		case record.Kind == RecordSend && record.Node == 2:
			sentAt[record.Message.Type] = record.Time
		}
	})
	call := propose(t, c, "x", "1", 1)
	start := c.Now()
	if !c.RunUntil(func(View) bool { return call.Done }, time.Second) {
		t.Fatal("the put did not finish")
	}
	answered, ok := sentAt[raft.MsgAppendEntriesResp]
	if !ok {
		t.Fatal("n2 never answered the AppendEntries")
	}
	if answered-delivered != settings.DiskWrite {
		t.Fatalf("n2 got the entries at %v and answered at %v, want %v later (its write)", delivered, answered, settings.DiskWrite)
	}
	// The leader's write, then the send, then the follower's write.
	if took := c.Now() - start; took < 2*settings.DiskWrite {
		t.Fatalf("the put took %v, want at least two writes of %v", took, settings.DiskWrite)
	}
}

// A node killed while its write is in flight keeps the write (the disk
// finished it as the power went) and never sends what depended on it; the
// restarted node has the entries, and the checker sees no violation.
func TestCrashDuringAWriteKeepsItAndSendsNothing(t *testing.T) {
	settings := diskSettings(true)
	settings.DiskWrite = 50 * time.Millisecond
	c := openDurable(t, 1, settings)
	campaign(t, c, 1)
	submitBurst(t, c, 1)
	leader := c.Leaders()[0]
	follower := NodeID(1 + leader%3)
	var faults []string
	answered := false
	writing := false
	c.Subscribe(func(record Record) {
		switch {
		case record.Kind == RecordFault && record.Node == follower:
			faults = append(faults, record.Text)
		case record.Kind == RecordSend && record.Node == follower && record.Message.Type == raft.MsgAppendEntriesResp && writing:
			answered = true
		}
	})
	lastBefore := c.Status()[follower-1].LastIndex
	call := propose(t, c, "crash", "1", leader)
	// Run until the follower's write of the new entry is in flight.
	if !c.RunUntil(func(View) bool { return c.nodes[follower-1].writing != nil }, time.Second) {
		t.Fatalf("%v never started writing the new entry", follower)
	}
	writing = true
	must(t, c.Kill(follower))
	if answered {
		t.Fatalf("%v answered before its write was done", follower)
	}
	if len(faults) != 2 || faults[1] != "killed" {
		t.Fatalf("faults of %v: %q, want the write's fate, then killed", follower, faults)
	}
	log, err := c.Log(follower)
	must(t, err)
	if got := log[len(log)-1].Index; got != lastBefore+1 {
		t.Fatalf("%v's disk holds up to index %d after the crash, want %d (the write in flight)", follower, got, lastBefore+1)
	}
	must(t, c.Restart(follower, false))
	if !c.RunUntil(func(View) bool { return call.Done }, 5*time.Second) || call.Err != nil {
		t.Fatalf("the put did not finish: %v", call.Err)
	}
	c.Advance(time.Second)
	if violations := c.Violations(); len(violations) > 0 {
		t.Fatalf("violations: %v", violations)
	}
}

// parallelSettings: n1's disk takes 50 ms, the others' 5 ms.
func parallelSettings(parallel bool) Settings {
	settings := basicSettings()
	settings.DiskWrite = 5 * time.Millisecond
	settings.DiskWriteOf[0] = 50 * time.Millisecond
	settings.GroupCommit = true
	settings.ParallelWrite = parallel
	return settings
}

// commitWhileWriting proposes a put at n1, the leader, and runs until the
// put applies. It reports whether n1's core committed the entry while
// n1's own write of it was still in flight, and when n1 sent its first
// AppendEntries carrying it, relative to the proposal; and whether the
// client had its answer while that write was still in flight.
func commitWhileWriting(t *testing.T, c *Local) (committedWhileWriting, answeredWhileWriting bool, sentAfter time.Duration) {
	t.Helper()
	sentAfter = -1
	start := c.Now()
	c.Subscribe(func(record Record) {
		if record.Kind == RecordSend && record.Node == 1 && record.Message.Type == raft.MsgAppendEntries && len(record.Message.Entries) > 0 && sentAfter < 0 {
			sentAfter = record.Time - start
		}
	})
	call := propose(t, c, "x", "1", 1)
	leader := c.nodes[0]
	index := leader.core.LastIndex()
	done := c.RunUntil(func(View) bool {
		if leader.writing != nil && leader.core.CommitIndex() >= index {
			committedWhileWriting = true
		}
		if leader.writing != nil && call.Done {
			answeredWhileWriting = true
		}
		return call.Done
	}, time.Second)
	if !done || call.Err != nil {
		t.Fatalf("the put did not finish: %v", call.Err)
	}
	return committedWhileWriting, answeredWhileWriting, sentAfter
}

// The parallel leader write (thesis §10.2.1): the leader's AppendEntries
// leave as its own write starts, and the entry commits on the followers'
// disks alone, before the leader's slow write is done, because the two
// followers are a majority; the leader applies it and answers the client
// then, without waiting for its own write.
func TestParallelWriteCommitsOnTheFollowersAlone(t *testing.T) {
	c := newCluster(t, 3, parallelSettings(true))
	campaign(t, c, 1)
	committedWhileWriting, answeredWhileWriting, sentAfter := commitWhileWriting(t, c)
	if sentAfter != 0 {
		t.Fatalf("n1 sent the entry %v after the proposal, want at once", sentAfter)
	}
	if !committedWhileWriting {
		t.Fatal("n1 committed only after its own write; n2 and n3 are a majority without it")
	}
	if !answeredWhileWriting {
		t.Fatal("the client was answered only after n1's own write; the entry was committed before")
	}
}

// Without the switch the leader writes first and sends after (thesis
// §3.8), so nothing commits while its write is in flight.
func TestWithoutParallelWriteTheLeaderSendsAfterItsWrite(t *testing.T) {
	c := newCluster(t, 3, parallelSettings(false))
	campaign(t, c, 1)
	committedWhileWriting, answeredWhileWriting, sentAfter := commitWhileWriting(t, c)
	if sentAfter != 50*time.Millisecond {
		t.Fatalf("n1 sent the entry %v after the proposal, want after its 50ms write", sentAfter)
	}
	if committedWhileWriting {
		t.Fatal("n1 committed while its own write was in flight without the parallel write")
	}
	if answeredWhileWriting {
		t.Fatal("the client was answered while n1's write was in flight without the parallel write")
	}
}

// With the switch the leader still counts itself only once its own write
// is done: in a 2-node cluster the follower alone is no majority, so the
// entry commits only after the leader's write.
func TestParallelWriteLeaderCountsItselfOnlyWhenDurable(t *testing.T) {
	c := newCluster(t, 2, parallelSettings(true))
	campaign(t, c, 1)
	committedWhileWriting, answeredWhileWriting, sentAfter := commitWhileWriting(t, c)
	if sentAfter != 0 {
		t.Fatalf("n1 sent the entry %v after the proposal, want at once", sentAfter)
	}
	if committedWhileWriting {
		t.Fatal("n1 committed while its own write was in flight, with only n2's vote of two")
	}
	if answeredWhileWriting {
		t.Fatal("the client was answered while n1's write was in flight, with only n2's copy of two")
	}
}

// savedStorage counts what really reached the disk: the highest index a
// finished Save wrote.
type savedStorage struct {
	nodeStorage
	saved *atomic.Uint64
}

func (s savedStorage) Save(state raft.HardState, entries []raft.Entry) error {
	err := s.nodeStorage.Save(state, entries)
	if err == nil && len(entries) > 0 {
		s.saved.Store(uint64(entries[len(entries)-1].Index))
	}
	return err
}

// The simulation waits for a real write only where something depends on
// it, but then it does: when the leader applies an entry (and its client
// learns the result), the entry is really on a majority of disks.
func TestAnAppliedEntryIsReallyOnAMajorityOfDisks(t *testing.T) {
	for _, parallel := range []bool{false, true} {
		t.Run(fmt.Sprintf("parallel-write=%v", parallel), func(t *testing.T) {
			settings := diskSettings(true)
			settings.ParallelWrite = parallel
			c := openDurable(t, 3, settings)
			saved := make([]*atomic.Uint64, len(c.nodes))
			for i, node := range c.nodes {
				saved[i] = new(atomic.Uint64)
				node.storage = savedStorage{node.storage, saved[i]}
			}
			var failures []string
			c.Subscribe(func(record Record) {
				if record.Kind != RecordApply || c.nodes[record.Node-1].core.Role() != raft.Leader {
					return
				}
				onDisk := 0
				for _, count := range saved {
					if count.Load() >= uint64(record.Entry.Index) {
						onDisk++
					}
				}
				if onDisk < 2 {
					failures = append(failures, fmt.Sprintf("%v applied %d when it was on %d disks", record.Node, record.Entry.Index, onDisk))
				}
			})
			if !c.RunUntil(func(v View) bool { return len(v.Leaders()) == 1 }, 10*time.Second) {
				t.Fatal("no leader")
			}
			for range 5 {
				submitBurst(t, c, 1)
				submitBurst(t, c, 20)
			}
			if len(failures) > 0 {
				t.Fatalf("%d applies before a majority had the entry on disk, first: %s", len(failures), failures[0])
			}
		})
	}
}

// Under the parallel write a proposal that comes while the leader's disk
// is busy goes to the followers at once (thesis §10.2.1), and commits on
// their disks before the leader's write of the proposal before it ends;
// without the switch it waits for that write.
func TestAProposalDuringTheLeadersWriteIsSentAtOnce(t *testing.T) {
	for _, parallel := range []bool{true, false} {
		c := newCluster(t, 3, parallelSettings(parallel))
		campaign(t, c, 1)
		leader := c.nodes[0]
		propose(t, c, "x", "1", 1)
		c.RunUntil(func(View) bool { return leader.writing != nil }, time.Millisecond)
		if leader.writing == nil {
			t.Fatal("n1's write of x=1 did not start")
		}
		writeEnds := leader.writing.end
		index := leader.core.LastIndex() + 1
		var sentAt time.Duration = -1
		c.Subscribe(func(record Record) {
			if record.Kind != RecordSend || record.Node != 1 || record.Message.Type != raft.MsgAppendEntries || sentAt >= 0 {
				return
			}
			for _, entry := range record.Message.Entries {
				if entry.Index == index {
					sentAt = record.Time
				}
			}
		})
		c.Advance(time.Millisecond) // x=2 comes 1 ms into n1's 50 ms write
		call := propose(t, c, "x", "2", 1)
		c.RunUntil(func(View) bool { return call.Done }, time.Second)
		if !call.Done || call.Err != nil {
			t.Fatalf("parallel %v: put x=2 did not finish: %v", parallel, call.Err)
		}
		switch {
		case parallel && (sentAt < 0 || sentAt >= writeEnds):
			t.Errorf("parallel write: x=2 sent at %v, want before n1's write of x=1 ends at %v", sentAt, writeEnds)
		case parallel && call.Returned >= writeEnds:
			t.Errorf("parallel write: x=2 answered at %v, want before n1's write of x=1 ends at %v", call.Returned, writeEnds)
		case !parallel && sentAt < writeEnds:
			t.Errorf("without the parallel write x=2 left at %v, before n1's write of x=1 ended at %v", sentAt, writeEnds)
		}
	}
}
