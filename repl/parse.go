package repl

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"raftctl/raft"
)

// Typed arguments. Each parser returns an invalid-line error that says what
// was wrong, what was expected, and what to type.

// parseNode reads a node name such as n2.
func (s *Session) parseNode(word string) (raft.NodeID, error) {
	if len(word) >= 2 && word[0] == 'n' {
		if number, err := strconv.Atoi(word[1:]); err == nil && number >= 1 && number <= s.cluster.Size() {
			return raft.NodeID(number), nil
		}
	}
	return raft.None, invalid("unknown node %s (nodes: %s)", word, s.nodeNames())
}

// parseNodeOrLeader reads a node, or the word leader for the current
// leader (the one of the highest term), whichever node that is.
func (s *Session) parseNodeOrLeader(word string) (raft.NodeID, error) {
	if word != "leader" {
		return s.parseNode(word)
	}
	leader, _ := currentLeader(s.cluster.Status())
	if leader == raft.None {
		return raft.None, errors.New("there is no leader right now (status shows each node's role)")
	}
	return leader, nil
}

// parseGroup reads a comma-separated list of nodes such as n1,n2.
func (s *Session) parseGroup(word string) ([]raft.NodeID, error) {
	var group []raft.NodeID
	for _, name := range strings.Split(word, ",") {
		if name == "" {
			return nil, invalid("empty node name in group %q: want nodes separated by commas, e.g. n1,n2", word)
		}
		id, err := s.parseNode(name)
		if err != nil {
			return nil, err
		}
		group = append(group, id)
	}
	return group, nil
}

// parseLink reads A-B (both ways) or A->B (one way).
func (s *Session) parseLink(word string) (from, to raft.NodeID, bothWays bool, err error) {
	separator, bothWays := "->", false
	if !strings.Contains(word, "->") {
		separator, bothWays = "-", true
	}
	first, second, found := strings.Cut(word, separator)
	if !found || first == "" || second == "" {
		return 0, 0, false, invalid("link %q: want A-B (both ways) or A->B (one way), e.g. n1-n2", word)
	}
	if from, err = s.parseNode(first); err != nil {
		return 0, 0, false, err
	}
	if to, err = s.parseNode(second); err != nil {
		return 0, 0, false, err
	}
	if from == to {
		return 0, 0, false, invalid("link %s: a node has no link to itself; name two different nodes, e.g. n1-n2", word)
	}
	return from, to, bothWays, nil
}

// parseDirectedLink reads A->B.
func (s *Session) parseDirectedLink(word string) (from, to raft.NodeID, err error) {
	if !strings.Contains(word, "->") {
		return 0, 0, invalid("link %q: want a direction A->B, e.g. n1->n2, or a message id from msgs", word)
	}
	from, to, _, err = s.parseLink(word)
	return from, to, err
}

// parseDuration reads a Go duration such as 500ms, bounded by the session.
func (s *Session) parseDuration(word string) (time.Duration, error) {
	duration, err := time.ParseDuration(word)
	if err != nil || duration <= 0 {
		return 0, invalid("duration %q: want a positive Go duration, e.g. 500ms or 2s", word)
	}
	if duration > s.maximumAdvance {
		return 0, invalid("duration %v: want at most %v", duration, s.maximumAdvance)
	}
	return duration, nil
}

// parseDurationRange reads MIN-MAX such as 150ms-300ms.
func (s *Session) parseDurationRange(word string) (low, high time.Duration, err error) {
	first, second, found := strings.Cut(word, "-")
	if !found {
		return 0, 0, invalid("range %q: want MIN-MAX, e.g. 150ms-300ms", word)
	}
	if low, err = time.ParseDuration(first); err != nil || low < 0 {
		return 0, 0, invalid("range %q: want MIN-MAX with Go durations, e.g. 150ms-300ms", word)
	}
	if high, err = time.ParseDuration(second); err != nil || high < low {
		return 0, 0, invalid("range %q: want MIN-MAX with MIN <= MAX, e.g. 150ms-300ms", word)
	}
	return low, high, nil
}

// parseCount reads a positive whole number no larger than limit.
func parseCount(word, what string, limit int) (int, error) {
	number, err := strconv.Atoi(word)
	if err != nil || number < 1 || number > limit {
		return 0, invalid("%s %q: want a whole number from 1 to %d", what, word, limit)
	}
	return number, nil
}

// parseSwitch reads on or off.
func parseSwitch(name, word string) (bool, error) {
	switch word {
	case "on", "true", "yes":
		return true, nil
	case "off", "false", "no":
		return false, nil
	}
	return false, invalid("%s %q: want on or off, e.g. set %s on", name, word, name)
}

// parseProbability reads a probability from 0 to 1.
func parseProbability(name, word string) (float64, error) {
	p, err := strconv.ParseFloat(word, 64)
	if err != nil || !(p >= 0 && p <= 1) {
		return 0, invalid("%s=%s: want a probability from 0 to 1, e.g. %s=0.1", name, word, name)
	}
	return p, nil
}

// splitOption reads key=value.
func splitOption(word string) (key, value string, err error) {
	key, value, found := strings.Cut(word, "=")
	if !found || key == "" || value == "" {
		return "", "", invalid("option %q: want key=value, e.g. prevote=off", word)
	}
	return key, value, nil
}

// noArguments rejects extra words.
func noArguments(command string, arguments []string) error {
	if len(arguments) > 0 {
		return invalid("%s takes no arguments, got %q (type: %s)", command, strings.Join(arguments, " "), command)
	}
	return nil
}

// usageError says what a command expects.
func usageError(name string) error {
	command, _ := lookupCommand(name)
	return invalid("usage: %s (e.g. %s)", command.Usage, command.Example)
}
