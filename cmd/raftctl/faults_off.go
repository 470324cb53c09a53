//go:build !raftctl_faults

package main

import "raftctl/repl"

// faultInjection is off in a normal build: the terminal runs lines with the
// session's Exec. (faults_on.go, built with -tags raftctl_faults, adds a
// command that panics, so a test can see the terminal restored.)
func faultInjection(*repl.Session) func(string) bool { return nil }
