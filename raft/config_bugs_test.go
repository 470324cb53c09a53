package raft

import (
	"reflect"
	"slices"
	"testing"
)

// Every switch of Bugs has a name, SetBug turns each on and off alone,
// and Enabled names exactly the ones that are on.
func TestEveryBugHasANameAndASwitch(t *testing.T) {
	if fields := reflect.TypeFor[Bugs]().NumField(); fields != len(BugNames) {
		t.Fatalf("Bugs has %d switches but %d names: %v", fields, len(BugNames), BugNames)
	}
	for _, name := range BugNames {
		var bugs Bugs
		if err := bugs.SetBug(name, true); err != nil {
			t.Fatal(err)
		}
		if got := bugs.Enabled(); !slices.Equal(got, []string{name}) {
			t.Errorf("SetBug(%q, true): Enabled() = %v", name, got)
		}
		if err := bugs.SetBug(name, false); err != nil || bugs != (Bugs{}) {
			t.Errorf("SetBug(%q, false) left %+v, error %v", name, bugs, err)
		}
	}
	var bugs Bugs
	if err := bugs.SetBug("no-such-bug", true); err == nil {
		t.Error("SetBug accepted an unknown name")
	}
}
