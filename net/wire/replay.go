package wire

import (
	"encoding/binary"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"raftctl/raft"
)

// maxEnvelopeBytes is the largest envelope: From and To fit in two varint
// bytes each, Sequence in ten.
const maxEnvelopeBytes = 2 + 2 + binary.MaxVarintLen64

// Sender writes sequenced frames: frames that carry the sender, the
// destination and a sequence number inside the authenticated bytes, so a
// Receiver can reject replays (see the package doc).
//
// A Sender is safe for concurrent use, and one Sender can serve a node's
// connections to all its peers: sequence numbers only need to increase per
// destination, and one counter shared by all destinations does. Keep one
// connection per peer and serialize the writes on it (as framing requires
// anyway): frames to one peer split over two connections could arrive out
// of order, and the Receiver would reject the late ones as old.
type Sender struct {
	from raft.NodeID
	key  []byte
	// next is the sequence number of the next frame.
	next atomic.Uint64
}

// NewSender returns a Sender for node from whose first frame carries
// sequence first (or 1, if first is 0). After a restart, first must be above
// every sequence the node sent before under the same key, or receivers that
// remember them reject the new frames; the wall clock in nanoseconds, or a
// persisted boot counter shifted left by 32 bits, will do.
func NewSender(from raft.NodeID, key []byte, first uint64) *Sender {
	s := &Sender{from: from, key: key}
	s.next.Store(max(first, 1))
	return s
}

// WriteFrame writes payload to w as a sequenced frame for node to.
func (s *Sender) WriteFrame(w io.Writer, to raft.NodeID, payload []byte) error {
	sequence := s.next.Add(1) - 1
	envelope := make([]byte, 0, maxEnvelopeBytes)
	envelope = binary.AppendUvarint(envelope, uint64(s.from))
	envelope = binary.AppendUvarint(envelope, uint64(to))
	envelope = binary.AppendUvarint(envelope, sequence)
	return writeFrame(w, s.key, sequencedFrameContext, envelope, payload)
}

// Receiver reads sequenced frames for one node and rejects any frame it has
// already accepted, any frame older than one it has accepted from the same
// sender, and any frame addressed to another node, with ErrReplay. It
// remembers in memory only: see the package doc for what that leaves open.
//
// A Receiver is safe for concurrent use by the connections of one node.
type Receiver struct {
	self   raft.NodeID
	key    []byte
	limits Limits

	mu sync.Mutex
	// highest is the highest sequence accepted from each sender.
	// Invariant: it only grows.
	highest map[raft.NodeID]uint64
}

// NewReceiver returns a Receiver for node self. limits.MaxMessageBytes
// bounds the payload, not counting the envelope.
func NewReceiver(self raft.NodeID, key []byte, limits Limits) *Receiver {
	return &Receiver{self: self, key: key, limits: limits.orDefaults(), highest: map[raft.NodeID]uint64{}}
}

// ReadFrame reads one sequenced frame from r and returns its sender and
// payload. Errors are those of the package-level ReadFrame, a *FieldError
// wrapping ErrMalformed for a bad envelope, or one wrapping ErrReplay.
func (r *Receiver) ReadFrame(reader io.Reader) (from raft.NodeID, payload []byte, err error) {
	body, err := readFrame(reader, r.key, sequencedFrameContext, r.limits.MaxMessageBytes+maxEnvelopeBytes)
	if err != nil {
		return raft.None, nil, err
	}
	d := decoder{data: body, entry: -1}
	from = d.nodeID("envelope From")
	to := d.nodeID("envelope To")
	sequence := d.uvarint("envelope Sequence")
	if d.err != nil {
		return raft.None, nil, d.err
	}
	payload = body[d.offset:]
	if len(payload) > r.limits.MaxMessageBytes {
		return raft.None, nil, &FieldError{Field: "frame length", Err: ErrTooLarge,
			Reason: fmt.Sprintf("payload of %d bytes, limit MaxMessageBytes is %d", len(payload), r.limits.MaxMessageBytes)}
	}
	if to != r.self {
		return raft.None, nil, &FieldError{Field: "envelope To", Err: ErrReplay,
			Reason: fmt.Sprintf("frame from %v is addressed to %v, this is %v", from, to, r.self)}
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if highest := r.highest[from]; sequence <= highest {
		return raft.None, nil, &FieldError{Field: "envelope Sequence", Err: ErrReplay,
			Reason: fmt.Sprintf("sequence %d from %v, already accepted up to %d", sequence, from, highest)}
	}
	r.highest[from] = sequence
	return from, payload, nil
}
