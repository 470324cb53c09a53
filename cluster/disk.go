package cluster

import (
	"fmt"
	"time"

	"raftctl/raft"
)

// A disk that takes time (Settings.DiskWrite). A node hands a batch to its
// disk and the write is in flight for DiskWrite of virtual time; its core
// keeps stepping messages and taking proposals meanwhile, but is not asked
// for new work until the write is done, so everything that arrived while
// the disk was busy goes into the next write: group commit (thesis
// §10.2.2). The batch's messages leave when the write is done (thesis
// §3.8: nothing that depends on a write leaves before it is durable).
//
// The history stays a function of the seed: a write ends at a fixed
// virtual time, a happening of the clock like a delivery (clock.go). On
// bbolt the real transaction runs on a goroutine started when the write
// starts and is waited for when virtual time reaches its end, so writes
// of different nodes that overlap in virtual time overlap in real time,
// and how long the real disk takes changes the wall-clock time only.

// diskWrite is one write in flight on a node's disk.
type diskWrite struct {
	ready raft.Ready
	// end is the virtual time the write is done.
	end time.Duration
	// batches are its storage writes (transactions): one with group
	// commit, one per entry without.
	batches [][]raft.Entry
	// done carries the real write's result; nil when the storage is in
	// memory, which writes at the end instead (nothing real to overlap).
	done chan error
}

// diskWriteTime is how long one write takes on the node's disk; 0 is an
// instant disk, and so is lazy sync (the cache acknowledges at once).
func (c *Local) diskWriteTime(node *localNode) time.Duration {
	if c.settings.LazySync {
		return 0
	}
	if write := c.settings.DiskWriteOf[node.id-1]; write > 0 {
		return write
	}
	return c.settings.DiskWrite
}

// startWrite hands a batch to the node's disk. The batch's events are
// shown and the checker sees the node's new state now; its messages wait
// for the write (finishWrite), except a leader's AppendEntries under the
// parallel write, which leave now (thesis §10.2.1).
func (c *Local) startWrite(node *localNode, ready raft.Ready) {
	c.publishEvents(node, ready)
	c.sendAll(node, ready.EarlyMessages)
	batches := writeBatches(ready.Entries, c.settings.GroupCommit)
	write := &diskWrite{
		ready:   ready,
		end:     c.now + time.Duration(len(batches))*c.diskWriteTime(node),
		batches: batches,
	}
	if _, inMemory := node.storage.(memoryStorage); !inMemory {
		write.done = make(chan error, 1)
		storage, state := node.storage, ready.HardState
		go func() { write.done <- saveBatches(storage, state, batches) }()
	}
	node.writing = write
	lastIndex := node.core.LastIndex()
	unchanged := lastIndex
	if len(ready.Entries) > 0 {
		unchanged = ready.Entries[0].Index - 1
	}
	c.observe(node, min(unchanged, node.unchanged))
	node.unchanged = lastIndex
}

// writeBatches splits a write's entries into its transactions: all of
// them at once with group commit, one by one without. A write with no
// entries (a new term or vote) is one transaction.
func writeBatches(entries []raft.Entry, groupCommit bool) [][]raft.Entry {
	if groupCommit || len(entries) <= 1 {
		return [][]raft.Entry{entries}
	}
	batches := make([][]raft.Entry, len(entries))
	for i := range entries {
		batches[i] = entries[i : i+1]
	}
	return batches
}

// saveBatches writes the batches in order, the hard state with each.
func saveBatches(storage nodeStorage, state raft.HardState, batches [][]raft.Entry) error {
	for _, entries := range batches {
		if err := storage.Save(state, entries); err != nil {
			return err
		}
	}
	return nil
}

// waitForWrite returns the result of a node's write in flight, waiting
// for the real disk if it is still busy.
func (c *Local) waitForWrite(node *localNode) error {
	write := node.writing
	node.writing = nil
	if write.done == nil {
		return saveBatches(node.storage, write.ready.HardState, write.batches)
	}
	return <-write.done
}

// finishWrite is the end of a node's write: the batch is durable, its
// messages leave, its committed entries apply, and the core hands over
// what came meanwhile.
func (c *Local) finishWrite(node *localNode) {
	write := node.writing
	if err := c.waitForWrite(node); err != nil {
		c.storageFailed(node, err)
		return
	}
	// The checker saw the batch when the write started. Work that came
	// since may have changed the log; the next batch shows it.
	c.finishReady(node, write.ready, false)
	if !node.core.HasReady() {
		c.observe(node, min(node.unchanged, node.core.LastIndex()))
	}
	c.process(node)
}

// nextWrite returns the node whose write ends first (the lower id on a
// tie) and when.
func (c *Local) nextWrite() (time.Duration, *localNode) {
	var first *localNode
	for _, node := range c.nodes {
		if node.writing != nil && (first == nil || node.writing.end < first.writing.end) {
			first = node
		}
	}
	if first == nil {
		return 0, nil
	}
	return first.writing.end, first
}

// crashDuringWrite settles the write in flight of a node that crashes. We
// model the power failing just after the disk finished: the transaction
// is on disk (bbolt commits atomically, so the other outcome is that none
// of it is, and both are safe), and nothing that depended on it left the
// node (thesis §3.8). The real write is waited for, so a restart reads a
// quiet file.
func (c *Local) crashDuringWrite(node *localNode) {
	if node.writing == nil {
		return
	}
	entries := len(node.writing.ready.Entries)
	if err := c.waitForWrite(node); err != nil {
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "storage failed", Err: err})
		return
	}
	c.publish(Record{Kind: RecordFault, Node: node.id, Text: fmt.Sprintf(
		"its write in flight (%d %s) reached the disk before the crash; its messages never left (§3.8)",
		entries, plural(entries, "entry", "entries"))})
}

// finishAllWrites waits for every write in flight, for Close.
func (c *Local) finishAllWrites() error {
	var first error
	for _, node := range c.nodes {
		if node.writing != nil {
			if err := c.waitForWrite(node); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}
