package sim

import (
	"fmt"
	"time"

	"raftctl/raft"
)

// Envelope is one message on the wire. The envelope, not the message, is
// what the network tracks, because a duplicate carries the same message in a
// second envelope with its own ID and arrival time.
//
// Message.Entries is shared with the sender and with any duplicate:
// receivers must treat it as read-only.
type Envelope struct {
	// ID numbers envelopes in the order the network created them, from 1.
	// It breaks ties between equal DeliverAt, which keeps delivery order
	// total and so deterministic.
	ID      uint64
	Message raft.Message
	// SentAt and DeliverAt are virtual times.
	// Invariant: SentAt <= DeliverAt.
	SentAt, DeliverAt time.Duration
}

// DropReason says why the network threw a message away, so a trace can tell
// a learner which fault they are looking at.
type DropReason uint8

const (
	// DropPartition: the sender and receiver are in different partition
	// groups.
	DropPartition DropReason = iota + 1
	// DropCut: the link was cut by hand, possibly in one direction only.
	DropCut
	// DropLoss: the link's Drop probability came up.
	DropLoss
	// DropNodeDown: the sender or receiver crashed (DropNode).
	DropNodeDown
	// DropByHand: a user dropped it (DropLink, DropByID).
	DropByHand
	// DropUnknownNode: the message names a node the network was not built
	// with. The cluster should never send one; the network reports it
	// instead of crashing the session.
	DropUnknownNode
)

var dropReasonNames = [...]string{
	DropPartition:   "partition",
	DropCut:         "cut",
	DropLoss:        "loss",
	DropNodeDown:    "node down",
	DropByHand:      "by hand",
	DropUnknownNode: "unknown node",
}

func (reason DropReason) String() string {
	if int(reason) < len(dropReasonNames) && dropReasonNames[reason] != "" {
		return dropReasonNames[reason]
	}
	return fmt.Sprintf("DropReason(%d)", uint8(reason))
}

// Stats counts envelopes over the life of the network.
//
// Invariant: Sent + Duplicated = Delivered + Dropped + len(InFlight()).
type Stats struct {
	// Sent counts calls to Send, except messages to oneself.
	Sent uint64
	// Delivered counts envelopes handed out by PopDue, PopNext,
	// DeliverLink and TakeByID.
	Delivered uint64
	// Dropped counts envelopes thrown away, for any DropReason.
	Dropped uint64
	// Duplicated counts the extra envelopes created by duplication.
	Duplicated uint64
}
