package cluster

import (
	"sync"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// TestHostParallelWriteSendsBeforeItsOwnWrite: with the parallel leader
// write (thesis §10.2.1) a real node's leader sends its AppendEntries
// before its own storage holds the entries, and the put still commits;
// without it, every AppendEntries leaves after the leader's write (thesis
// §3.8).
func TestHostParallelWriteSendsBeforeItsOwnWrite(t *testing.T) {
	for _, parallel := range []bool{false, true} {
		ids := []raft.NodeID{1, 2, 3}
		network := newMemoryNetwork(ids)
		storages := map[raft.NodeID]*store.Memory{}
		var mu sync.Mutex
		early := 0
		network.sent = func(message raft.Message) {
			if message.Type != raft.MsgAppendEntries || len(message.Entries) == 0 {
				return
			}
			_, stored, err := storages[message.From].InitialState()
			last := message.Entries[len(message.Entries)-1].Index
			if err == nil && (len(stored) == 0 || stored[len(stored)-1].Index < last) {
				mu.Lock()
				early++
				mu.Unlock()
			}
		}
		settings := testHostSettings()
		settings.ParallelWrite = parallel
		hosts := map[raft.NodeID]*Host{}
		for _, id := range ids {
			storages[id] = store.NewMemory()
		}
		for _, id := range ids {
			host, err := StartHost(HostConfig{ID: id, Peers: ids, Settings: settings,
				Storage: memoryStorage{storages[id]}, Transport: network.endpoint(id), Seed: uint64(id) * 7919})
			if err != nil {
				t.Fatal(err)
			}
			hosts[id] = host
		}
		c := &memoryCluster{t: t, ids: ids, network: network, storages: storages, hosts: hosts,
			refused: map[raft.NodeID]bool{}, conns: map[raft.NodeID][]pipeEnd{}}
		remote := c.connect()
		waitLeader(t, remote)
		for _, value := range []string{"1", "2", "3"} {
			if _, err := remote.Put("x", value, raft.None); err != nil {
				t.Fatalf("parallel write %v: put x %s: %v", parallel, value, err)
			}
		}
		mu.Lock()
		sentEarly := early
		mu.Unlock()
		for _, host := range hosts {
			host.Close()
		}
		if parallel && sentEarly == 0 {
			t.Error("with the parallel write, no AppendEntries left before the leader's own write")
		}
		if !parallel && sentEarly > 0 {
			t.Errorf("without the parallel write, %d AppendEntries left before the leader's own write", sentEarly)
		}
	}
}
