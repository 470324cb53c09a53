package cluster

import (
	"fmt"
	"slices"

	"raftctl/check"
	"raftctl/raft"
)

// Safety checks on a real cluster. Two sources feed the checker: the
// record stream, as it arrives (every election won and every entry
// applied, on every node: a second leader of a term or two different
// entries applied at one index are caught even if they last a moment),
// and what the nodes report when `check` asks (roles, terms, logs and
// commit indexes: Log Matching, Leader Completeness, Leader Append-Only).

// watch feeds the checker from the merged stream.
func (r *Remote) watch(record Record) {
	var found []check.Violation
	r.checkerMu.Lock()
	switch {
	case record.Kind == RecordApply:
		found = r.checker.ObserveApply(record.Node, record.Entry)
	case record.Kind == RecordEvent && record.Event.Kind == raft.EventRoleChanged && record.Event.Role == raft.Leader:
		found = r.observeLeader(record.Node, record.Event.Term)
	}
	r.checkerMu.Unlock()
	for _, violation := range found {
		r.publish(Record{Kind: RecordViolation, Violation: violation, Text: violation.String()})
	}
}

// observeLeader checks Election Safety (thesis §3.4) against every
// leader the stream reported; the caller holds checkerMu.
func (r *Remote) observeLeader(id NodeID, term raft.Term) []check.Violation {
	r.electionChecks++
	leader, seen := r.leaders[term]
	if !seen {
		r.leaders[term] = id
		return nil
	}
	if leader == id {
		return nil
	}
	violation := check.Violation{Property: check.ElectionSafety, Nodes: []raft.NodeID{leader, id}, Terms: []raft.Term{term},
		Evidence: fmt.Sprintf("%v and %v both leaders in term %d", leader, id, term)}
	for _, known := range r.streamViolations {
		if known.Evidence == violation.Evidence {
			return nil
		}
	}
	r.streamViolations = append(r.streamViolations, violation)
	return []check.Violation{violation}
}

// streamCounts adds the stream's election checks to the checker's counts.
func (r *Remote) streamCounts(counts map[check.Property]int) map[check.Property]int {
	counts[check.ElectionSafety] += r.electionChecks
	return counts
}

// allViolations is the checker's findings and the stream's; the caller
// holds checkerMu.
func (r *Remote) allViolations() []check.Violation {
	return append(slices.Clone(r.streamViolations), r.checker.Violations()...)
}
