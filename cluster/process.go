package cluster

import (
	"errors"

	"raftctl/check"
	"raftctl/raft"
	"raftctl/store"
)

// process carries out a node's pending work, in the order thesis §3.8
// demands: persist, then send, then apply. Every batch is shown to the
// checker.
func (c *Local) process(node *localNode) {
	for node.core != nil && node.core.HasReady() {
		ready := node.core.Ready()
		if !ready.Snapshot.IsEmpty() {
			if err := c.saveSnapshot(node, ready.Snapshot); err != nil {
				c.publish(Record{Kind: RecordFault, Node: node.id, Text: "crashed: storage failed", Err: err})
				node.core, node.kv = nil, nil
				c.network.DropNode(node.id)
				c.clients.nodeDown(c, node.id)
				return
			}
		}
		if ready.MustSave {
			if err := c.save(node, ready.HardState, ready.Entries); err != nil {
				// A node that cannot persist must not speak: crash it.
				c.publish(Record{Kind: RecordFault, Node: node.id, Text: "crashed: storage failed", Err: err})
				node.core, node.kv = nil, nil
				c.network.DropNode(node.id)
				c.clients.nodeDown(c, node.id)
				return
			}
		}
		for _, event := range ready.Events {
			c.publish(Record{Kind: RecordEvent, Node: node.id, Event: event})
		}
		for _, message := range ready.Messages {
			c.send(node.id, message)
		}
		if ready.RestoreStateMachine {
			c.restoreSnapshot(node, ready.Snapshot)
		}
		for _, entry := range ready.CommittedEntries {
			c.apply(node, entry)
		}
		node.readsWaiting = append(node.readsWaiting, ready.ReadStates...)
		c.serveReads(node)
		node.core.Advance(ready)
		lastIndex := node.core.LastIndex()
		unchanged := lastIndex
		if len(ready.Entries) > 0 {
			unchanged = ready.Entries[0].Index - 1
		}
		c.observe(node, min(unchanged, node.unchanged))
		node.unchanged = lastIndex
		c.maybeCompact(node)
	}
}

// apply hands one committed entry to the node's state machine and to the
// client waiting for it.
func (c *Local) apply(node *localNode, entry raft.Entry) {
	result, err := c.applyEntry(node, entry)
	node.applied = entry.Index
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
	if err != nil || node.core == nil {
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
	c.sending = false
	c.publish(Record{Kind: RecordSend, Node: from, Message: message, MessageID: id})
	for _, drop := range c.dropsWhileSending {
		c.publish(drop)
	}
	c.dropsWhileSending = c.dropsWhileSending[:0]
}
