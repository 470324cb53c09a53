package cluster

import (
	"errors"

	"raftctl/check"
	"raftctl/raft"
	"raftctl/store"
)

// process carries out a node's pending work, in the order thesis §3.8
// demands: persist, then send, then apply. Every batch is shown to the
// checker. While a write is in flight on the node's disk (disk.go) the
// core is not asked for more: its work waits for the next batch, except
// what workWhileWriting may do at once.
func (c *Local) process(node *localNode) {
	if node.core != nil && node.writing != nil {
		c.workWhileWriting(node)
		return
	}
	for node.core != nil && node.writing == nil && node.core.HasReady() {
		ready := node.core.Ready()
		if node.lastWrite != nil && (!ready.Snapshot.IsEmpty() || ready.MustSave && c.diskWriteTime(node) == 0) {
			// A snapshot, or a write on an instant disk, goes after the
			// writes still running on the real disk.
			if err := c.settleWrites(node); err != nil {
				c.storageFailed(node, err)
				return
			}
		}
		if !ready.Snapshot.IsEmpty() {
			if err := c.saveSnapshot(node, ready.Snapshot); err != nil {
				c.storageFailed(node, err)
				return
			}
		}
		if ready.MustSave && c.diskWriteTime(node) > 0 {
			c.startWrite(node, ready)
			return
		}
		if len(ready.EarlyMessages) > 0 {
			// The leader's AppendEntries leave before its own write
			// (thesis §10.2.1); the events that explain them first.
			c.publishEvents(node, ready)
			ready.Events = nil
			c.sendEarly(node, ready.EarlyMessages)
		}
		if ready.MustSave {
			if err := c.save(node, ready.HardState, ready.Entries); err != nil {
				c.storageFailed(node, err)
				return
			}
		}
		c.publishEvents(node, ready)
		c.finishReady(node, ready, true)
	}
}

// storageFailed crashes a node whose storage failed: a node that cannot
// persist must not speak.
func (c *Local) storageFailed(node *localNode, err error) {
	c.publish(Record{Kind: RecordFault, Node: node.id, Text: "crashed: storage failed", Err: err})
	node.core, node.kv = nil, nil
	node.writing = nil // its messages never leave
	c.network.DropNode(node.id)
	c.clients.nodeDown(c, node.id)
}

// finishReady does what follows the save of a batch: send, apply, serve
// reads, acknowledge. With observe, the checker is shown the node's state
// afterwards.
func (c *Local) finishReady(node *localNode, ready raft.Ready, observe bool) {
	c.sendAll(node, ready.Messages)
	if ready.RestoreStateMachine {
		c.restoreSnapshot(node, ready.Snapshot)
	}
	for _, entry := range ready.CommittedEntries {
		c.apply(node, entry)
	}
	node.readsWaiting = append(node.readsWaiting, ready.ReadStates...)
	c.serveReads(node)
	node.core.Advance(ready)
	if observe {
		c.observeBatch(node, ready)
	}
	c.maybeCompact(node)
}

// observeBatch shows the checker the node's state after it took ready:
// the entries below the batch's first are as at the last observation.
func (c *Local) observeBatch(node *localNode, ready raft.Ready) {
	lastIndex := node.core.LastIndex()
	unchanged := lastIndex
	if len(ready.Entries) > 0 {
		unchanged = ready.Entries[0].Index - 1
	}
	c.observe(node, min(unchanged, node.unchanged))
	node.unchanged = lastIndex
}

func (c *Local) publishEvents(node *localNode, ready raft.Ready) {
	for _, event := range ready.Events {
		c.publish(Record{Kind: RecordEvent, Node: node.id, Event: event})
	}
}

func (c *Local) sendAll(node *localNode, messages []raft.Message) {
	for _, message := range messages {
		c.send(node.id, message)
	}
}

// apply hands one committed entry to the node's state machine and to the
// client waiting for it.
func (c *Local) apply(node *localNode, entry raft.Entry) {
	result, err := c.applyEntry(node, entry)
	node.applied = entry.Index
	node.snapshots.applied(entry)
	c.publish(Record{Kind: RecordApply, Node: node.id, Entry: entry, Err: err})
	if !errors.Is(err, store.ErrEntryOutOfOrder) {
		// The checker hears only of what the state machine really
		// applied: one that refused an entry (it had applied that index
		// already, after a storage fault or a teaching bug) applied
		// nothing, and the trace says so.
		c.report(c.checker.ObserveApply(node.id, entry))
	}
	c.clients.applied(c, node.id, entry, result, err)
}

// observe shows the node's state to the safety checker.
// Entries 1..unchanged are as at the previous observation.
func (c *Local) observe(node *localNode, unchanged raft.Index) {
	c.report(c.checker.ObserveNode(nodeView(node, unchanged)))
}

func (c *Local) report(violations []check.Violation) {
	for _, violation := range violations {
		c.violations = append(c.violations, violation)
		c.publish(Record{Kind: RecordViolation, Violation: violation, Text: violation.String()})
	}
}

// deliver hands a message to its destination, if it is running.
func (c *Local) deliver(id uint64, message raft.Message) {
	node, err := c.node(message.To)
	if err != nil || node.core == nil || !c.awaitWriteOf(id, message) {
		return
	}
	c.publish(Record{Kind: RecordDeliver, Node: message.To, Message: message, MessageID: id})
	node.core.Step(message)
	c.process(node)
}

// send puts a message on the network and reports it (and its loss).
func (c *Local) send(from NodeID, message raft.Message) {
	c.sending = true
	id := c.network.Send(c.now, message)
	c.dependOnWrite(from, id)
	c.sending = false
	c.publish(Record{Kind: RecordSend, Node: from, Message: message, MessageID: id})
	for _, drop := range c.dropsWhileSending {
		c.publish(drop)
	}
	c.dropsWhileSending = c.dropsWhileSending[:0]
}
