package store

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"

	"raftctl/raft"
)

// The state machine's part of a snapshot (thesis §5.1): the data and the
// client sessions (thesis §6.3: the sessions are part of the replicated
// state, so snapshots must hold them, or a retry after a restart from a
// snapshot would execute twice). Encoded deterministically, keys and clients in sorted order, so
// two replicas at the same index produce the same bytes:
//
//	count of keys      uvarint, then per key: key, value (uvarint length + bytes)
//	count of sessions  uvarint, then per client: ClientID, Sequence,
//	                   result Value (length + bytes), Found (1 byte), Index,
//	                   the index of the client's latest command (uvarint)

// SnapshotData returns the state machine's state, for raft.Node.Compact at
// AppliedIndex.
func (kv *KV) SnapshotData() []byte { return kv.snapshotData(true) }

// snapshotData encodes the data, and the sessions when withSessions is
// set (kv_snapshot_bug.go leaves them out).
func (kv *KV) snapshotData(withSessions bool) []byte {
	// The last snapshot's size is a good guess at this one's: growing the
	// buffer from nothing copied it a dozen times.
	data := make([]byte, 0, kv.snapshotSize+kv.snapshotSize/8)
	appendText := func(text string) {
		data = binary.AppendUvarint(data, uint64(len(text)))
		data = append(data, text...)
	}
	appendBytes := func(text []byte) {
		data = binary.AppendUvarint(data, uint64(len(text)))
		data = append(data, text...)
	}
	data = binary.AppendUvarint(data, uint64(kv.data.count))
	kv.data.order.merge(&kv.data)
	for _, entry := range kv.data.order.sorted {
		appendBytes(kv.data.key(entry))
		appendBytes(kv.data.value(entry))
	}
	if !withSessions {
		data = binary.AppendUvarint(data, 0)
		kv.snapshotSize = len(data)
		return data
	}
	data = binary.AppendUvarint(data, uint64(len(kv.sessions)))
	for _, client := range slices.Sorted(maps.Keys(kv.sessions)) {
		session := kv.sessions[client]
		data = binary.AppendUvarint(data, client)
		data = binary.AppendUvarint(data, session.sequence)
		appendText(session.result.Value)
		found := byte(0)
		if session.result.Found {
			found = 1
		}
		data = append(data, found)
		data = binary.AppendUvarint(data, uint64(session.result.Index))
		data = binary.AppendUvarint(data, uint64(session.lastActive))
	}
	kv.snapshotSize = len(data)
	return data
}

// RestoreKV builds the state machine a snapshot holds: data from
// SnapshotData, taken when the entry at index had been applied.
func RestoreKV(index raft.Index, data []byte) (*KV, error) {
	kv := NewKV()
	kv.appliedIndex = index
	if len(data) == 0 {
		return kv, nil
	}
	reader := commandReader{data: data}
	keys := reader.uvarint("key count")
	for i := uint64(0); i < keys && reader.err == nil; i++ {
		key := reader.text("key", MaxKeyLength)
		value := reader.text("value", MaxValueLength)
		if reader.err == nil {
			kv.data.put(key, value)
		}
	}
	clients := reader.uvarint("session count")
	for i := uint64(0); i < clients && reader.err == nil; i++ {
		client := reader.uvarint("client id")
		var session session
		session.sequence = reader.uvarint("sequence")
		session.result.Value = reader.text("result", MaxValueLength)
		if reader.err == nil && len(reader.data) == 0 {
			reader.err = fmt.Errorf("%w: a session's found flag is cut short", ErrInvalidSnapshot)
		}
		if reader.err == nil {
			session.result.Found = reader.data[0] == 1
			reader.data = reader.data[1:]
		}
		session.result.Index = raft.Index(reader.uvarint("result index"))
		session.lastActive = raft.Index(reader.uvarint("last active index"))
		kv.sessions[client] = &session
	}
	if reader.err == nil && len(reader.data) > 0 {
		reader.err = fmt.Errorf("%d trailing bytes", len(reader.data))
	}
	if reader.err != nil {
		return nil, fmt.Errorf("%w at index %d: %v", ErrInvalidSnapshot, index, reader.err)
	}
	kv.activity.rebuild(kv.sessions)
	return kv, nil
}
