package wire

// Default limits. They leave room for a full AppendEntries batch of small
// commands and for one large command, and bound what one frame can make a
// host allocate.
const (
	DefaultMaxMessageBytes = 4 << 20
	DefaultMaxEntries      = 4096
	DefaultMaxCommandBytes = 1 << 20

	// maxMessageBytesCeiling keeps length arithmetic (payload + envelope +
	// tag) far from overflow on 32-bit hosts.
	maxMessageBytesCeiling = 1 << 30
)

// Limits bound what a decoder accepts from a peer. Each is checked against
// the length or count the peer claims, before anything is allocated for it.
// A field that is zero or negative takes its default, so Limits{} means the
// defaults.
type Limits struct {
	// MaxMessageBytes bounds an encoded message and so a frame's payload.
	// Values above 1 GiB are treated as 1 GiB.
	MaxMessageBytes int
	// MaxEntries bounds len(Message.Entries).
	MaxEntries int
	// MaxCommandBytes bounds len(Entry.Command).
	MaxCommandBytes int
}

// orDefaults fills zero fields with the defaults.
func (l Limits) orDefaults() Limits {
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = DefaultMaxMessageBytes
	}
	l.MaxMessageBytes = min(l.MaxMessageBytes, maxMessageBytesCeiling)
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	if l.MaxCommandBytes <= 0 {
		l.MaxCommandBytes = DefaultMaxCommandBytes
	}
	return l
}
