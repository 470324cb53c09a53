package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// otherRafts are the Raft libraries that the side-by-side benchmark
// compares raftctl with. They live in the bench/ module; the raftctl
// module, and so its binary, must not require them (ARCHITECTURE.md).
var otherRafts = []string{"github.com/hashicorp/raft", "github.com/hashicorp/raft-boltdb", "go.etcd.io/raft"}

// TestModuleRequiresNoOtherRaft fails when go.mod requires, even
// indirectly, another Raft implementation.
func TestModuleRequiresNoOtherRaft(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "module raftctl\n") {
		t.Fatalf("../../go.mod is not the raftctl module's:\n%s", data)
	}
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(fields) == 0 {
			continue
		}
		for _, other := range otherRafts {
			if fields[0] == other || strings.HasPrefix(fields[0], other+"/") {
				t.Errorf("go.mod requires %s: other Raft implementations belong in the bench/ module, so that the raftctl binary never links them", fields[0])
			}
		}
	}
	// The check itself: a line as go.mod writes it is caught.
	if fields := strings.Fields("\tgo.etcd.io/raft/v3 v3.7.0"); !strings.HasPrefix(fields[0], otherRafts[2]+"/") {
		t.Error("the check would miss go.etcd.io/raft/v3")
	}
}
