package repl

import (
	"fmt"
	"strconv"
	"strings"

	"raftctl/net/sim"
	"raftctl/raft"
)

func networkCommands() []Command {
	linkOptions := []string{"drop=0.1", "dup=0.1", "delay=1ms-5ms"}
	return []Command{
		{
			Name: "net", Usage: "net [drop=P] [dup=P] [delay=MIN-MAX]", Group: groupFaults, Section: "§3.7",
			Summary:   "Network-wide unreliability: loss and duplication probabilities (0..1) and the delay range; without options, show it.",
			Example:   "net drop=0.2 delay=1ms-20ms",
			Arguments: []Argument{{Kind: ArgumentWords, Words: linkOptions}},
			Run:       runNet,
		},
		{
			Name: "link", Usage: "link A-B|A->B [drop=P] [dup=P] [delay=MIN-MAX]", Group: groupFaults, Section: "§3.7",
			Summary:   "Unreliability of one link, both ways (A-B) or one way (A->B).",
			Example:   "link n1-n2 drop=0.5",
			Arguments: []Argument{{Kind: ArgumentLink}, {Kind: ArgumentWords, Words: linkOptions}},
			Run:       runLink,
		},
		{
			Name: "msgs", Usage: "msgs", Group: groupFaults, Section: "§3.5",
			Summary: "List in-flight messages: id, link, type, summary, arrival time.",
			Example: "msgs",
			Run:     runMessages,
		},
		{
			Name: "deliver", Usage: "deliver A->B [N] | deliver ID", Group: groupFaults, Section: "§3.5",
			Summary:   "Deliver the next N in-flight messages on a link (all without N), or one message by id (see msgs).",
			Example:   "deliver n1->n2 1",
			Arguments: []Argument{{Kind: ArgumentLink}},
			Run:       func(s *Session, arguments []string) error { return runHand(s, arguments, true) },
		},
		{
			Name: "drop", Usage: "drop A->B [N] | drop ID", Group: groupFaults, Section: "§3.7",
			Summary:   "Drop the next N in-flight messages on a link (all without N), or one message by id (see msgs).",
			Example:   "drop n1->n3",
			Arguments: []Argument{{Kind: ArgumentLink}},
			Run:       func(s *Session, arguments []string) error { return runHand(s, arguments, false) },
		},
	}
}

// parseLinkConfig applies drop=, dup= and delay= words to config.
func (s *Session) parseLinkConfig(config sim.LinkConfig, words []string) (sim.LinkConfig, error) {
	for _, word := range words {
		key, value, err := splitOption(word)
		if err != nil {
			return config, invalid("%q: want drop=P, dup=P or delay=MIN-MAX, e.g. drop=0.1", word)
		}
		switch key {
		case "drop":
			config.Drop, err = parseProbability(key, value)
		case "dup":
			config.Duplicate, err = parseProbability(key, value)
		case "delay":
			config.DelayMin, config.DelayMax, err = s.parseDurationRange(value)
		default:
			err = invalid("unknown network option %q: want drop=P, dup=P or delay=MIN-MAX, e.g. drop=0.1", key)
		}
		if err != nil {
			return config, err
		}
	}
	if err := config.Validate(); err != nil {
		return config, invalid("%v", err)
	}
	return config, nil
}

func runNet(s *Session, arguments []string) error {
	config, err := s.parseLinkConfig(s.cluster.Network(), arguments)
	if err != nil {
		return err
	}
	if len(arguments) > 0 {
		if err := s.cluster.SetNetwork(config); err != nil {
			return err
		}
	}
	s.printf("  network: %v", config)
	return nil
}

func runLink(s *Session, arguments []string) error {
	if len(arguments) < 2 {
		return usageError("link")
	}
	from, to, bothWays, err := s.parseLink(arguments[0])
	if err != nil {
		return err
	}
	config, err := s.parseLinkConfig(s.cluster.Network(), arguments[1:])
	if err != nil {
		return err
	}
	if err := s.cluster.SetLink(from, to, config, bothWays); err != nil {
		return err
	}
	s.printf("  link %s: %v", arguments[0], config)
	return nil
}

func runMessages(s *Session, arguments []string) error {
	if err := noArguments("msgs", arguments); err != nil {
		return err
	}
	simulated, err := s.simulated("msgs")
	if err != nil {
		return err
	}
	envelopes := simulated.InFlight()
	if len(envelopes) == 0 {
		s.println("  no messages in flight")
		return nil
	}
	rows := [][]string{{"id", "link", "message", "arrives"}}
	for _, envelope := range envelopes {
		message := envelope.Message
		rows = append(rows, []string{"#" + strconv.FormatUint(envelope.ID, 10),
			fmt.Sprintf("%v->%v", message.From, message.To), describeMessage(message), formatTime(envelope.DeliverAt)})
	}
	s.printTable(rows)
	return nil
}

// runHand delivers or drops messages by hand.
func runHand(s *Session, arguments []string, deliver bool) error {
	name, verb := "drop", "dropped"
	if deliver {
		name, verb = "deliver", "delivered"
	}
	if len(arguments) < 1 || len(arguments) > 2 {
		return usageError(name)
	}
	simulated, err := s.simulated(name)
	if err != nil {
		return err
	}
	if id, err := strconv.ParseUint(strings.TrimPrefix(arguments[0], "#"), 10, 64); err == nil {
		if len(arguments) != 1 {
			return usageError(name)
		}
		if deliver {
			err = simulated.DeliverMessage(id)
		} else {
			err = simulated.DropMessage(id)
		}
		if err != nil {
			return err
		}
		s.printf("  %s message #%d", verb, id)
		return nil
	}
	from, to, err := s.parseDirectedLink(arguments[0])
	if err != nil {
		return err
	}
	count := 0
	if len(arguments) == 2 {
		if count, err = parseCount(arguments[1], "message count", 1<<20); err != nil {
			return err
		}
	}
	var moved int
	if deliver {
		moved, err = simulated.DeliverLink(from, to, count)
	} else {
		moved, err = simulated.DropLink(from, to, count)
	}
	if err != nil {
		return err
	}
	if moved == 0 {
		return fmt.Errorf("no messages in flight on %v->%v (see msgs)", from, to)
	}
	s.printf("  %s %d %s on %v->%v", verb, moved, plural(moved, "message"), from, to)
	return nil
}

func plural(count int, word string) string {
	if count == 1 {
		return word
	}
	return word + "s"
}

// describeMessage summarizes a message, such as
// "AppendEntries term 1 prev 1/t1 entries [2/t1 put x=1] commit 1".
func describeMessage(message raft.Message) string {
	if text, ok := describeSnapshotMessage(message); ok {
		return text
	}
	term := fmt.Sprintf("%v term %d", message.Type, message.Term)
	switch message.Type {
	case raft.MsgRequestVote, raft.MsgPreVote:
		return fmt.Sprintf("%s last %d/t%d", term, message.LastLogIndex, message.LastLogTerm)
	case raft.MsgRequestVoteResp, raft.MsgPreVoteResp:
		if message.VoteGranted {
			return term + " granted"
		}
		return term + " refused"
	case raft.MsgAppendEntries:
		entries := "no entries"
		if len(message.Entries) > 0 {
			parts := make([]string, len(message.Entries))
			for i, entry := range message.Entries {
				parts[i] = fmt.Sprintf("%d/t%d %s", entry.Index, entry.Term, describeEntry(entry))
			}
			entries = "entries [" + strings.Join(parts, ", ") + "]"
		}
		return fmt.Sprintf("%s prev %d/t%d %s commit %d", term, message.PrevLogIndex, message.PrevLogTerm, entries, message.LeaderCommit)
	case raft.MsgAppendEntriesResp:
		if message.Success {
			return fmt.Sprintf("%s ok match %d", term, message.MatchIndex)
		}
		text := fmt.Sprintf("%s rejected prev %d", term, message.PrevLogIndex)
		if message.HintGiven {
			if message.ConflictTerm != 0 {
				text += fmt.Sprintf(" (hint: conflict term %d from index %d, log length %d)", message.ConflictTerm, message.ConflictIndex, message.LogLength)
			} else {
				text += fmt.Sprintf(" (hint: log length %d)", message.LogLength)
			}
		}
		return text
	}
	return term
}

// isHeartbeat reports whether a message is a heartbeat or its answer.
func isHeartbeat(message raft.Message) bool {
	switch message.Type {
	case raft.MsgAppendEntries:
		return len(message.Entries) == 0
	case raft.MsgAppendEntriesResp:
		return message.Success && message.MatchIndex == message.PrevLogIndex
	}
	return false
}
