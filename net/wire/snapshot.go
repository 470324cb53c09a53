package wire

import (
	"encoding/binary"

	"raftctl/raft"
)

// An InstallSnapshot's snapshot (thesis Fig. 5.3), after the entries, when
// Flags bit 3 is set:
//
//	LastIncludedIndex, LastIncludedTerm  uvarint each
//	Configuration count                  uvarint, then one uvarint node id each
//	Data length                          uvarint, then the bytes
//
// The whole message stays under Limits.MaxMessageBytes, which bounds the
// data too. A reader without snapshot support refuses the flag as a
// reserved bit rather than dropping the snapshot.

const flagSnapshot = 1 << 3

func appendSnapshot(buffer []byte, snapshot *raft.Snapshot) []byte {
	if snapshot == nil {
		return buffer
	}
	buffer = binary.AppendUvarint(buffer, uint64(snapshot.LastIncludedIndex))
	buffer = binary.AppendUvarint(buffer, uint64(snapshot.LastIncludedTerm))
	buffer = binary.AppendUvarint(buffer, uint64(len(snapshot.Configuration)))
	for _, id := range snapshot.Configuration {
		buffer = binary.AppendUvarint(buffer, uint64(id))
	}
	buffer = binary.AppendUvarint(buffer, uint64(len(snapshot.Data)))
	return append(buffer, snapshot.Data...)
}

func snapshotSize(snapshot *raft.Snapshot) int {
	if snapshot == nil {
		return 0
	}
	size := uvarintSize(uint64(snapshot.LastIncludedIndex)) + uvarintSize(uint64(snapshot.LastIncludedTerm)) +
		uvarintSize(uint64(len(snapshot.Configuration))) + uvarintSize(uint64(len(snapshot.Data))) + len(snapshot.Data)
	for _, id := range snapshot.Configuration {
		size += uvarintSize(uint64(id))
	}
	return size
}

// snapshot reads the snapshot; its data is copied, so the message does not
// alias the frame.
func (d *decoder) snapshot() *raft.Snapshot {
	snapshot := &raft.Snapshot{
		LastIncludedIndex: raft.Index(d.uvarint("Snapshot.LastIncludedIndex")),
		LastIncludedTerm:  raft.Term(d.uvarint("Snapshot.LastIncludedTerm")),
	}
	count := d.uvarint("Snapshot.Configuration")
	if d.err == nil && count > uint64(d.remaining()) {
		d.fail(ErrMalformed, "truncated: %d nodes need at least %d bytes, have %d", count, count, d.remaining())
	}
	for i := uint64(0); i < count && d.err == nil; i++ {
		snapshot.Configuration = append(snapshot.Configuration, d.nodeID("Snapshot.Configuration"))
	}
	length := d.uvarint("Snapshot.Data")
	if d.err == nil && length > uint64(d.remaining()) {
		d.fail(ErrMalformed, "truncated: need %d bytes, have %d", length, d.remaining())
	}
	if d.err != nil {
		return nil
	}
	if length > 0 {
		snapshot.Data = append([]byte(nil), d.data[d.offset:d.offset+int(length)]...)
		d.offset += int(length)
	}
	return snapshot
}
