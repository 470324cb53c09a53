package repl

import (
	"fmt"
	"strconv"
	"strings"

	"raftctl/cluster"
	"raftctl/raft"
)

// condition is what expect checks now and wait waits for.
type condition struct {
	text string
	// holds reports whether the condition holds for the node statuses, and
	// what it found.
	holds func(statuses []cluster.NodeStatus) (bool, string)
	// session conditions (value, error, safe) read the session instead;
	// wait cannot watch them.
	session func(s *Session) (bool, string, error)
}

var conditionNames = []string{"leader", "role", "term", "committed", "up", "down", "voter", "value", "error", "safe", "linearizable"}

var roleNames = []string{"follower", "precandidate", "candidate", "leader"}

// comparison is a number with an operator: 3, =3, >1, <=5.
type comparison struct {
	operator string
	number   uint64
}

func parseComparison(word string) (comparison, error) {
	for _, operator := range []string{"<=", ">=", "<", ">", "="} {
		if rest, found := strings.CutPrefix(word, operator); found {
			number, err := strconv.ParseUint(rest, 10, 64)
			if err != nil {
				break
			}
			return comparison{operator, number}, nil
		}
	}
	number, err := strconv.ParseUint(word, 10, 64)
	if err != nil {
		return comparison{}, invalid("number %q: want N or a comparison such as >1, >=5, <3, <=2, =4", word)
	}
	return comparison{"=", number}, nil
}

func (c comparison) holds(value uint64) bool {
	switch c.operator {
	case "<":
		return value < c.number
	case "<=":
		return value <= c.number
	case ">":
		return value > c.number
	case ">=":
		return value >= c.number
	}
	return value == c.number
}

func (c comparison) String() string {
	if c.operator == "=" {
		return strconv.FormatUint(c.number, 10)
	}
	return c.operator + strconv.FormatUint(c.number, 10)
}

// parseCondition reads a condition; forWait allows `leader` alone and
// refuses the conditions that need the session.
func (s *Session) parseCondition(words []string, forWait bool) (condition, error) {
	if len(words) == 0 {
		return condition{}, invalid("missing condition: want one of %s, e.g. leader n1", strings.Join(conditionNames, ", "))
	}
	text := strings.Join(words, " ")
	want := func(count int, usage string) error {
		if len(words) != count {
			return invalid("condition %q: want %s", text, usage)
		}
		return nil
	}
	node := func() (raft.NodeID, error) { return s.parseNode(words[1]) }
	switch words[0] {
	case "leader":
		return s.parseLeaderCondition(words, forWait)
	case "role":
		if err := want(3, "role NODE ROLE, e.g. role n2 follower"); err != nil {
			return condition{}, err
		}
		id, err := node()
		if err != nil {
			return condition{}, err
		}
		role := words[2]
		if !containsWord(roleNames, role) {
			return condition{}, invalid("role %q: want one of %s", role, strings.Join(roleNames, ", "))
		}
		return statusCondition(text, id, func(status cluster.NodeStatus) (bool, string) {
			if !status.Up {
				return false, fmt.Sprintf("%v down", id)
			}
			return status.Role.String() == role, fmt.Sprintf("%v %v", id, status.Role)
		}), nil
	case "term", "committed":
		if err := want(3, words[0]+" NODE N, e.g. "+words[0]+" n2 >=1"); err != nil {
			return condition{}, err
		}
		id, err := node()
		if err != nil {
			return condition{}, err
		}
		compare, err := parseComparison(words[2])
		if err != nil {
			return condition{}, err
		}
		return statusCondition(text, id, func(status cluster.NodeStatus) (bool, string) {
			value := uint64(status.Term)
			if words[0] == "committed" {
				value = uint64(status.CommitIndex)
			}
			return compare.holds(value), fmt.Sprintf("%v %s %d", id, words[0], value)
		}), nil
	case "up", "down":
		if err := want(2, words[0]+" NODE, e.g. "+words[0]+" n2"); err != nil {
			return condition{}, err
		}
		id, err := node()
		if err != nil {
			return condition{}, err
		}
		return statusCondition(text, id, func(status cluster.NodeStatus) (bool, string) {
			state := map[bool]string{true: "up", false: "down"}[status.Up]
			return state == words[0], fmt.Sprintf("%v %s", id, state)
		}), nil
	case "voter":
		return s.parseVoterCondition(words)
	case "value", "error", "safe", "linearizable":
		if forWait {
			return condition{}, invalid("wait cannot watch %q: wait for leader, role, term, committed, up or down, then expect %s", words[0], words[0])
		}
		return s.parseSessionCondition(words)
	}
	if suggestion := suggest(words[0], conditionNames); suggestion != "" {
		return condition{}, invalid("unknown condition %q (did you mean %s?)", words[0], suggestion)
	}
	return condition{}, invalid("unknown condition %q: want one of %s", words[0], strings.Join(conditionNames, ", "))
}

func statusCondition(text string, id raft.NodeID, check func(cluster.NodeStatus) (bool, string)) condition {
	return condition{text: text, holds: func(statuses []cluster.NodeStatus) (bool, string) {
		return check(statuses[id-1])
	}}
}

// currentLeader is the running leader of the highest term, if any.
func currentLeader(statuses []cluster.NodeStatus) (raft.NodeID, []string) {
	leader, term := raft.None, raft.Term(0)
	var all []string
	for _, status := range statuses {
		if status.Up && status.Role == raft.Leader {
			all = append(all, fmt.Sprintf("%v (term %d)", status.ID, status.Term))
			if leader == raft.None || status.Term > term {
				leader, term = status.ID, status.Term
			}
		}
	}
	return leader, all
}

func (s *Session) parseLeaderCondition(words []string, forWait bool) (condition, error) {
	text := strings.Join(words, " ")
	describe := func(all []string) string {
		if len(all) == 0 {
			return "no leader"
		}
		return "leader " + strings.Join(all, ", ")
	}
	if len(words) == 1 && forWait {
		return condition{text: text, holds: func(statuses []cluster.NodeStatus) (bool, string) {
			leader, all := currentLeader(statuses)
			return leader != raft.None, describe(all)
		}}, nil
	}
	if len(words) == 2 && words[1] == "any" {
		return condition{text: text, holds: func(statuses []cluster.NodeStatus) (bool, string) {
			leader, all := currentLeader(statuses)
			return leader != raft.None, describe(all)
		}}, nil
	}
	if len(words) == 3 && words[1] == "not" {
		// A leader, and not this one: a new leader after a crash or a
		// step-down, whichever node the election picks.
		unwanted, err := s.parseNode(words[2])
		if err != nil {
			return condition{}, err
		}
		return condition{text: text, holds: func(statuses []cluster.NodeStatus) (bool, string) {
			leader, all := currentLeader(statuses)
			return leader != raft.None && leader != unwanted, describe(all)
		}}, nil
	}
	if len(words) != 2 {
		return condition{}, invalid("condition %q: want leader NODE, leader none, leader any or leader not NODE, e.g. leader n1", text)
	}
	want := raft.None
	if words[1] != "none" {
		id, err := s.parseNode(words[1])
		if err != nil {
			return condition{}, err
		}
		want = id
	}
	return condition{text: text, holds: func(statuses []cluster.NodeStatus) (bool, string) {
		leader, all := currentLeader(statuses)
		return leader == want, describe(all)
	}}, nil
}

func containsWord(words []string, word string) bool {
	for _, candidate := range words {
		if candidate == word {
			return true
		}
	}
	return false
}
