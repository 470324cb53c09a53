package repl

import (
	"fmt"
	"strings"

	"raftctl/raft"
)

func assertionCommands() []Command {
	return []Command{{
		Name: "expect", Usage: "expect COND", Group: groupAssertions, Section: "§3.2",
		Summary: "Fail the script (status 1) unless COND holds now: leader NODE|none|any, leader not NODE, role NODE ROLE, term NODE [op]N, " +
			"committed NODE [op]N, up NODE, down NODE, value KEY VALUE [@NODE], error (the previous command failed), safe (no violation), " +
			"linearizable (the client history so far, §6.3).",
		Example:   "expect term n3 >1",
		Arguments: []Argument{{Kind: ArgumentCondition}},
		Run:       runExpect,
	}}
}

func runExpect(s *Session, arguments []string) error {
	condition, err := s.parseCondition(arguments, false)
	if err != nil {
		return err
	}
	var ok bool
	var found string
	if condition.session != nil {
		if ok, found, err = condition.session(s); err != nil {
			return err
		}
	} else {
		ok, found = condition.holds(s.cluster.Status())
	}
	if !ok {
		return failed("expect %s: found %s", condition.text, found)
	}
	return nil
}

// parseSessionCondition reads value, error and safe.
func (s *Session) parseSessionCondition(words []string) (condition, error) {
	text := strings.Join(words, " ")
	switch words[0] {
	case "error", "safe", "linearizable":
		if len(words) != 1 {
			return condition{}, invalid("condition %q: %s takes no arguments", text, words[0])
		}
		if words[0] == "linearizable" {
			return condition{text: text, session: func(s *Session) (bool, string, error) {
				result, err := s.cluster.CheckLinearizability(linearizabilityTimeout)
				if err != nil {
					return false, err.Error(), nil // cannot tell is not a pass
				}
				if result.Err() != nil {
					return false, strings.SplitN(result.String(), "\n", 2)[0], nil
				}
				return true, "linearizable", nil
			}}, nil
		}
		if words[0] == "error" {
			return condition{text: text, session: func(s *Session) (bool, string, error) {
				if s.lastFailed {
					return true, "an error", nil
				}
				return false, "no error (the previous command succeeded)", nil
			}}, nil
		}
		return condition{text: text, session: func(s *Session) (bool, string, error) {
			violations := s.cluster.Violations()
			if len(violations) == 0 {
				return true, "no violation", nil
			}
			return false, violations[0].String(), nil
		}}, nil
	}
	if len(words) != 3 && len(words) != 4 {
		return condition{}, invalid("condition %q: want value KEY VALUE [@NODE], e.g. value x 1", text)
	}
	key, value := words[1], words[2]
	at := raft.None
	if len(words) == 4 {
		name, found := strings.CutPrefix(words[3], "@")
		if !found {
			return condition{}, invalid("condition %q: want @NODE after the value, e.g. value x 1 @n2", text)
		}
		id, err := s.parseNode(name)
		if err != nil {
			return condition{}, err
		}
		at = id
	}
	return condition{text: text, session: func(s *Session) (bool, string, error) {
		node := at
		if node == raft.None {
			if node, _ = currentLeader(s.cluster.Status()); node == raft.None {
				return false, "no leader to read from (name a node: value KEY VALUE @NODE)", nil
			}
		}
		contents, err := s.cluster.KV(node)
		if err != nil {
			return false, fmt.Sprintf("%v down", node), nil
		}
		got, present := contents[key]
		if !present {
			return false, fmt.Sprintf("%s absent on %v", key, node), nil
		}
		return got == value, fmt.Sprintf("%s=%s on %v", key, got, node), nil
	}}, nil
}

// Holds evaluates an expect condition (the words after `expect`) without
// printing anything: whether it holds now, and what was found. A condition
// that does not parse is an error. Lessons use it to check their steps.
func (s *Session) Holds(conditionText string) (holds bool, found string, err error) {
	s.execution.Lock()
	defer s.execution.Unlock()
	return s.holds(conditionText)
}

func (s *Session) holds(conditionText string) (holds bool, found string, err error) {
	words := strings.Fields(conditionText)
	if len(words) == 0 {
		return false, "", fmt.Errorf("empty condition")
	}
	condition, err := s.parseCondition(words, false)
	if err != nil {
		return false, "", err
	}
	if condition.session != nil {
		return condition.session(s)
	}
	holds, found = condition.holds(s.cluster.Status())
	return holds, found, nil
}
