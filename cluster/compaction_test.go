package cluster

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// TestDurableClusterWithSnapshotsSurvivesTotalCrash: a cluster on bbolt
// that has taken snapshots (automatically, past a threshold), with every
// node killed mid-load and reopened from disk, serves every acknowledged
// value, and a follower that lagged got the leader's snapshot (thesis
// ch. 5, §3.8).
func TestDurableClusterWithSnapshotsSurvivesTotalCrash(t *testing.T) {
	dir := t.TempDir()
	settings := DefaultSettings()
	settings.SnapshotThreshold = 20
	c, err := Open(3, 1, settings, dir)
	must(t, err)
	installed := 0
	c.Subscribe(func(record Record) {
		if record.Kind == RecordEvent && record.Event.Kind == raft.EventSnapshotInstalled && record.Event.Reason != raft.ReasonAlreadyCommitted {
			installed++
		}
	})
	acknowledged := map[string]string{}
	calls := make([]*Call, 4)
	for round := range 300 {
		if round == 100 {
			must(t, c.Kill(3)) // n3 falls behind while the others compact
		}
		if round == 200 {
			must(t, c.Restart(3, false))
		}
		for i := range calls {
			if calls[i] == nil || calls[i].Done {
				if calls[i] != nil && calls[i].Err == nil {
					acknowledged[calls[i].Command.Key] = calls[i].Command.Value
				}
				key := fmt.Sprintf("k%d", (i*7+round)%40)
				calls[i], err = c.Submit(uint64(i+1), store.Command{Op: store.OpPut, Key: key, Value: fmt.Sprint(round)}, raft.None)
				must(t, err)
			}
		}
		c.Advance(3 * time.Millisecond)
	}
	c.Advance(time.Second)
	for _, id := range c.IDs() {
		if status := c.Status()[id-1]; status.SnapshotIndex == 0 {
			t.Errorf("%v never took a snapshot (last index %d)", id, status.LastIndex)
		}
	}
	if installed == 0 {
		t.Error("n3 came back behind the leader's snapshot, but no snapshot was installed")
	}
	for _, id := range c.IDs() {
		must(t, c.Kill(id))
	}
	must(t, c.Close())
	if len(acknowledged) < 20 {
		t.Fatalf("only %d keys acknowledged before the crash", len(acknowledged))
	}

	reopenHoldsEveryKey(t, dir, settings, slices.Sorted(maps.Keys(acknowledged)))
	t.Logf("%d acknowledged keys survived; n3 installed %d snapshot(s)", len(acknowledged), installed)
}

// TestCompactByHand: `snapshot NODE` compacts at the applied index and
// refuses when there is nothing new.
func TestCompactByHand(t *testing.T) {
	c := newCluster(t, 3, basicSettings())
	campaign(t, c, 1)
	call, err := c.Put("x", "1", raft.None)
	must(t, err)
	if call.Err != nil {
		t.Fatal(call.Err)
	}
	index, err := c.Compact(1)
	must(t, err)
	if index != 1 {
		t.Errorf("Compact(n1) = %d, want 1", index)
	}
	if _, err := c.Compact(1); err == nil {
		t.Error("Compact(n1) again = nil, want an error (nothing new)")
	}
	entries, err := c.Log(1)
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("n1's log after compaction = %v, want empty", entries)
	}
}
