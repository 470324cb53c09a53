package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// nodeStorage is what a node keeps across a crash: in memory inside the
// simulator, or a bbolt file per node on disk.
type nodeStorage interface {
	raft.Storage
	// Wipe erases everything: a lost disk.
	Wipe() error
	Close() error
}

// memoryStorage adapts store.Memory, which cannot fail to wipe or close.
type memoryStorage struct{ *store.Memory }

func (m memoryStorage) Wipe() error  { m.Memory.Wipe(); return nil }
func (m memoryStorage) Close() error { return nil }

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

// Close releases the nodes' storage (the bbolt files of Open).
func (c *Local) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, node := range c.nodes {
		// A clean exit: the operating system writes its cache out.
		errs = append(errs, c.flushUnsynced(node, c.now))
		errs = append(errs, node.storage.Close())
	}
	return errors.Join(errs...)
}
