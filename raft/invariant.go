package raft

import "fmt"

// mustHold panics when an internal invariant is broken. It is reserved for
// states that no input, no teaching bug and no storage fault can produce:
// safety violations that bugs and faults cause are reported by check/, not
// here.
func mustHold(condition bool, invariant, section string) {
	if !condition {
		panic(fmt.Sprintf("raft: invariant broken: %s (thesis %s)", invariant, section))
	}
}
