package cluster

import (
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// basicSettings is basic Raft as in thesis Fig. 3.1: no PreVote, no
// CheckQuorum, no leader no-op, so indexes match the thesis figures.
func basicSettings() Settings {
	settings := DefaultSettings()
	settings.PreVote, settings.CheckQuorum, settings.LeaderNoop = false, false, false
	return settings
}

// observeNewClusters, when set, sees each cluster newCluster builds, before
// anything happens on it.
var observeNewClusters func(*Local)

func newCluster(t *testing.T, n int, settings Settings) *Local {
	t.Helper()
	c, err := New(n, 1, settings)
	if err != nil {
		t.Fatal(err)
	}
	if observeNewClusters != nil {
		observeNewClusters(c)
	}
	return c
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func campaign(t *testing.T, c *Local, id NodeID) {
	t.Helper()
	must(t, c.Campaign(id))
	_, err := c.Stabilize()
	must(t, err)
}

func stabilize(t *testing.T, c *Local) {
	t.Helper()
	_, err := c.Stabilize()
	must(t, err)
}

// propose submits a put to one node without waiting (the thesis
// scenarios move time only with campaign and stabilize).
func propose(t *testing.T, c *Local, key, value string, at NodeID) *Call {
	t.Helper()
	call, err := c.Submit(ReplClientID, store.Command{Op: store.OpPut, Key: key, Value: value}, at)
	must(t, err)
	return call
}

func requireRole(t *testing.T, c *Local, id NodeID, role raft.Role, term raft.Term) {
	t.Helper()
	status := c.Status()[id-1]
	if status.Role != role || status.Term != term || !status.Up {
		t.Fatalf("%v is %v in term %d (up %v), want %v in term %d", id, status.Role, status.Term, status.Up, role, term)
	}
}

// recordsOf collects the core events of one kind from now on.
func recordsOf(c *Local, kind raft.EventKind) *[]raft.Event {
	var events []raft.Event
	c.Subscribe(func(record Record) {
		if record.Kind == RecordEvent && record.Event.Kind == kind {
			events = append(events, record.Event)
		}
	})
	return &events
}
