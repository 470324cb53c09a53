package cluster

import (
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestSnapshotShowsRolesMessagesAndCuts: the picture's data follows the
// cluster: a candidate's vote requests in flight, then a leader, a killed
// node drawn down with its stored log, and a partition as cut links.
func TestSnapshotShowsRolesMessagesAndCuts(t *testing.T) {
	c := newCluster(t, 3, basicSettings())
	must(t, c.Campaign(1))
	snapshot := c.Snapshot()
	if role := snapshot.Nodes[0].Role; role != "candidate" {
		t.Fatalf("n1 is %q after campaign, want candidate", role)
	}
	if len(snapshot.Messages) != 2 {
		t.Fatalf("%d messages in flight after campaign, want 2 vote requests: %+v", len(snapshot.Messages), snapshot.Messages)
	}
	for _, message := range snapshot.Messages {
		if message.From != "n1" || message.Type != "RequestVote" || message.SentAt > message.DeliverAt || message.Response {
			t.Fatalf("unexpected message in flight: %+v", message)
		}
	}
	_, err := c.Stabilize()
	must(t, err)
	call, err := c.Put("x", "1", raft.None)
	must(t, err)
	c.Wait(call)
	must(t, call.Err)

	must(t, c.Kill(2))
	must(t, c.Partition([][]NodeID{{1}, {2, 3}}))
	snapshot = c.Snapshot()
	leader, down := snapshot.Nodes[0], snapshot.Nodes[1]
	if leader.Role != "leader" || leader.Term != 1 || leader.Last != 1 || leader.Commit != 1 || len(leader.LogTerms) != 1 || leader.LogTerms[0] != 1 {
		t.Fatalf("n1 = %+v, want leader of term 1 with one committed entry of term 1", leader)
	}
	if down.Up || down.Role != "down" || down.Last != 1 || down.VotedFor != "n1" {
		t.Fatalf("killed n2 = %+v, want down, its stored log and vote", down)
	}
	if leader.Group == snapshot.Nodes[2].Group {
		t.Fatalf("n1 and n3 share group %d across a partition", leader.Group)
	}
	cut := map[string]bool{}
	for _, link := range snapshot.Cuts {
		cut[link.From+">"+link.To] = true
	}
	for _, link := range []string{"n1>n2", "n2>n1", "n1>n3", "n3>n1"} {
		if !cut[link] {
			t.Fatalf("link %s not cut by the partition: %v", link, snapshot.Cuts)
		}
	}
	if cut["n2>n3"] || cut["n3>n2"] {
		t.Fatalf("n2-n3 cut inside one group: %v", snapshot.Cuts)
	}
}

// restartableMemory is a store.Memory as a cluster.Storage.
type restartableMemory struct{ *store.Memory }

func (m restartableMemory) Wipe() error  { m.Memory.Wipe(); return nil }
func (m restartableMemory) Close() error { return nil }

// TestOpenStoragesBringsTheClusterBack: a cluster opened on the storages
// of an earlier one starts as after a restart of every node (thesis §3.8):
// terms, votes and logs are back, and a new leader commits on top.
func TestOpenStoragesBringsTheClusterBack(t *testing.T) {
	storages := []Storage{restartableMemory{store.NewMemory()}, restartableMemory{store.NewMemory()}, restartableMemory{store.NewMemory()}}
	first, err := OpenStorages(1, basicSettings(), storages)
	must(t, err)
	campaign(t, first, 1)
	call, err := first.Put("x", "1", raft.None)
	must(t, err)
	first.Wait(call)
	must(t, call.Err)

	again, err := OpenStorages(1, basicSettings(), storages)
	must(t, err)
	for _, node := range again.Snapshot().Nodes {
		if node.Term != 1 || node.Last != 1 || node.Role != "follower" {
			t.Fatalf("%s after reopening = %+v, want a follower of term 1 with the entry", node.ID, node)
		}
	}
	campaign(t, again, 2)
	call, err = again.Get("x", raft.None)
	must(t, err)
	again.Wait(call)
	must(t, call.Err)
	if call.Result.Value != "1" {
		t.Fatalf("get x after reopening = %q, want 1", call.Result.Value)
	}
	if _, err := OpenStorages(1, basicSettings(), nil); err == nil {
		t.Fatal("OpenStorages with no storage: no error")
	}
}
