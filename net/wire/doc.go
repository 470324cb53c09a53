// Package wire is the byte format that net/tcp puts on a connection between
// two raftctl hosts: how one raft.Message becomes bytes, and how those bytes
// travel in an authenticated frame.
//
// Everything here is written for hostile input. A peer on the LAN may send
// garbage, truncated data, absurd length prefixes or replayed frames; the
// decoder answers each with an error and never a panic, and it checks every
// length against Limits before it allocates for it.
//
// # Message layout (version 1)
//
// A message is a version byte, two bytes of fixed fields, then unsigned
// varints (encoding/binary's uvarint) in the order of raft.Message:
//
//	Version       1 byte   = 1; anything else is ErrVersion
//	Type          1 byte   raft.MsgRequestVote (1) .. raft.MsgTimeoutNow (9)
//	Flags         1 byte   bit 0 VoteGranted, bit 1 Success, bit 2 HintGiven,
//	                       bit 3 a Snapshot follows the entries (snapshot.go),
//	                       bit 4 MayDisrupt; bits 5-7 must be zero
//	From, To      uvarint  each must fit raft.NodeID (<= 255)
//	Term, LastLogIndex, LastLogTerm, PrevLogIndex, PrevLogTerm,
//	LeaderCommit, MatchIndex, ConflictTerm, ConflictIndex, LogLength,
//	ReadRound, RequestTerm
//	              uvarint  each
//	Entry count   uvarint  <= Limits.MaxEntries
//	then per entry:
//	  Index, Term uvarint
//	  Kind        1 byte   raft.EntryCommand (0), raft.EntryNoop (1) or
//	                       raft.EntryConfiguration (10)
//	  Length      uvarint  <= Limits.MaxCommandBytes
//	  Command     Length bytes
//
// Every field is written for every message type, even where the type does
// not use it (a zero costs one byte), so the encoding never has to know
// which fields a type uses and every field round-trips. A heartbeat is 18
// bytes; an AppendEntries entry costs its command plus about 5 bytes.
//
// The encoding is canonical: the decoder rejects varints with redundant
// bytes, set reserved flag bits and trailing bytes, so each message has
// exactly one encoding and anything DecodeMessage accepts re-encodes to the
// same bytes (FuzzDecodeMessage checks this). One thing does not survive the
// wire: it does not tell a nil slice from an empty one, and decodes both,
// for Entries and for Command, as nil.
//
// # Frame layout
//
// A frame carries one payload (an encoded message) on a stream:
//
//	Length   4 bytes, big-endian: the payload's length, <= Limits.MaxMessageBytes
//	Payload  Length bytes
//	Tag      32 bytes: HMAC-SHA256(key, context || Length || Payload)
//
// The context is a fixed string naming this format ("raftctl/net/wire v1
// frame"), so a tag made for anything else under the same key never verifies
// here. ReadFrame checks Length against the limit before it reads the
// payload, and compares tags in constant time (hmac.Equal). A wrong key, a
// flipped bit in the payload or the tag, or a shortened length all end in
// ErrUnauthenticated; a flipped bit in Length may instead show up as
// ErrTooLarge or a truncated stream, since the length decides how much is
// read before the tag can be checked.
//
// The key is one secret shared by the whole cluster. It proves that a frame
// came from some holder of the key, not from which node: any member can
// claim any From. The frame gives integrity and authenticity, not secrecy;
// payloads travel in the clear.
//
// # Replay protection (an extension)
//
// A valid frame stays valid forever, so an attacker who records one can play
// it again later (an old AppendEntries, say) or to another node. Sender and
// Receiver close that hole within the lifetime of a Receiver. A sequenced
// frame is a frame with its own context string ("raftctl/net/wire v1
// sequenced frame") whose payload starts with an envelope, inside the
// authenticated bytes:
//
//	From      uvarint  the sending node
//	To        uvarint  the node the frame is for
//	Sequence  uvarint  strictly increasing per sender, starting at 1 or more
//	then the payload
//
// A Receiver accepts a frame only if To is itself and Sequence is above every
// sequence it has accepted from that sender; otherwise ErrReplay. Over TCP,
// which delivers in order, strictly increasing is the right test. What this
// does not cover: a Receiver keeps its memory in RAM, so after it restarts an
// old frame is accepted once more, and a Sender that restarts must begin
// above any sequence it used before (NewSender takes the first value; the
// wall clock in nanoseconds or a persisted boot counter shifted left by 32
// bits both work). Closing the restart gap needs a per-connection handshake
// with fresh random nonces, which is net/tcp's job, not this format's.
package wire
