package cluster

import (
	"bytes"

	"raftctl/raft"
	"raftctl/store"
)

// Every node of a Local applies the same committed entries (thesis §3.5),
// so each command is decoded once and its key and value strings are shared
// by the nodes' state machines: one copy of every key in memory instead of
// one per node, and fewer allocations per applied entry. A node whose
// entry differs (a teaching bug can make logs diverge) decodes its own:
// the cache is keyed by index and term and checked byte for byte.

// decodedSlots is how many recent entries the cache holds: more than the
// distance between the first and the last node to apply an index, at 256
// requests in flight.
const decodedSlots = 1024

type decodedCommands struct {
	slots []decodedCommand
}

type decodedCommand struct {
	index   raft.Index
	term    raft.Term
	encoded []byte
	command store.Command
	err     error
}

// decode returns DecodeCommand's answer for a command entry.
func (d *decodedCommands) decode(entry raft.Entry) (store.Command, error) {
	if d.slots == nil {
		d.slots = make([]decodedCommand, decodedSlots)
	}
	slot := &d.slots[entry.Index%decodedSlots]
	if slot.index == entry.Index && slot.term == entry.Term && slot.encoded != nil && bytes.Equal(slot.encoded, entry.Command) {
		return slot.command, slot.err
	}
	command, err := store.DecodeCommand(entry.Command)
	*slot = decodedCommand{index: entry.Index, term: entry.Term, encoded: entry.Command, command: command, err: err}
	return command, err
}

// applyEntry applies a committed entry to the node's state machine.
func (c *Local) applyEntry(node *localNode, entry raft.Entry) (store.Result, error) {
	if entry.Kind != raft.EntryCommand {
		return node.kv.Apply(entry)
	}
	command, err := c.decoded.decode(entry)
	return node.kv.ApplyDecoded(entry, command, err)
}
