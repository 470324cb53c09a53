package check

import (
	"raftctl/raft"
)

// Violation is one breach of a safety property, with the facts that prove
// it. What Nodes, Index and Terms hold depends on the property:
//
//   - Election Safety: Nodes are the first and the second leader of the
//     term; Index is 0; Terms is [term].
//   - Leader Append-Only: Nodes is [leader]; Index is the first index it
//     overwrote or deleted; Terms is [leader's term, the entry's old term]
//     followed by the entry's new term when it was overwritten rather than
//     deleted.
//   - Log Matching: Nodes are the two nodes in ID order; Index is the
//     highest index at which both hold the same term; Terms is [that term,
//     first node's term at the first index where the logs differ, second
//     node's term there] (0 stands for "no entry").
//   - Leader Completeness: Nodes are [the leader missing the entry, the node
//     seen holding it committed]; Index is the entry's index; Terms is [the
//     committed entry's term, the term in which it was seen committed, the
//     leader's term].
//   - State Machine Safety: Nodes are [the first node that applied the
//     index, the node that applied a different entry]; Index is the index;
//     Terms is [first entry's term, second entry's term].
type Violation struct {
	Property Property
	Nodes    []raft.NodeID
	Index    raft.Index
	Terms    []raft.Term
	// Evidence is one plain English sentence with the facts, such as
	// "n1 and n5 both leaders in term 3".
	Evidence string
}

// String returns the violation as one line, such as
// "Election Safety (§3.4): n1 and n5 both leaders in term 3".
func (v Violation) String() string {
	return v.Property.String() + " (" + v.Property.Section() + "): " + v.Evidence
}

// violationKey identifies a violation, so that a breach that stays visible
// for many observations is reported once, when it is first seen.
type violationKey struct {
	property Property
	nodes    [2]raft.NodeID
	index    raft.Index
	terms    [3]raft.Term
	// detail tells apart violations whose other fields agree, such as two
	// different commands applied at one index in the same term.
	detail string
}
