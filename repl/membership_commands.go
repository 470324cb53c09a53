package repl

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
)

// Leadership transfer (thesis §3.10) and membership changes (thesis
// chapter 4).

const groupMembership = "Membership and leadership transfer"

func membershipCommands() []Command {
	anyNode := make([]string, cluster.MaxNodes)
	for i := range anyNode {
		anyNode[i] = "n" + strconv.Itoa(i+1)
	}
	return []Command{
		{
			Name: "transfer", Usage: "transfer NODE [async]", Group: groupMembership, Section: "§3.10",
			Summary: "Hand leadership to NODE: the leader refuses client requests, brings NODE up to date and sends TimeoutNow; " +
				"NODE campaigns at once. Abandoned after an election timeout if NODE has not taken over. With async, return once it started.",
			Example:   "transfer n3",
			Arguments: []Argument{{Kind: ArgumentNode}, asyncWord},
			Run:       runTransfer,
		},
		{
			Name: "add", Usage: "add NODE [async]", Group: groupMembership, Section: "§4.1",
			Summary: "Add NODE as a voter, one server at a time: the leader first catches it up as a non-voting member in rounds (§4.2.1). " +
				"A node past the last one (up to n9) starts empty. With async, return once the leader started.",
			Example:   "add n4",
			Arguments: []Argument{{Kind: ArgumentWords, Words: anyNode}, asyncWord},
			Run:       runAdd,
		},
		{
			Name: "remove", Usage: "remove NODE [async]", Group: groupMembership, Section: "§4.1",
			Summary:   "Remove NODE from the voters, one server at a time. A removed leader steps down once the change commits (§4.2.2).",
			Example:   "remove n3",
			Arguments: []Argument{{Kind: ArgumentNode}, asyncWord},
			Run:       runRemove,
		},
		{
			Name: "reconfigure", Usage: "reconfigure G [async]", Group: groupMembership, Section: "§4.3",
			Summary:   "Change the voters to the group G (n1,n2,n4) through joint consensus: C_old,new needs majorities of both, then C_new.",
			Example:   "reconfigure n1,n2,n4",
			Arguments: []Argument{{Kind: ArgumentWords, Words: anyNode}, asyncWord},
			Run:       runReconfigure,
		},
	}
}

// reconfigurable is the session's cluster, if it can change its
// membership.
func (s *Session) reconfigurable() (cluster.Reconfigurable, error) {
	if reconfigurable, ok := s.cluster.(cluster.Reconfigurable); ok {
		return reconfigurable, nil
	}
	return nil, errors.New("leadership transfer and membership changes run on a local cluster only (not yet on real nodes)")
}

var asyncWord = Argument{Kind: ArgumentWords, Words: []string{"async"}}

// cutAsync takes the optional last word async off: one argument must be
// left. wait is false with async.
func cutAsync(name string, arguments []string) ([]string, bool, error) {
	wait := true
	if len(arguments) == 2 && arguments[1] == "async" {
		arguments, wait = arguments[:1], false
	}
	if len(arguments) != 1 {
		return nil, false, usageError(name)
	}
	return arguments, wait, nil
}

// parseVoterCondition reads `voter NODE`: NODE is a voter of the
// configuration of the current leader (of the highest term).
func (s *Session) parseVoterCondition(words []string) (condition, error) {
	text := strings.Join(words, " ")
	if len(words) != 2 {
		return condition{}, invalid("condition %q: want voter NODE, e.g. voter n4", text)
	}
	id, err := parseAnyNode(words[1])
	if err != nil {
		return condition{}, err
	}
	return condition{text: text, holds: func(statuses []cluster.NodeStatus) (bool, string) {
		leader, _ := currentLeader(statuses)
		if leader == raft.None {
			return false, "no leader"
		}
		configuration := statuses[leader-1].Configuration
		return configuration.IsVoter(id), fmt.Sprintf("leader %v has voters %s", leader, configuration)
	}}, nil
}

// parseAnyNode reads n1..n9, including nodes the cluster does not have yet.
func parseAnyNode(word string) (raft.NodeID, error) {
	if len(word) >= 2 && word[0] == 'n' {
		if number, err := strconv.Atoi(word[1:]); err == nil && number >= 1 && number <= cluster.MaxNodes {
			return raft.NodeID(number), nil
		}
	}
	return raft.None, invalid("bad node name %s: want n1..n%d", word, cluster.MaxNodes)
}

func runTransfer(s *Session, arguments []string) error {
	return runOnOneNode(s, "transfer", arguments, s.parseNode, func(target cluster.Reconfigurable, id raft.NodeID, wait bool) error {
		return target.Transfer(id, wait)
	})
}

func runAdd(s *Session, arguments []string) error {
	return runOnOneNode(s, "add", arguments, parseAnyNode, func(target cluster.Reconfigurable, id raft.NodeID, wait bool) error {
		return target.AddServer(id, wait)
	})
}

func runRemove(s *Session, arguments []string) error {
	return runOnOneNode(s, "remove", arguments, s.parseNode, func(target cluster.Reconfigurable, id raft.NodeID, wait bool) error {
		return target.RemoveServer(id, wait)
	})
}

// runOnOneNode is the shape of transfer, add and remove: one node (parse
// decides which names are allowed), an optional async, one call.
func runOnOneNode(s *Session, name string, arguments []string, parse func(string) (raft.NodeID, error),
	do func(cluster.Reconfigurable, raft.NodeID, bool) error) error {
	arguments, wait, err := cutAsync(name, arguments)
	if err != nil {
		return err
	}
	id, err := parse(arguments[0])
	if err != nil {
		return err
	}
	reconfigurable, err := s.reconfigurable()
	if err != nil {
		return err
	}
	return do(reconfigurable, id, wait)
}

func runReconfigure(s *Session, arguments []string) error {
	arguments, wait, err := cutAsync("reconfigure", arguments)
	if err != nil {
		return err
	}
	var voters []raft.NodeID
	for _, name := range strings.Split(arguments[0], ",") {
		id, err := parseAnyNode(name)
		if err != nil {
			return invalid("reconfigure %s: %v; want nodes separated by commas, e.g. reconfigure n1,n2,n4", arguments[0], err)
		}
		if slices.Contains(voters, id) {
			return invalid("reconfigure %s: %v appears twice", arguments[0], id)
		}
		voters = append(voters, id)
	}
	reconfigurable, err := s.reconfigurable()
	if err != nil {
		return err
	}
	return reconfigurable.Reconfigure(voters, wait)
}

// printMembership adds the configuration to `status` once it differs from
// the cluster's first one, or while a change or a transfer runs.
func (s *Session) printMembership() {
	reconfigurable, err := s.reconfigurable()
	if err != nil {
		return
	}
	membership := reconfigurable.Membership()
	if !membership.Changed && membership.CatchingUp == raft.None && membership.Transferring == raft.None {
		return
	}
	state := "committed"
	if !membership.Committed {
		state = "not committed yet: a change is in progress"
	}
	configuration := membership.Configuration
	if configuration.Joint() {
		s.printf("  configuration: joint, old voters %s, new voters %s (index %d, %s)",
			nodeList(configuration.OldVoters), nodeList(configuration.Voters), membership.Index, state)
	} else if !membership.Changed {
		s.printf("  configuration: voters %s (the initial one)", nodeList(configuration.Voters))
	} else {
		s.printf("  configuration: voters %s (index %d, %s)", nodeList(configuration.Voters), membership.Index, state)
	}
	if membership.CatchingUp != raft.None {
		s.printf("  learner: %v, catching up as a non-voting member (§4.2.1)", membership.CatchingUp)
	}
	if membership.Transferring != raft.None {
		s.printf("  transfer: %v is handing leadership to %v (§3.10)", membership.Leader, membership.Transferring)
	}
}

// describeConfigurationEntry shows a configuration entry in `log` and
// traces: "config n1,n2,n3", or "config n1,n2,n3 -> n3,n4,n5" for C_old,new.
func describeConfigurationEntry(entry raft.Entry) string {
	configuration, err := raft.DecodeConfiguration(entry.Command)
	if err != nil {
		return "unreadable configuration"
	}
	return "config " + configuration.String()
}

func nodeList(ids []raft.NodeID) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.String()
	}
	return strings.Join(names, ",")
}

// membershipEvent renders the events of transfer and membership changes.
func (r *renderer) membershipEvent(event raft.Event) (string, string, traceLevel, bool) {
	node := nodeText(event.Node)
	switch event.Kind {
	case raft.EventTransferStarted:
		return fmt.Sprintf("%s starts handing leadership to %v: it refuses client requests until then; %v holds up to %d of %d",
			node, nodeText(event.Peer), nodeText(event.Peer), event.OtherIndex, event.Index), event.Section, traceState, true
	case raft.EventTimeoutNowSent:
		return fmt.Sprintf("%s sends TimeoutNow to %v: its log matches up to %d", node, nodeText(event.Peer), event.Index), event.Section, traceState, true
	case raft.EventTimeoutNowReceived:
		if event.Reason == raft.ReasonNotVoter {
			return fmt.Sprintf("%s ignores TimeoutNow from %v: it is not a voter", node, nodeText(event.Peer)), event.Section, traceState, true
		}
		return fmt.Sprintf("%s got TimeoutNow from %v: it campaigns now, with vote requests that stickiness lets through", node, nodeText(event.Peer)), event.Section, traceState, true
	case raft.EventTransferAborted:
		return fmt.Sprintf("%s abandons the transfer to %v after %v: it takes client requests again", node, nodeText(event.Peer), r.tick*time.Duration(event.Count)), event.Section, traceState, true
	case raft.EventConfigurationChanged:
		return fmt.Sprintf("%s uses configuration %s from entry %d (in effect once appended)", node, event.Configuration, event.Index), event.Section, traceState, true
	case raft.EventCatchUpStarted:
		return fmt.Sprintf("%s starts catching up %v as a non-voting member (round 1 ends at index %d)", node, nodeText(event.Peer), event.Index), event.Section, traceState, true
	case raft.EventCatchUpRound:
		return fmt.Sprintf("%s: %v finished catch-up round %d (up to index %d) in %v", node, nodeText(event.Peer), event.Count, event.Index, r.tick*time.Duration(event.OtherIndex)), event.Section, traceState, true
	case raft.EventCatchUpAborted:
		return fmt.Sprintf("%s aborts adding %v: it did not catch up in time (round %d, at most %d)", node, nodeText(event.Peer), event.Count, raft.MaxCatchUpRounds), event.Section, traceState, true
	case raft.EventAppended:
		if raft.EntryKind(event.Count) == raft.EntryConfiguration {
			return fmt.Sprintf("%s appends %d/t%d: a configuration", node, event.Index, event.LogTerm), event.Section, traceRPC, true
		}
	case raft.EventStepDown:
		if event.Reason == raft.ReasonRemoved {
			return fmt.Sprintf("%s steps down in term %v: the configuration at index %d, which leaves it out, is committed", node, termValue(event.Term), event.Index), event.Section, traceState, true
		}
	case raft.EventVoteReceived:
		if event.Configuration != "" {
			vote, answer := "vote", "refused"
			if event.PreVote {
				vote = "prevote"
			}
			if event.VotedFor != raft.None {
				answer = "granted"
			}
			return fmt.Sprintf("%s hears %s %s by %v: %d granted; it needs majorities of both %s", node, vote, answer, nodeText(event.Peer), event.Count,
				strings.Replace(event.Configuration, " -> ", " and ", 1)), event.Section, traceRPC, true
		}
	case raft.EventRoleChanged:
		if event.Reason == raft.ReasonElectionWon && event.Configuration != "" {
			return fmt.Sprintf("%s %v -> %v, term %d: won the election with %d votes, majorities of both %s", node, event.PreviousRole, event.Role, event.Term,
				event.Count, strings.Replace(event.Configuration, " -> ", " and ", 1)), "§4.3", traceState, true
		}
		if event.Reason == raft.ReasonTimeoutNow {
			return fmt.Sprintf("%s %v -> %v, term %d: the leader sent TimeoutNow", node, event.PreviousRole, event.Role, event.Term), "§3.10", traceState, true
		}
		if event.Reason == raft.ReasonRemoved {
			return fmt.Sprintf("%s %v -> %v, term %d: removed from the configuration", node, event.PreviousRole, event.Role, event.Term), "§4.2.2", traceState, true
		}
	case raft.EventVoteRefused:
		if event.Reason == raft.ReasonNotVoter && event.Peer == event.Node {
			return fmt.Sprintf("%s does not campaign: it is not a voter of its configuration", node), event.Section, traceState, true
		}
	}
	return "", "", 0, false
}
