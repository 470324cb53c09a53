package repl

import (
	"fmt"
	"slices"
	"strings"

	"raftctl/raft"
)

// Complete returns the completions of the last word of line: command
// names, node ids, keys already written, option names and values, trace
// levels and conditions. It reads no cluster state, so it is fast and
// never waits for a running command.
func (s *Session) Complete(line string) []string {
	s.completion.Lock()
	size, keys := s.completionSize, s.completionKeys.Keys()
	s.completion.Unlock()

	if i := strings.LastIndexByte(line, ';'); i >= 0 {
		line = line[i+1:]
	}
	words := strings.Fields(line)
	if len(words) == 0 || strings.HasSuffix(line, " ") {
		words = append(words, "")
	}
	last := words[len(words)-1]
	if len(words) == 1 {
		return withPrefix(commandNames(), last)
	}
	command, err := lookupCommand(words[0])
	if err != nil || len(command.Arguments) == 0 {
		return nil
	}
	position := min(len(words)-2, len(command.Arguments)-1)
	nodes := make([]string, size)
	for i := range nodes {
		nodes[i] = raft.NodeID(i + 1).String()
	}
	var candidates []string
	switch argument := command.Arguments[position]; argument.Kind {
	case ArgumentNode:
		candidates = nodes
		if command.Name == "partition" {
			candidates = groupCompletions(last, nodes)
		}
	case ArgumentKey:
		candidates = keys
	case ArgumentWords:
		candidates = argument.Words
	case ArgumentCommand:
		candidates = commandNames()
	case ArgumentLink:
		candidates = linkCompletions(last, nodes)
	case ArgumentOption:
		candidates = optionCompletions(last)
	case ArgumentSetting:
		if len(words) == 2 {
			candidates = optionNames()
		} else if option, err := findOption(words[1]); err == nil {
			candidates = option.values
		}
	case ArgumentCondition:
		candidates = conditionCompletions(words[1:], nodes, keys)
	}
	if command.Group == groupClients && position > 0 {
		for _, node := range nodes {
			candidates = append(candidates, "@"+node)
		}
	}
	return withPrefix(candidates, last)
}

// withPrefix returns the candidates that start with prefix, each once, in
// the order given. A set finds the repeats: with every key of a session
// over 100,000 distinct keys as candidates, searching the matches so far
// for each one took minutes.
func withPrefix(candidates []string, prefix string) []string {
	var matches []string
	seen := map[string]bool{}
	for _, candidate := range candidates {
		if strings.HasPrefix(candidate, prefix) && !seen[candidate] {
			seen[candidate] = true
			matches = append(matches, candidate)
		}
	}
	return matches
}

// groupCompletions extends "n1,n2|n" with every node.
func groupCompletions(last string, nodes []string) []string {
	cut := strings.LastIndexAny(last, ",|") + 1
	var candidates []string
	for _, node := range nodes {
		candidates = append(candidates, last[:cut]+node)
	}
	return candidates
}

// linkCompletions offers A-B and A->B.
func linkCompletions(last string, nodes []string) []string {
	var candidates []string
	for _, from := range nodes {
		for _, to := range nodes {
			if from != to {
				candidates = append(candidates, from+"-"+to, from+"->"+to)
			}
		}
	}
	return candidates
}

// optionCompletions offers "name=" and, after the =, "name=value".
func optionCompletions(last string) []string {
	key, _, found := strings.Cut(last, "=")
	var candidates []string
	for _, option := range options {
		if !found {
			candidates = append(candidates, option.name+"=")
			continue
		}
		if option.name == key {
			for _, value := range option.values {
				candidates = append(candidates, fmt.Sprintf("%s=%s", key, value))
			}
		}
	}
	if !found {
		candidates = append(candidates, "seed=")
	}
	return candidates
}

// conditionCompletions follows the shape of each condition.
func conditionCompletions(words, nodes, keys []string) []string {
	if len(words) <= 1 {
		return append(slices.Clone(conditionNames), "timeout=")
	}
	switch position := len(words) - 1; {
	case words[0] == "leader" && position == 1:
		return append(slices.Clone(nodes), "none")
	case words[0] == "value" && position == 1:
		return keys
	case words[0] == "role" && position == 2:
		return roleNames
	case position == 1 && containsWord([]string{"role", "term", "committed", "up", "down"}, words[0]):
		return nodes
	}
	return nil
}
