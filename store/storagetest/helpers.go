package storagetest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"raftctl/raft"
	"raftctl/store"
)

// command builds an entry carrying a command.
func command(index raft.Index, term raft.Term, text string) raft.Entry {
	return raft.Entry{Index: index, Term: term, Kind: raft.EntryCommand, Command: []byte(text)}
}

// noop builds a leader's no-op entry (thesis §6.4).
func noop(index raft.Index, term raft.Term) raft.Entry {
	return raft.Entry{Index: index, Term: term, Kind: raft.EntryNoop}
}

// mustSave saves and fails the test on error.
func mustSave(t *testing.T, storage store.Storage, state raft.HardState, entries ...raft.Entry) {
	t.Helper()
	if err := storage.Save(state, entries); err != nil {
		t.Fatalf("Save(%+v, %s) = %v, want nil", state, describe(entries), err)
	}
}

// requireState fails the test unless storage holds exactly state and log.
func requireState(t *testing.T, storage store.Storage, state raft.HardState, log ...raft.Entry) {
	t.Helper()
	gotState, gotLog, err := storage.InitialState()
	if err != nil {
		t.Fatalf("InitialState() error = %v, want nil", err)
	}
	if gotState != state {
		t.Errorf("hard state = %+v, want %+v", gotState, state)
	}
	if !sameEntries(gotLog, log) {
		t.Errorf("log = %s, want %s", describe(gotLog), describe(log))
	}
}

// sameEntries compares logs field by field. A nil Command and an empty one
// are the same: a store that encodes entries cannot tell them apart, and
// the state machine treats them alike.
func sameEntries(got, want []raft.Entry) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].Index != want[i].Index || got[i].Term != want[i].Term ||
			got[i].Kind != want[i].Kind || !bytes.Equal(got[i].Command, want[i].Command) {
			return false
		}
	}
	return true
}

// describe renders a log as [index/term/kind:command ...] for failure
// messages.
func describe(entries []raft.Entry) string {
	parts := make([]string, len(entries))
	for i, entry := range entries {
		switch entry.Kind {
		case raft.EntryNoop:
			parts[i] = fmt.Sprintf("%d/%d/noop", entry.Index, entry.Term)
		default:
			parts[i] = fmt.Sprintf("%d/%d/kind%d:%q", entry.Index, entry.Term, entry.Kind, entry.Command)
		}
	}
	return "[" + strings.Join(parts, " ") + "]"
}
