package check

import (
	"testing"

	"raftctl/raft"
)

// TestPropertiesOfFigure3_2 // thesis Fig. 3.2: five properties, named and
// sectioned as in the thesis.
func TestPropertiesOfFigure3_2(t *testing.T) {
	want := []struct{ name, section string }{
		{"Election Safety", "§3.4"},
		{"Leader Append-Only", "§3.5"},
		{"Log Matching", "§3.5"},
		{"Leader Completeness", "§3.6"},
		{"State Machine Safety", "§3.6.3"},
	}
	properties := AllProperties()
	if len(properties) != len(want) {
		t.Fatalf("AllProperties() has %d properties, want %d", len(properties), len(want))
	}
	for k, p := range properties {
		if p.String() != want[k].name || p.Section() != want[k].section {
			t.Errorf("property %d = %q %q, want %q %q", k, p.String(), p.Section(), want[k].name, want[k].section)
		}
		if p.Statement() == "" {
			t.Errorf("%v has no statement", p)
		}
	}
	if got := Property(9).String(); got != "Property(9)" {
		t.Errorf("Property(9).String() = %q", got)
	}
}

func TestViolationString(t *testing.T) {
	v := Violation{Property: ElectionSafety, Nodes: []raft.NodeID{n1, n5}, Terms: []raft.Term{3},
		Evidence: "n1 and n5 both leaders in term 3"}
	if got, want := v.String(), "Election Safety (§3.4): n1 and n5 both leaders in term 3"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
