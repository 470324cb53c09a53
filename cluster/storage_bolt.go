//go:build !js

package cluster

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// bbolt does not build for WebAssembly (PITFALLS): Open lives behind
// !js, and the browser keeps its nodes in IndexedDB (OpenStorages).

// Open builds a cluster whose nodes keep their state in dataDir, one bbolt
// file per node (n1.db, n2.db, ...). Opening the same directory again
// brings the same cluster back: terms, votes and logs; the state machines
// are rebuilt by applying the log once a leader commits.
func Open(n int, seed uint64, settings Settings, dataDir string) (*Local, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	existing, _ := filepath.Glob(filepath.Join(dataDir, "n*.db"))
	if len(existing) > 0 && len(existing) != n {
		return nil, fmt.Errorf("data dir %s holds a cluster of %d nodes, not %d (use --nodes %d, or another dir)", dataDir, len(existing), n, len(existing))
	}
	storages := make([]nodeStorage, 0, n)
	for i := 1; i <= n; i++ {
		bolt, err := store.OpenBolt(filepath.Join(dataDir, fmt.Sprintf("n%d.db", i)), store.BoltOptions{LockTimeout: time.Second})
		if err != nil {
			for _, opened := range storages {
				opened.Close()
			}
			return nil, err
		}
		storages = append(storages, bolt)
	}
	// Terms only grow, so the highest term on disk numbers this opening
	// uniquely (every earlier opening ran in lower terms).
	var highest raft.Term
	for _, storage := range storages {
		state, _, err := storage.InitialState()
		if err == nil {
			highest = max(highest, state.CurrentTerm)
		}
	}
	c, err := build(n, seed, settings, storages)
	if err != nil {
		for _, opened := range storages {
			opened.Close()
		}
		return nil, err
	}
	c.clients.base = (uint64(highest) + 1) << 32
	return c, nil
}
