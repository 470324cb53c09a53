package check

import "fmt"

// Property names one of the five safety properties of thesis Fig. 3.2.
type Property uint8

const (
	// ElectionSafety (thesis §3.4):
	// > At most one leader can be elected in a given term.
	ElectionSafety Property = iota
	// LeaderAppendOnly (thesis §3.5):
	// > A leader never overwrites or deletes entries in its log; it only
	// > appends new entries.
	LeaderAppendOnly
	// LogMatching (thesis §3.5):
	// > If two logs contain an entry with the same index and term, then the
	// > logs are identical in all entries up through the given index.
	LogMatching
	// LeaderCompleteness (thesis §3.6):
	// > If a log entry is committed in a given term, then that entry will be
	// > present in the logs of the leaders for all higher-numbered terms.
	LeaderCompleteness
	// StateMachineSafety (thesis §3.6.3):
	// > If a server has applied a log entry at a given index to its state
	// > machine, no other server will ever apply a different log entry for
	// > the same index.
	StateMachineSafety
	// CommitQuorum (thesis §4.1, §4.3) is not one of the five properties but
	// the fact they rest on, with membership changes: an entry a leader
	// commits is held, on disk, by a majority of the leader's
	// configuration, of both halves of a joint one (an entry in a node's
	// memory only does not count: thesis §3.8, §10.2.1). AllProperties
	// leaves it out (quorum.go).
	CommitQuorum

	propertyCount = int(CommitQuorum) + 1
)

var propertyDescriptions = [propertyCount]struct {
	name, section, statement string
}{
	ElectionSafety: {"Election Safety", "§3.4",
		"at most one leader can be elected in a given term"},
	LeaderAppendOnly: {"Leader Append-Only", "§3.5",
		"a leader never overwrites or deletes entries in its log; it only appends new entries"},
	LogMatching: {"Log Matching", "§3.5",
		"if two logs contain an entry with the same index and term, then the logs are identical in all entries up through the given index"},
	LeaderCompleteness: {"Leader Completeness", "§3.6",
		"if a log entry is committed in a given term, then that entry will be present in the logs of the leaders for all higher-numbered terms"},
	StateMachineSafety: {"State Machine Safety", "§3.6.3",
		"if a server has applied a log entry at a given index to its state machine, no other server will ever apply a different log entry for the same index"},
	CommitQuorum: {"Commit Quorum", "§4.1",
		"an entry a leader commits is held, on disk, by a majority of the leader's configuration (of both halves of a joint one, §4.3)"},
}

// AllProperties returns the five properties in the order of thesis
// Fig. 3.2.
func AllProperties() []Property {
	return []Property{ElectionSafety, LeaderAppendOnly, LogMatching, LeaderCompleteness, StateMachineSafety}
}

func (p Property) valid() bool { return int(p) < propertyCount }

// String returns the property's name as the thesis spells it, such as
// "Election Safety".
func (p Property) String() string {
	if !p.valid() {
		return fmt.Sprintf("Property(%d)", uint8(p))
	}
	return propertyDescriptions[p].name
}

// Section returns the thesis section that states the property, such as
// "§3.4".
func (p Property) Section() string {
	if !p.valid() {
		return ""
	}
	return propertyDescriptions[p].section
}

// Statement returns the property in the words of thesis Fig. 3.2, for
// `check` output and lessons.
func (p Property) Statement() string {
	if !p.valid() {
		return ""
	}
	return propertyDescriptions[p].statement
}
