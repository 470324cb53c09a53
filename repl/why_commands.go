package repl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
)

// why answers from the recorded decisions (the cores' events), with the
// rule behind each and its thesis section. Nothing here parses trace text.

func whyCommands() []Command {
	return []Command{{
		Name: "why", Usage: "why NODE rejected NODE | why INDEX | why term NODE", Group: groupObservation, Section: "§3.2",
		Summary: "Explain a decision with its rule and thesis section: the last vote or AppendEntries NODE refused " +
			"to the other NODE, whether entry INDEX is committed and why, or what raised NODE's term.",
		Example:   "why n2 rejected n3",
		Arguments: []Argument{{Kind: ArgumentFree}},
		Run:       runWhy,
	}}
}

// decisionsKept is how many decisions why can at least look back on.
const decisionsKept = 4096

// decisionRing keeps the last decisions of the cores: the event, its node
// and when it happened, all that why reads (a whole cluster.Record is
// nearly four times the size).
type decisionRing struct {
	decisions []decision
}

type decision struct {
	time  time.Duration
	node  raft.NodeID
	event raft.Event
}

// add keeps between decisionsKept and twice as many decisions: dropping
// the older half at once keeps adding cheap.
func (r *decisionRing) add(record cluster.Record) {
	if len(r.decisions) == 2*decisionsKept {
		r.decisions = append(r.decisions[:0], r.decisions[decisionsKept:]...)
	}
	r.decisions = append(r.decisions, decision{time: record.Time, node: record.Node, event: record.Event})
}

// lastDecision returns the newest decision that matches, as the record
// that reported it.
func (s *Session) lastDecision(match func(raft.Event) bool) (cluster.Record, bool) {
	s.rendering.Lock()
	defer s.rendering.Unlock()
	for i := len(s.decisions.decisions) - 1; i >= 0; i-- {
		if found := s.decisions.decisions[i]; match(found.event) {
			return cluster.Record{Kind: cluster.RecordEvent, Time: found.time, Node: found.node, Event: found.event}, true
		}
	}
	return cluster.Record{}, false
}

// decisionLine renders a decision as its trace line.
func (s *Session) decisionLine(record cluster.Record) string {
	text, section, _ := newRenderer(s.cluster.Settings().Tick, s.cluster.Settings().ElectionMin).event(record.Event)
	line := "  " + formatTime(record.Time) + " " + hangHere + text
	if section != "" {
		line += " (" + section + ")"
	}
	return line
}

func runWhy(s *Session, arguments []string) error {
	switch {
	case len(arguments) == 3 && (arguments[1] == "rejected" || arguments[1] == "refused"):
		return s.whyRejected(arguments[0], arguments[2])
	case len(arguments) == 2 && arguments[0] == "term":
		return s.whyTerm(arguments[1])
	case len(arguments) == 1:
		index, err := strconv.ParseUint(arguments[0], 10, 64)
		if err != nil || index == 0 {
			return invalid("why %s: want an entry index (why 7), why NODE rejected NODE, or why term NODE", arguments[0])
		}
		return s.whyIndex(raft.Index(index))
	}
	return usageError("why")
}

// whyRejected explains the last vote or AppendEntries refusal.
func (s *Session) whyRejected(refuserName, candidateName string) error {
	refuser, err := s.parseNode(refuserName)
	if err != nil {
		return err
	}
	candidate, err := s.parseNode(candidateName)
	if err != nil {
		return err
	}
	record, found := s.lastDecision(func(event raft.Event) bool {
		return event.Node == refuser && event.Peer == candidate &&
			(event.Kind == raft.EventVoteRefused || event.Kind == raft.EventAppendRejected)
	})
	if !found {
		granted, voted := s.lastDecision(func(event raft.Event) bool {
			return event.Node == refuser && event.Peer == candidate && event.Kind == raft.EventVoteGranted
		})
		s.printf("  %v has not refused %v anything in the last %d decisions", refuser, candidate, decisionsKept)
		if voted {
			s.println("  its last vote for it:")
			s.println(s.decisionLine(granted))
		}
		return nil
	}
	s.println(s.decisionLine(record))
	s.println("  rule: " + hangHere + ruleOf(record.Event))
	return nil
}

// consistencyCheck is the rule behind an AppendEntries rejection.
const consistencyCheck = "a follower accepts entries only after an entry it holds with the same index and term " +
	"(the consistency check, thesis §3.5); "

// ruleOf states the rule behind a refusal, in a sentence.
func ruleOf(event raft.Event) string {
	switch event.Reason {
	case raft.ReasonStaleTerm:
		return "a server ignores requests from an older term; the sender learns the newer term from the answer (thesis §3.3)"
	case raft.ReasonAlreadyVoted:
		return "a server votes at most once per term, first come first served, so each term has at most one leader (thesis §3.4)"
	case raft.ReasonLogNotUpToDate:
		return fmt.Sprintf("a server votes only for a candidate whose log is at least as up-to-date as its own: the later last term wins, "+
			"and with equal last terms the longer log (thesis §3.6.1); the candidate's log ends at term %d index %d, this server's at term %d index %d",
			event.LogTerm, event.Index, event.OtherTerm, event.OtherIndex)
	case raft.ReasonLeaderRecentlyHeard:
		return "a server that heard a leader within the minimum election timeout does not help depose it (thesis §9.6, §4.2.3)"
	case raft.ReasonIsLeader:
		return "a leader of the current term does not vote for others"
	case raft.ReasonMissingEntry:
		return consistencyCheck + fmt.Sprintf("it has no entry %d, and the leader will retry lower", event.Index)
	case raft.ReasonTermMismatch:
		return consistencyCheck + fmt.Sprintf("its entry %d has term %d, not %d, and the leader will retry lower", event.OtherIndex, event.OtherTerm, event.LogTerm)
	}
	return event.Reason.String()
}

// whyTerm explains what set a node's current term.
func (s *Session) whyTerm(name string) error {
	id, err := s.parseNode(name)
	if err != nil {
		return err
	}
	status := s.cluster.Status()[id-1]
	record, found := s.lastDecision(func(event raft.Event) bool {
		if event.Node != id || event.Term != status.Term {
			return false
		}
		return event.Kind == raft.EventTermChanged ||
			(event.Kind == raft.EventRoleChanged && event.Role == raft.Candidate && event.PreviousRole != raft.Candidate) ||
			(event.Kind == raft.EventRoleChanged && event.Reason == raft.ReasonRestarted)
	})
	if status.Term == 0 {
		s.printf("  %v is in term 0: no election has happened yet", id)
		return nil
	}
	if !found {
		s.printf("  %v is in term %d; what raised it is older than the last %d decisions", id, status.Term, decisionsKept)
		return nil
	}
	s.println(s.decisionLine(record))
	switch {
	case record.Event.Kind == raft.EventTermChanged:
		s.printf("  rule: "+hangHere+"a server that sees a higher term in any message adopts it at once and becomes a follower (thesis §3.3); %v's message carried term %d",
			record.Event.Peer, status.Term)
	case record.Event.Reason == raft.ReasonRestarted:
		s.println("  rule: " + hangHere + "the term is stored on disk before any message depends on it, so a restart finds it again (thesis §3.8)")
	default:
		s.println("  rule: " + hangHere + "a server whose election timer fires starts an election: it adds one to its term and votes for itself (thesis §3.4)")
	}
	return nil
}

// whyIndex explains whether entry index is committed, from the leader's
// point of view (or, without a leader, from the most advanced node).
func (s *Session) whyIndex(index raft.Index) error {
	statuses := s.cluster.Status()
	quorum := len(statuses)/2 + 1
	var leader *cluster.NodeStatus
	for i := range statuses {
		if statuses[i].Up && statuses[i].Role == raft.Leader && (leader == nil || statuses[i].Term > leader.Term) {
			leader = &statuses[i]
		}
	}
	if leader == nil {
		best := statuses[0]
		for _, status := range statuses[1:] {
			if status.CommitIndex > best.CommitIndex {
				best = status
			}
		}
		if best.CommitIndex >= index {
			s.printf("  entry %d is committed: %v's commit index is %d (no leader now; committed entries stay, thesis §3.6)", index, best.ID, best.CommitIndex)
		} else {
			s.printf("  entry %d is not committed anywhere (highest commit index %d, on %v), and there is no leader to commit it (thesis §3.4)",
				index, best.CommitIndex, best.ID)
		}
		return nil
	}
	log, err := s.cluster.Log(leader.ID)
	if err != nil {
		return err
	}
	if index > raft.Index(len(log)) {
		s.printf("  entry %d does not exist: the leader %v's log ends at %d", index, leader.ID, len(log))
		return nil
	}
	entry := log[index-1]
	what := fmt.Sprintf("entry %d (term %d, %s)", index, entry.Term, describeEntry(entry))
	holders := []string{leader.ID.String() + " (leader)"}
	var missing []string
	for _, status := range statuses {
		if status.ID == leader.ID {
			continue
		}
		if progress, ok := leader.Progress[status.ID]; ok && progress.MatchIndex >= index {
			holders = append(holders, status.ID.String())
		} else {
			missing = append(missing, status.ID.String())
		}
	}
	stored := fmt.Sprintf("stored on %d of %d (%s), %d needed", len(holders), len(statuses), strings.Join(holders, ", "), quorum)
	if leader.CommitIndex >= index {
		record, found := s.lastDecision(func(event raft.Event) bool {
			return event.Node == leader.ID && event.Kind == raft.EventCommitted && event.OtherIndex < index && index <= event.Index
		})
		s.printf("  %s is committed on the leader %v", what, leader.ID)
		if found {
			s.println(s.decisionLine(record))
			if record.Event.Index > index {
				s.printf("  rule: "+hangHere+"committing entry %d commits every entry before it (Log Matching, thesis §3.5, §3.6.2)", record.Event.Index)
			} else if record.Event.Reason == raft.ReasonCountedOld {
				s.println("  BUG (commit-old-term): an entry of an older term was committed by counting replicas, which thesis Fig. 3.7 shows is unsafe")
			} else {
				s.println("  rule: " + hangHere + "a leader commits an entry of its own term once a majority stores it (thesis §3.6.2)")
			}
		}
		return nil
	}
	s.printf("  %s is not committed: %s", what, stored)
	switch {
	case len(holders) >= quorum && entry.Term != leader.Term:
		s.printf("  rule: "+hangHere+"a leader counts replicas only for entries of its own term (%d); this entry is from term %d, and commits when an entry of term %d after it does (thesis §3.6.2, Fig. 3.7)",
			leader.Term, entry.Term, leader.Term)
	case len(missing) > 0:
		s.printf("  waiting for: %s (down, cut off, or still catching up)", strings.Join(missing, ", "))
	}
	return nil
}
