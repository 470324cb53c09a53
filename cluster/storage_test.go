package cluster

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// TestDurableClusterSurvivesTotalCrash: every node of a cluster on bbolt
// dies mid-load; reopened from disk, no acknowledged put is lost and the
// invariants hold (thesis §3.8).
func TestDurableClusterSurvivesTotalCrash(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(3, 1, DefaultSettings(), dir)
	must(t, err)
	var acknowledged []string
	calls := make([]*Call, 4)
	for round := range 300 {
		for i := range calls {
			if calls[i] == nil || calls[i].Done {
				if calls[i] != nil && calls[i].Err == nil {
					acknowledged = append(acknowledged, calls[i].Command.Key)
				}
				key := fmt.Sprintf("k%d-%d", i, round)
				calls[i], err = c.Submit(uint64(i+1), store.Command{Op: store.OpPut, Key: key, Value: "v"}, raft.None)
				must(t, err)
			}
		}
		c.Advance(3 * time.Millisecond)
	}
	// Every node dies at once, puts in flight; the files stay.
	for _, id := range c.IDs() {
		must(t, c.Kill(id))
	}
	must(t, c.Close())
	if len(acknowledged) < 20 {
		t.Fatalf("only %d puts acknowledged before the crash", len(acknowledged))
	}

	reopenHoldsEveryKey(t, dir, DefaultSettings(), acknowledged)
	t.Logf("%d acknowledged puts survived a crash of every node", len(acknowledged))
}

func TestDataDirInUse(t *testing.T) {
	dir := t.TempDir()
	c, err := Open(3, 1, DefaultSettings(), dir)
	must(t, err)
	defer c.Close()
	if _, err := Open(3, 1, DefaultSettings(), dir); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("second open: %v, want ErrInUse", err)
	}
}

// reopenHoldsEveryKey opens the cluster whose nodes crashed in dir: a
// leader must be elected, every node must hold every acknowledged key, and
// no invariant may be violated (thesis §3.8).
func reopenHoldsEveryKey(t *testing.T, dir string, settings Settings, acknowledged []string) {
	t.Helper()
	reopened, err := Open(3, 2, settings, dir)
	must(t, err)
	defer reopened.Close()
	call, err := reopened.Put("after", "restart", raft.None)
	must(t, err)
	if call.Err != nil {
		t.Fatalf("no leader after restart: %v", call.Err)
	}
	reopened.Advance(time.Second)
	for _, id := range reopened.IDs() {
		kv, err := reopened.KV(id)
		must(t, err)
		for _, key := range acknowledged {
			if _, found := kv[key]; !found {
				t.Fatalf("%v lost acknowledged key %s", id, key)
			}
		}
	}
	if violations := reopened.Violations(); len(violations) > 0 {
		t.Fatal(violations)
	}
}
