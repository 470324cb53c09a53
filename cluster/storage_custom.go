package cluster

import (
	"fmt"

	"raftctl/raft"
	"raftctl/store"
)

// Storage is what a node keeps across a crash, for hosts that bring their
// own: the browser keeps each node in IndexedDB.
type Storage interface {
	store.Storage
	// Wipe erases everything: a lost disk.
	Wipe() error
	Close() error
}

// OpenStorages builds a cluster on the given storages, one per node, n1
// first. Storages that already hold state bring the cluster back as a
// restart from disk would (thesis §3.8): terms, votes and logs; the state
// machines are rebuilt by applying the log once a leader commits.
func OpenStorages(seed uint64, settings Settings, storages []Storage) (*Local, error) {
	if len(storages) < 1 || len(storages) > MaxNodes {
		return nil, fmt.Errorf("cluster size %d: want 1 to %d nodes", len(storages), MaxNodes)
	}
	nodeStorages := make([]nodeStorage, len(storages))
	// Terms only grow, so the highest term stored numbers this opening
	// uniquely: client ids of earlier openings ran in lower terms.
	var highest raft.Term
	for i, storage := range storages {
		nodeStorages[i] = storage
		if state, _, err := storage.InitialState(); err == nil {
			highest = max(highest, state.CurrentTerm)
		}
	}
	c, err := build(len(storages), seed, settings, nodeStorages)
	if err != nil {
		return nil, err
	}
	c.clients.base = (uint64(highest) + 1) << 32
	return c, nil
}
