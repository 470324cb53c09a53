package sim

import "raftctl/raft"

// Operations by hand: the REPL's deliver and drop commands, and the crash
// of a node. They scan the in-flight envelopes, O(n), which is fine for
// commands a person types.

// DeliverLink removes and returns the first count envelopes in flight on
// from -> to, in delivery order, whenever they are due (count <= 0: all of
// them). A closed link delivers nothing: it returns nil and leaves the
// envelopes in flight, to be dropped when they fall due, as PopDue would.
func (n *Network) DeliverLink(from, to raft.NodeID, count int) []Envelope {
	if from == to || !n.Connected(from, to) {
		return nil
	}
	taken := n.takeLink(from, to, count)
	n.stats.Delivered += uint64(len(taken))
	return taken
}

// DropLink drops the first count envelopes in flight on from -> to, in
// delivery order (count <= 0: all of them), and returns how many it dropped.
// It works whether or not the link is open.
func (n *Network) DropLink(from, to raft.NodeID, count int) int {
	taken := n.takeLink(from, to, count)
	for _, e := range taken {
		n.drop(e, DropByHand)
	}
	return len(taken)
}

// takeLink removes the first count envelopes on from -> to (count <= 0:
// all). It removes every envelope on the link and puts back the ones after
// the first count: their IDs and arrival times are kept, so the order is
// unchanged.
func (n *Network) takeLink(from, to raft.NodeID, count int) []Envelope {
	taken := n.queue.removeIf(func(e *Envelope) bool {
		return e.Message.From == from && e.Message.To == to
	})
	if count > 0 && len(taken) > count {
		for _, e := range taken[count:] {
			n.queue.push(e)
		}
		taken = taken[:count]
	}
	return taken
}

// TakeByID removes and returns the envelope with the given ID, whenever it
// is due. Like DeliverLink, it refuses to carry an envelope over a closed
// link: it returns false and leaves the envelope in flight. Use InFlight to
// tell that case from an unknown ID.
func (n *Network) TakeByID(id uint64) (Envelope, bool) {
	i := n.queue.find(id)
	if i < 0 {
		return Envelope{}, false
	}
	if m := n.queue.at(i).Message; !n.Connected(m.From, m.To) {
		return Envelope{}, false
	}
	n.stats.Delivered++
	return n.queue.removeAt(i), true
}

// DropByID drops the envelope with the given ID and reports whether it was
// in flight.
func (n *Network) DropByID(id uint64) bool {
	i := n.queue.find(id)
	if i < 0 {
		return false
	}
	n.drop(n.queue.removeAt(i), DropByHand)
	return true
}

// DropNode drops every envelope in flight to or from id, because id has
// crashed, and returns how many it dropped. What it was sent finds no one
// listening. Differs from a real network, where packets already on the wire
// still arrive after their sender dies: dropping them too makes a kill one
// clean cut that a learner can reason about.
func (n *Network) DropNode(id raft.NodeID) int {
	dropped := n.queue.removeIf(func(e *Envelope) bool {
		return e.Message.From == id || e.Message.To == id
	})
	for _, e := range dropped {
		n.drop(e, DropNodeDown)
	}
	return len(dropped)
}
