package repl

import (
	"bytes"
	"testing"
)

func TestWelcomeNamesClusterSeedAndWhereToStart(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Nodes: 5, Seed: 7, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	session.Welcome()
	want := "raftctl: a cluster of 5 nodes (n1 n2 n3 n4 n5), seed 7, paced by commands (tick, sleep, stabilize); type help, or lesson to start learning.\n"
	if out.String() != want {
		t.Fatalf("Welcome printed %q, want %q", out.String(), want)
	}
}
