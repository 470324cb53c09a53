package cluster

import (
	"errors"
	"fmt"
	"time"

	"raftctl/raft"
)

// A disk that takes time (Settings.DiskWrite). A node hands a batch to its
// disk and the write is in flight for DiskWrite of virtual time; its core
// keeps stepping messages and taking proposals meanwhile, but is not asked
// for a new batch until the write is done, so every entry that arrived
// while the disk was busy goes into the next write: group commit (thesis
// §10.2.2). The batch's messages leave when the write is done (thesis
// §3.8: nothing that depends on a write leaves before it is durable).
// Meanwhile the node does only what depends on no write of its own
// (workWhileWriting): it applies what it learns is committed, and a
// leader under the parallel write sends new entries at once (thesis
// §10.2.1).
//
// The history stays a function of the seed: a write ends at a fixed
// virtual time, a happening of the clock like a delivery (clock.go). On
// bbolt the real transaction runs on a goroutine started when the write
// starts, so writes of different nodes that overlap in virtual time
// overlap in real time, and how long the real disk takes changes the
// wall-clock time only.
//
// The simulation waits for a real write only where something depends on
// it, so that no node, and no client, learns of a durable write before it
// is on disk:
//   - a message a node sends while a write of its own is still running on
//     the real disk is delivered only once that write is done (a
//     follower's acknowledgement);
//   - a leader's write is waited for when it ends in virtual time: the
//     leader counts it towards commitment then (thesis §10.2.1);
//   - a node's writes reach its file in order, each after the one before;
//   - a crash, a snapshot, a restart and Close wait for every write.
// A follower's write that nothing depends on yet (its acknowledgement is
// still on the way, and a majority may answer without it) runs on while
// the simulation goes on.

// diskWrite is one write on a node's disk.
type diskWrite struct {
	ready raft.Ready
	// end is the virtual time the write is done.
	end time.Duration
	// batches are its storage writes (transactions): one with group
	// commit, one per entry without.
	batches [][]raft.Entry
	// finished is closed when the real write is done, and err is then its
	// result. Both are nil for storage in memory, which writes at the end
	// instead (nothing real to overlap).
	finished chan struct{}
	err      error
}

// wait returns the real write's result once it is done.
func (write *diskWrite) wait() error {
	<-write.finished
	return write.err
}

// isFinished reports, without waiting, whether the real write is done.
func (write *diskWrite) isFinished() bool {
	select {
	case <-write.finished:
		return true
	default:
		return false
	}
}

// diskState is what the cluster's disks hold back.
type diskState struct {
	// messages a node sent while a write of its own was still running on
	// the real disk, by message id: each is delivered only once its write
	// is done.
	messages map[uint64]*diskWrite
	// sendingEarly is set while a leader's early AppendEntries are sent
	// (sendEarly).
	sendingEarly bool
	// proposed are the nodes that took client proposals at this instant
	// and hand them to their disk once the instant's proposals are all in
	// (processProposal).
	proposed []*localNode
}

// sweepAt bounds the dependencies of messages that were dropped and will
// never be delivered: past this many, those of finished writes go.
const sweepAt = 4096

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

// processProposal carries out a node's work after a client proposal. On a
// disk that takes time, the proposals a node takes at one instant go to
// its disk together, at the end of the instant (the clock's first
// happening, clock.go): a loop that hands its disk every request waiting
// when the disk is free, as real servers do (etcd's raft loop, hashicorp's
// batched Apply). On an instant disk nothing waits.
func (c *Local) processProposal(node *localNode) {
	if c.diskWriteTime(node) == 0 {
		c.process(node)
		return
	}
	for _, proposed := range c.disk.proposed {
		if proposed == node {
			return
		}
	}
	c.disk.proposed = append(c.disk.proposed, node)
}

// processProposed carries out the work of the nodes that took proposals
// at this instant, in the order they took their first.
func (c *Local) processProposed() {
	for len(c.disk.proposed) > 0 {
		node := c.disk.proposed[0]
		c.disk.proposed = c.disk.proposed[1:]
		c.process(node)
	}
	c.disk.proposed = nil
}

// startWrite hands a batch to the node's disk. The batch's events are
// shown and the checker sees the node's new state now; its messages wait
// for the write (finishWrite), except a leader's AppendEntries under the
// parallel write, which leave now (thesis §10.2.1).
func (c *Local) startWrite(node *localNode, ready raft.Ready) {
	c.publishEvents(node, ready)
	c.sendEarly(node, ready.EarlyMessages)
	batches := writeBatches(ready.Entries, c.settings.GroupCommit)
	write := &diskWrite{
		ready:   ready,
		end:     c.now + time.Duration(len(batches))*c.diskWriteTime(node),
		batches: batches,
	}
	if _, inMemory := node.storage.(memoryStorage); !inMemory {
		write.finished = make(chan struct{})
		storage, state, previous := node.storage, ready.HardState, node.lastWrite
		go func() {
			defer close(write.finished)
			if previous != nil && previous.wait() != nil {
				write.err = errors.New("an earlier write to the same disk failed")
				return
			}
			write.err = saveBatches(storage, state, batches)
		}()
		node.lastWrite = write
	}
	node.writing = write
	c.observeBatch(node, ready)
}

// workWhileWriting does what the node may do while its disk is busy. Under
// the parallel write the leader sends the AppendEntries of proposals that
// came meanwhile at once (thesis §10.2.1): they need not wait for its disk,
// and its next write carries their entries. And the node applies what it
// learned is committed: an entry on a majority of disks is safe whatever
// this node's own write does, so its client need not wait for that write.
// The batch in flight was handed its committed entries first: they go
// first. Every other message, and the new entries themselves, still wait
// for the write.
func (c *Local) workWhileWriting(node *localNode) {
	write := node.writing
	// A snapshot from the leader in flight must reset the state machine
	// before anything after it applies (thesis Fig. 5.3): the work waits.
	if !write.ready.RestoreStateMachine {
		c.takeWorkWhileWriting(node, write)
	}
	// The checker sees the node after every step, as when its disk is
	// idle: a commit and a configuration change held in one batch would
	// otherwise look simultaneous.
	c.observe(node, c.unchangedSinceObserved(node))
	node.unchanged = node.core.LastIndex()
}

// takeWorkWhileWriting carries out the work of TakeWhileWriting.
func (c *Local) takeWorkWhileWriting(node *localNode, write *diskWrite) {
	work := node.core.TakeWhileWriting()
	if len(work.EarlyMessages) == 0 && len(work.CommittedEntries) == 0 {
		return
	}
	for _, event := range work.Events {
		c.publish(Record{Kind: RecordEvent, Node: node.id, Event: event})
	}
	c.sendEarly(node, work.EarlyMessages)
	if len(work.CommittedEntries) > 0 {
		for _, entry := range write.ready.CommittedEntries {
			c.apply(node, entry)
		}
		write.ready.CommittedEntries = nil
		for _, entry := range work.CommittedEntries {
			c.apply(node, entry)
		}
		c.serveReads(node)
	}
}

// sendEarly sends a leader's early AppendEntries (thesis §10.2.1): unlike
// its other messages they depend on no write of its own, so none holds
// them back on the real disk either.
func (c *Local) sendEarly(node *localNode, messages []raft.Message) {
	c.disk.sendingEarly = true
	c.sendAll(node, messages)
	c.disk.sendingEarly = false
}

// unchangedSinceObserved is how far the node's log is as the checker last
// saw it: up to what it was then, less anything changed since the core
// last handed its entries out.
func (c *Local) unchangedSinceObserved(node *localNode) raft.Index {
	unchanged := min(node.unchanged, node.core.LastIndex())
	if from := node.core.UnsavedFrom(); from != 0 {
		unchanged = min(unchanged, from-1)
	}
	return unchanged
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

// finishWrite is the end of a node's write in virtual time: the batch is
// durable, its messages leave, its committed entries apply, and the core
// hands over what came meanwhile.
func (c *Local) finishWrite(node *localNode) {
	write := node.writing
	node.writing = nil
	var err error
	switch {
	case write.finished == nil:
		err = saveBatches(node.storage, write.ready.HardState, write.batches)
	case node.core.Role() == raft.Leader:
		// The leader counts the write towards commitment now (thesis
		// §10.2.1), or applies what it committed counting it.
		err = write.wait()
	case write.isFinished():
		err = write.err
	}
	if err != nil {
		c.storageFailed(node, err)
		return
	}
	// The checker saw the batch when the write started. Work that came
	// since may have changed the log; the next batch shows it.
	c.finishReady(node, write.ready, false)
	if !node.core.HasReady() {
		c.observe(node, c.unchangedSinceObserved(node))
	}
	c.process(node)
}

// dependOnWrite notes that a message the node just sent depends on its
// last write, if that is still running (send calls it).
func (c *Local) dependOnWrite(from NodeID, id uint64) {
	node, err := c.node(from)
	if err != nil || c.disk.sendingEarly || node.lastWrite == nil || node.lastWrite.isFinished() {
		return
	}
	write := node.lastWrite
	if c.disk.messages == nil {
		c.disk.messages = map[uint64]*diskWrite{}
	}
	if len(c.disk.messages) >= sweepAt {
		for id, write := range c.disk.messages {
			if write.isFinished() {
				delete(c.disk.messages, id)
			}
		}
	}
	c.disk.messages[id] = write
}

// awaitWriteOf waits, before a message is delivered, for the write it
// depends on. It reports false, having crashed the sender, when that
// write failed: the message must not arrive.
func (c *Local) awaitWriteOf(id uint64, message raft.Message) bool {
	write, ok := c.disk.messages[id]
	if !ok {
		return true
	}
	delete(c.disk.messages, id)
	err := write.wait()
	if err == nil {
		return true
	}
	if sender, found := c.node(message.From); found == nil && sender.core != nil {
		c.storageFailed(sender, err)
	}
	return false
}

// settleWrites waits for every real write of the node, and returns the
// first error.
func (c *Local) settleWrites(node *localNode) error {
	if node.lastWrite == nil {
		return nil
	}
	err := node.lastWrite.wait()
	node.lastWrite = nil
	return err
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

// crashDuringWrite settles the writes of a node that crashes. We model the
// power failing just after the disk finished the write in flight: the
// transaction is on disk (bbolt commits atomically, so the other outcome
// is that none of it is, and both are safe), and nothing that depended on
// it left the node (thesis §3.8). The real writes are waited for, so a
// restart reads a quiet file.
func (c *Local) crashDuringWrite(node *localNode) {
	inFlight := node.writing
	node.writing = nil
	if inFlight != nil && inFlight.finished == nil {
		if err := saveBatches(node.storage, inFlight.ready.HardState, inFlight.batches); err != nil {
			c.publish(Record{Kind: RecordFault, Node: node.id, Text: "storage failed", Err: err})
			return
		}
	}
	if err := c.settleWrites(node); err != nil {
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "storage failed", Err: err})
		return
	}
	if inFlight != nil {
		entries := len(inFlight.ready.Entries)
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: fmt.Sprintf(
			"crashed with a write in flight (%d %s): the write reached the disk, its messages never left (§3.8)",
			entries, plural(entries, "entry", "entries"))})
	}
}

// finishAllWrites waits for every write, for Close.
func (c *Local) finishAllWrites() error {
	var errs []error
	for _, node := range c.nodes {
		if node.writing != nil && node.writing.finished == nil {
			errs = append(errs, saveBatches(node.storage, node.writing.ready.HardState, node.writing.batches))
		}
		node.writing = nil
		errs = append(errs, c.settleWrites(node))
	}
	return errors.Join(errs...)
}

// campaignDisk gives a quarter of the campaign seeds a disk that takes
// time: 1 to 7 ms a write, one node's disk slower, group commit and the
// parallel leader write each on or off, so that crashes, partitions and
// elections meet writes in flight and commits made while the leader
// writes (thesis §10.2.1). It comes from the seed, not from the
// campaign's random draws, which stay as they were.
func campaignDisk(seed uint64, settings *Settings) {
	if seed%4 != 1 {
		return
	}
	settings.DiskWrite = time.Duration(1+seed/4%7) * time.Millisecond
	settings.DiskWriteOf[seed/28%3] = settings.DiskWrite * 3
	settings.GroupCommit = seed/8%2 == 0
	settings.ParallelWrite = seed/16%2 == 0
}
