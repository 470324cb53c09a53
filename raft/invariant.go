package raft

import "fmt"

// mustHold panics when an internal invariant is broken. It is reserved for
// states that no input, and no teaching bug, can produce: safety
// violations that teaching bugs cause on purpose are reported by check/,
// not here.
func mustHold(condition bool, invariant, section string) {
	if !condition {
		panic(fmt.Sprintf("raft: invariant broken: %s (thesis %s)", invariant, section))
	}
}
