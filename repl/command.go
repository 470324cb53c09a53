package repl

import (
	"slices"

	"raftctl/repl/typo"
)

// Command is one entry of the command table, which drives parsing, help,
// completion and the generated reference (docs/commands.md).
type Command struct {
	Name    string
	Aliases []string
	// Usage is the syntax, such as "kill NODE".
	Usage   string
	Summary string
	// Section is the thesis section the command teaches, such as "§3.4".
	Section string
	Example string
	// Group names the part of the reference the command belongs to.
	Group string
	// Arguments say what each word after the name may be, for completion;
	// the last one repeats.
	Arguments []Argument
	// Run checks the words after the name and carries the command out.
	// Invalid words return an error from invalid() and leave the cluster
	// as it was.
	Run func(s *Session, arguments []string) error
}

// ArgumentKind says which words fit an argument.
type ArgumentKind uint8

const (
	// ArgumentFree: any word (a value, a number).
	ArgumentFree ArgumentKind = iota
	// ArgumentNode: a node name.
	ArgumentNode
	// ArgumentKey: a key already written in this session.
	ArgumentKey
	// ArgumentWords: one of Argument.Words.
	ArgumentWords
	// ArgumentCommand: a command name.
	ArgumentCommand
	// ArgumentOption: a setting, as name=value.
	ArgumentOption
	// ArgumentSetting: a setting name, then its value.
	ArgumentSetting
	// ArgumentCondition: an expect or wait condition.
	ArgumentCondition
	// ArgumentLink: A-B or A->B.
	ArgumentLink
)

// Argument describes one word of a command, for completion.
type Argument struct {
	Kind  ArgumentKind
	Words []string
}

// The groups of the reference, in order.
const (
	groupCluster     = "Cluster and time"
	groupFaults      = "Faults"
	groupClients     = "Clients"
	groupObservation = "Observation and configuration"
	groupAssertions  = "Assertions for scripts"
)

var groups = []string{groupCluster, groupFaults, groupMembership, groupClients, groupObservation, groupAssertions}

// commands is the table; it is built in init because run functions read it
// (help, suggestions).
var commands []Command

func init() {
	commands = slices.Concat(clusterCommands(), timeCommands(), faultCommands(), networkCommands(),
		membershipCommands(), clientCommands(), observationCommands(), whyCommands(), recordCommands(), lessonCommands(), assertionCommands(),
		compactionCommands(), clockCommands())
}

// Commands returns the command table, for help and docs.
func (s *Session) Commands() []Command { return slices.Clone(commands) }

// lookupCommand finds a command by name or alias.
func lookupCommand(word string) (*Command, error) {
	for i := range commands {
		if commands[i].Name == word || slices.Contains(commands[i].Aliases, word) {
			return &commands[i], nil
		}
	}
	if suggestion := suggest(word, commandNames()); suggestion != "" {
		return nil, invalid("unknown command %q (did you mean %s?)", word, suggestion)
	}
	return nil, invalid("unknown command %q (type help for the list)", word)
}

// commandNames lists every name and alias.
func commandNames() []string {
	var names []string
	for _, command := range commands {
		names = append(names, command.Name)
		names = append(names, command.Aliases...)
	}
	return names
}

// suggest returns the candidate closest to word, if it is close enough to
// be a typo.
func suggest(word string, candidates []string) string { return typo.Closest(word, candidates) }
