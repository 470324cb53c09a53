//go:build raftctl_faults

package main

import "raftctl/repl"

// faultInjection, in a build for tests only: the line "panic" panics inside
// the terminal's executor, as a bug in a command would.
func faultInjection(session *repl.Session) func(string) bool {
	return func(line string) bool {
		if line == "panic" {
			panic("injected by the raftctl_faults build")
		}
		quit, _ := session.Exec(line)
		return quit
	}
}
