package cluster

import (
	"testing"
	"unsafe"

	"raftctl/raft"
	"raftctl/store"
)

// TestDecodedCommandsAreSharedOnlyWhenEqual: two nodes applying the same
// entry share its decoded strings; an entry at the same index and term
// with other bytes (logs that diverged under a teaching bug) is decoded
// on its own.
func TestDecodedCommandsAreSharedOnlyWhenEqual(t *testing.T) {
	var cache decodedCommands
	encode := func(value string) []byte {
		return store.EncodeCommand(store.Command{Op: store.OpPut, Key: "x", Value: value, ClientID: 1, Sequence: 1})
	}
	leader := raft.Entry{Index: 7, Term: 2, Kind: raft.EntryCommand, Command: encode("1")}
	follower := leader
	follower.Command = encode("1") // the same bytes, received in a message
	first, err := cache.decode(leader)
	if err != nil {
		t.Fatal(err)
	}
	second, err := cache.decode(follower)
	if err != nil {
		t.Fatal(err)
	}
	if second != first || unsafe.StringData(second.Key) != unsafe.StringData(first.Key) {
		t.Errorf("the same entry decoded twice: %+v and %+v, want one shared decoding", first, second)
	}
	diverged := leader
	diverged.Command = encode("2")
	third, err := cache.decode(diverged)
	if err != nil {
		t.Fatal(err)
	}
	if third.Value != "2" {
		t.Errorf("an entry with other bytes at the same index and term decoded to %+v, want value 2", third)
	}
	if _, err := cache.decode(raft.Entry{Index: 7, Term: 2, Kind: raft.EntryCommand, Command: []byte{0xff}}); err == nil {
		t.Error("undecodable bytes at a cached index: no error, want DecodeCommand's")
	}
}
