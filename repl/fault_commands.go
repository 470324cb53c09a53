package repl

import (
	"errors"
	"strings"

	"raftctl/cluster"
	"raftctl/raft"
)

func faultCommands() []Command {
	return []Command{
		{
			Name: "kill", Aliases: []string{"crash"}, Usage: "kill NODE|leader", Group: groupFaults, Section: "§3.8",
			Summary:   "Crash NODE (or the current leader): volatile state and its in-flight messages are lost, storage survives.",
			Example:   "kill n1",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runKill,
		},
		{
			Name: "restart", Usage: "restart NODE [wipe]", Group: groupFaults, Section: "§3.8",
			Summary:   "Start NODE again from its storage; wipe first erases it (a lost disk, unsafe).",
			Example:   "restart n1",
			Arguments: []Argument{{Kind: ArgumentNode}, {Kind: ArgumentWords, Words: []string{"wipe"}}},
			Run:       runRestart,
		},
		{
			Name: "partition", Usage: "partition G1|G2[|G3...]", Group: groupFaults, Section: "§3.3",
			Summary:   "Cut all links between groups of nodes (G = n1,n2); nodes not named form one more group, so partition n1 isolates n1.",
			Example:   "partition n1|n2,n3",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runPartition,
		},
		{
			Name: "cut", Usage: "cut A-B | cut A->B", Group: groupFaults, Section: "§4.2.3",
			Summary:   "Cut one link both ways (A-B) or one way (A->B).",
			Example:   "cut n1-n3",
			Arguments: []Argument{{Kind: ArgumentLink}},
			Run:       runCut,
		},
		{
			Name: "heal", Usage: "heal", Group: groupFaults,
			Summary: "Restore every link: undo partitions, cuts, drop, duplication and delay settings.",
			Example: "heal",
			Run: func(s *Session, arguments []string) error {
				if err := noArguments("heal", arguments); err != nil {
					return err
				}
				s.cluster.Heal()
				return nil
			},
		},
	}
}

func runKill(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return usageError("kill")
	}
	id, err := s.parseNodeOrLeader(arguments[0])
	if err != nil {
		return err
	}
	if err := s.cluster.Kill(id); err != nil {
		if errors.Is(err, cluster.ErrNodeDown) {
			return errors.New(id.String() + " is down already (restart " + id.String() + " brings it back)")
		}
		return err
	}
	return nil
}

func runRestart(s *Session, arguments []string) error {
	if len(arguments) < 1 || len(arguments) > 2 {
		return usageError("restart")
	}
	id, err := s.parseNode(arguments[0])
	if err != nil {
		return err
	}
	wipe := len(arguments) == 2
	if wipe && arguments[1] != "wipe" {
		return invalid("restart %s %s: the only option is wipe, e.g. restart %s wipe", arguments[0], arguments[1], arguments[0])
	}
	if err := s.cluster.Restart(id, wipe); err != nil {
		return describeNodeError(err)
	}
	return nil
}

func runPartition(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return invalid("usage: partition G1|G2 with groups of comma-separated nodes and no spaces, e.g. partition n1|n2,n3")
	}
	text := arguments[0]
	seen := map[raft.NodeID]bool{}
	var groups [][]raft.NodeID
	for _, part := range strings.Split(text, "|") {
		if part == "" {
			return invalid("partition %s: empty group; put nodes between the bars, e.g. partition n1|n2,n3", text)
		}
		group, err := s.parseGroup(part)
		if err != nil {
			return err
		}
		for _, id := range group {
			if seen[id] {
				return invalid("partition %s: %v appears twice; a node belongs to one group, e.g. partition n1|n2,n3", text, id)
			}
			seen[id] = true
		}
		groups = append(groups, group)
	}
	if len(seen) == s.cluster.Size() && len(groups) == 1 {
		return invalid("partition %s: one group of every node cuts nothing; name two groups, e.g. partition n1|n2,n3", text)
	}
	if err := s.cluster.Partition(groups); err != nil {
		return invalid("partition %s: %v", text, err)
	}
	return nil
}

func runCut(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return usageError("cut")
	}
	from, to, bothWays, err := s.parseLink(arguments[0])
	if err != nil {
		return err
	}
	return s.cluster.Cut(from, to, bothWays)
}
