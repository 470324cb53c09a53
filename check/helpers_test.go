package check

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"raftctl/raft"
)

// entries builds a log from "term:command" strings, one per index from 1;
// "term:no-op" is a leader's no-op entry (thesis §6.4).
func entries(specs ...string) []raft.Entry {
	log := make([]raft.Entry, 0, len(specs))
	for position, spec := range specs {
		termText, command, found := strings.Cut(spec, ":")
		term, err := strconv.ParseUint(termText, 10, 64)
		if !found || err != nil {
			panic(fmt.Sprintf("entries: bad spec %q, want \"term:command\"", spec))
		}
		e := raft.Entry{Index: raft.Index(position + 1), Term: raft.Term(term), Command: []byte(command)}
		if command == "no-op" {
			e.Kind, e.Command = raft.EntryNoop, nil
		}
		log = append(log, e)
	}
	return log
}

// history drives a checker through a hand-built run and collects what it
// reports.
type history struct {
	t       *testing.T
	checker *Checker
	found   []Violation
}

func newHistory(t *testing.T) *history {
	t.Helper()
	return &history{t: t, checker: New()}
}

// observe shows the checker one node.
func (h *history) observe(id raft.NodeID, role raft.Role, term raft.Term, commit raft.Index, log []raft.Entry) []Violation {
	found := h.checker.ObserveNode(NodeView{ID: id, Role: role, Term: term, Log: log, CommitIndex: commit})
	h.found = append(h.found, found...)
	return found
}

// apply shows the checker node applying log's entries from..to.
func (h *history) apply(id raft.NodeID, log []raft.Entry, from, to raft.Index) []Violation {
	var found []Violation
	for index := from; index <= to; index++ {
		found = append(found, h.checker.ObserveApply(id, log[index-1])...)
	}
	h.found = append(h.found, found...)
	return found
}

// expectNone fails if anything was reported so far.
func (h *history) expectNone() {
	h.t.Helper()
	for _, v := range h.found {
		h.t.Errorf("unexpected violation: %v", v)
	}
	if got := len(h.checker.Violations()); got != len(h.found) {
		h.t.Errorf("Violations() has %d entries, observations returned %d", got, len(h.found))
	}
}

// expectOne checks that exactly one violation was found and that it has
// the given property, nodes, index, terms and evidence.
func expectOne(t *testing.T, found []Violation, want Violation) {
	t.Helper()
	if len(found) != 1 {
		t.Fatalf("found %d violations %v, want exactly one: %v", len(found), found, want)
	}
	got := found[0]
	if got.Property != want.Property || fmt.Sprint(got.Nodes) != fmt.Sprint(want.Nodes) ||
		got.Index != want.Index || fmt.Sprint(got.Terms) != fmt.Sprint(want.Terms) || got.Evidence != want.Evidence {
		t.Errorf("violation:\n got  %v nodes=%v index=%d terms=%v\n want %v nodes=%v index=%d terms=%v",
			got, got.Nodes, got.Index, got.Terms, want, want.Nodes, want.Index, want.Terms)
	}
}

// expectNoneFound fails if found is not empty.
func expectNoneFound(t *testing.T, found []Violation) {
	t.Helper()
	for _, v := range found {
		t.Errorf("unexpected violation: %v", v)
	}
}

const (
	n1 raft.NodeID = iota + 1
	n2
	n3
	n4
	n5
)
