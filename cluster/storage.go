package cluster

import (
	"errors"

	"raftctl/store"
)

// nodeStorage is what a node keeps across a crash: in memory inside the
// simulator, or a bbolt file per node on disk.
type nodeStorage interface {
	store.Storage
	// Wipe erases everything: a lost disk.
	Wipe() error
	Close() error
}

// memoryStorage adapts store.Memory, which cannot fail to wipe or close.
type memoryStorage struct{ *store.Memory }

func (m memoryStorage) Wipe() error  { m.Memory.Wipe(); return nil }
func (m memoryStorage) Close() error { return nil }

// Close releases the nodes' storage (the bbolt files of Open).
func (c *Local) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Writes in flight finish first: the files are closed quiet.
	errs := []error{c.finishAllWrites()}
	for _, node := range c.nodes {
		// A clean exit: the operating system writes its cache out.
		errs = append(errs, c.flushUnsynced(node, c.now))
		errs = append(errs, node.storage.Close())
	}
	return errors.Join(errs...)
}
