package repl

import (
	"testing"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
)

// TestRecordLevelAgreesWithTheRenderer: the records whose trace level is
// known without rendering them (and are then rendered only if someone
// looks) get the level the renderer gives them.
func TestRecordLevelAgreesWithTheRenderer(t *testing.T) {
	records := []cluster.Record{
		{Kind: cluster.RecordSend, Message: raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2}},
		{Kind: cluster.RecordSend, Message: raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2, Entries: []raft.Entry{{Index: 1, Term: 1}}}},
		{Kind: cluster.RecordSend, Message: raft.Message{Type: raft.MsgRequestVote, From: 1, To: 2}},
		{Kind: cluster.RecordDeliver, Message: raft.Message{Type: raft.MsgAppendEntriesResp, From: 2, To: 1}},
		{Kind: cluster.RecordDrop, Message: raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2}, Text: "partitioned"},
		{Kind: cluster.RecordApply, Node: 1, Entry: raft.Entry{Index: 1, Term: 1, Kind: raft.EntryNoop}},
		{Kind: cluster.RecordClient, Node: 1, Text: "put x"},
		{Kind: cluster.RecordFault, Node: 1, Text: "killed"},
		{Kind: cluster.RecordEvent, Event: raft.Event{Kind: raft.EventAppendAccepted, Node: 2, Peer: 1, Count: 0}},
		{Kind: cluster.RecordEvent, Event: raft.Event{Kind: raft.EventAppendAccepted, Node: 2, Peer: 1, Count: 3}},
		{Kind: cluster.RecordEvent, Event: raft.Event{Kind: raft.EventHeartbeat, Node: 1}},
		{Kind: cluster.RecordEvent, Event: raft.Event{Kind: raft.EventAppended, Node: 1, Index: 2, LogTerm: 1, Count: int(raft.EntryCommand)}},
		{Kind: cluster.RecordEvent, Event: raft.Event{Kind: raft.EventAppended, Node: 1, Index: 2, LogTerm: 1, Count: int(raft.EntryNoop)}},
		{Kind: cluster.RecordEvent, Event: raft.Event{Kind: raft.EventAppended, Node: 1, Index: 2, LogTerm: 1, Count: int(raft.EntryConfiguration)}},
	}
	for _, record := range records {
		known, ok := recordLevel(record)
		if !ok {
			t.Errorf("%v %v: recordLevel does not know its level", record.Kind, record.Event.Kind)
			continue
		}
		_, rendered, shown := newRenderer(10*time.Millisecond, 150*time.Millisecond).render(record)
		if !shown || rendered != known {
			t.Errorf("%v %v: recordLevel says level %d, the renderer %d (rendered: %v)", record.Kind, record.Event.Kind, known, rendered, shown)
		}
	}
}
