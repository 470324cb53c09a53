package repl

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
	"raftctl/store"
)

// renderer turns records into one plain line each: virtual time, node,
// what happened and why, and the thesis section.
type renderer struct {
	tick time.Duration
	// electionMinimum tells a natural timeout from a campaign command.
	electionMinimum time.Duration
	// timeout is each node's last election timeout, in ticks, to explain
	// the role change that follows it.
	timeout map[raft.NodeID]int
}

func newRenderer(tick, electionMinimum time.Duration) *renderer {
	return &renderer{tick: tick, electionMinimum: electionMinimum, timeout: map[raft.NodeID]int{}}
}

// formatTime shows virtual time as seconds with three decimals.
func formatTime(at time.Duration) string {
	return fmt.Sprintf("%.3fs", at.Seconds())
}

// recordLevel returns the trace level of a record without rendering it,
// and false for most of the core's events, whose level only the renderer
// knows (and which it must see in order: it remembers election timeouts).
// A record above every level anyone looks at is never rendered.
func recordLevel(record cluster.Record) (traceLevel, bool) {
	switch record.Kind {
	case cluster.RecordEvent:
		// The most frequent events, which the renderer renders without
		// remembering anything (renderer.event has the same levels).
		switch event := record.Event; event.Kind {
		case raft.EventAppendAccepted:
			if event.Count == 0 {
				return traceAll, true
			}
			return traceRPC, true
		case raft.EventHeartbeat:
			return traceAll, true
		case raft.EventAppended:
			return traceRPC, true
		}
	case cluster.RecordSend, cluster.RecordDrop:
		return messageLevel(record.Message), true
	case cluster.RecordDeliver:
		return traceAll, true
	case cluster.RecordApply:
		if errors.Is(record.Err, store.ErrEntryOutOfOrder) {
			return traceState, true
		}
		return traceAll, true
	case cluster.RecordClient:
		return traceRPC, true
	case cluster.RecordViolation, cluster.RecordFault:
		return traceState, true
	}
	return 0, false
}

// mayRenderEmpty reports whether a record may render to no line at all (a
// fault without text): the event ring must not keep a slot for it.
func mayRenderEmpty(record cluster.Record) bool {
	return record.Kind == cluster.RecordFault && record.Text == "" && record.Node == raft.None && record.Err == nil
}

// render returns a record's line and the trace level it belongs to; ok is
// false for records that are never shown. Only the core's events change
// the renderer, and only those recordLevel does not know: any other
// record renders the same later as now.
func (r *renderer) render(record cluster.Record) (line string, level traceLevel, ok bool) {
	var text, section string
	level, _ = recordLevel(record)
	switch record.Kind {
	case cluster.RecordEvent:
		text, section, level = r.event(record.Event)
	case cluster.RecordSend:
		text = fmt.Sprintf("%v -> %v %s (#%d)", nodeText(record.Message.From), nodeText(record.Message.To), describeMessage(record.Message), record.MessageID)
	case cluster.RecordDeliver:
		text = fmt.Sprintf("%v -> %v delivered %v (#%d)", nodeText(record.Message.From), nodeText(record.Message.To), record.Message.Type, record.MessageID)
	case cluster.RecordDrop:
		text = fmt.Sprintf("%v -> %v dropped %v: %s (#%d)", nodeText(record.Message.From), nodeText(record.Message.To), record.Message.Type, record.Text, record.MessageID)
	case cluster.RecordApply:
		text = fmt.Sprintf("%v applied %d %s", nodeText(record.Node), record.Entry.Index, describeEntry(record.Entry))
		section = "§3.5"
		if errors.Is(record.Err, store.ErrEntryOutOfOrder) {
			text = fmt.Sprintf("%v refused to apply entry %d (term %d, %s): its state machine has applied index %d already",
				record.Node, record.Entry.Index, record.Entry.Term, describeEntry(record.Entry), record.Entry.Index)
			section = "§3.6.3"
		}
	case cluster.RecordViolation:
		text = errorText(fmt.Sprintf("violation of %s: %s", record.Violation.Property, record.Violation.Evidence))
		section = record.Violation.Property.Section()
	case cluster.RecordFault:
		text = record.Text
		if record.Node != raft.None {
			text = nodeText(record.Node) + " " + text
		}
		if record.Err != nil {
			text += ": " + record.Err.Error()
		}
	case cluster.RecordClient:
		text = "client " + record.Text + ": ok"
		if record.Node != raft.None {
			text += " (" + nodeText(record.Node) + ")"
		}
		// The command prints the result itself; the trace shows it only
		// from the rpc level, next to the messages that made it.
		section = "§6.3"
		if record.Err != nil {
			text = "client " + record.Text + ": " + record.Err.Error()
		}
		if errors.Is(record.Err, cluster.ErrNotLeader) {
			// A follower sends the client to the leader it knows
			// (thesis §6.2, "Routing requests to the leader").
			section = "§6.2"
		}
	default:
		return "", 0, false
	}
	if text == "" {
		return "", 0, false
	}
	line = "  " + formatTime(record.Time) + " " + hangHere + text
	if section != "" {
		line += " (" + section + ")"
	}
	return line, level, true
}

// messageLevel: heartbeats only at all, other messages at rpc.
func messageLevel(message raft.Message) traceLevel {
	if isHeartbeat(message) {
		return traceAll
	}
	return traceRPC
}

// event renders one decision of a core.
func (r *renderer) event(event raft.Event) (string, string, traceLevel) {
	if text, section, level, ok := r.membershipEvent(event); ok {
		return text, section, level
	}
	node := nodeText(event.Node)
	vote := "vote"
	if event.PreVote {
		vote = "prevote"
	}
	switch event.Kind {
	case raft.EventElectionTimeout:
		r.timeout[event.Node] = event.Count
		return fmt.Sprintf("%s election timer fired: no leader heard for %s", node, r.ticks(event.Count)), event.Section, traceAll
	case raft.EventRoleChanged:
		if event.PreviousRole == event.Role && event.Role == raft.Candidate {
			// A candidate whose election timed out starts another one in a
			// new term (thesis §3.4): a state change a learner must see.
			reason := r.roleReason(event)
			if after, found := strings.CutPrefix(reason, "no leader heard for "); found {
				reason = "no majority for it within " + after
			}
			return fmt.Sprintf("%s stays candidate, starts term %d: %s", node, termValue(event.Term), reason), event.Section, traceState
		}
		if event.PreviousRole == event.Role {
			return fmt.Sprintf("%s stays %v, term %d: %s", node, roleText(event.Role), termValue(event.Term), r.roleReason(event)), event.Section, traceRPC
		}
		return fmt.Sprintf("%s %v -> %v, term %d: %s", node, roleText(event.PreviousRole), roleText(event.Role), termValue(event.Term), r.roleReason(event)), event.Section, traceState
	case raft.EventTermChanged:
		return fmt.Sprintf("%s term %d -> %d: %v sent a higher term", node, termValue(event.OtherTerm), termValue(event.Term), nodeText(event.Peer)), event.Section, traceState
	case raft.EventVoteGranted:
		return fmt.Sprintf("%s grants %s to %v in term %d: its log %d/t%d is at least as up-to-date", node, vote, nodeText(event.Peer), termValue(event.Term), event.Index, event.LogTerm), event.Section, traceRPC
	case raft.EventVoteRefused:
		if event.Peer == event.Node {
			return fmt.Sprintf("%s does not campaign in term %d: %s, so its own vote would break the rule it applies to others", node, termValue(event.Term), refusalReason(event)), event.Section, traceState
		}
		return fmt.Sprintf("%s refuses %s to %v in term %d: %s", node, vote, nodeText(event.Peer), termValue(event.Term), refusalReason(event)), event.Section, traceRPC
	case raft.EventVoteIgnored:
		answer := "refusal"
		if event.VotedFor != raft.None {
			answer = "grant"
		}
		return fmt.Sprintf("%s ignores a %s %s by %v: it answers the request of term %d, not this election's", node, vote, answer, nodeText(event.Peer), termValue(event.OtherTerm)), event.Section, traceRPC
	case raft.EventVoteReceived:
		answer := "refused"
		if event.VotedFor != raft.None {
			answer = "granted"
		}
		return fmt.Sprintf("%s hears %s %s by %v: %d granted, %d needed", node, vote, answer, nodeText(event.Peer), event.Count, event.Quorum), event.Section, traceRPC
	case raft.EventAppendAccepted:
		if event.OtherTerm != 0 {
			return fmt.Sprintf("%s accepts %d %s from %v though its entry %d has term %d, not %d (teaching bug skip-prev-term), last index now %d",
				node, event.Count, map[bool]string{true: "entry", false: "entries"}[event.Count == 1], nodeText(event.Peer),
				event.Index, event.OtherTerm, event.LogTerm, event.OtherIndex), event.Section, traceRPC
		}
		if event.Count == 0 {
			return fmt.Sprintf("%s accepts heartbeat from %v: prev %d/t%d matches", node, nodeText(event.Peer), event.Index, event.LogTerm), event.Section, traceAll
		}
		return fmt.Sprintf("%s accepts %d %s from %v: prev %d/t%d matches, last index now %d", node, event.Count, map[bool]string{true: "entry", false: "entries"}[event.Count == 1],
			nodeText(event.Peer), event.Index, event.LogTerm, event.OtherIndex), event.Section, traceRPC
	case raft.EventAppendRejected:
		return fmt.Sprintf("%s rejects AppendEntries from %v at prev %d/t%d: %s", node, nodeText(event.Peer), event.Index, event.LogTerm, rejectionReason(event)), event.Section, traceRPC
	case raft.EventTruncated:
		if event.Reason == raft.ReasonQuorumLost {
			return fmt.Sprintf("%s deletes its uncommitted entries %d..%d and goes on leading, though no majority answered it (teaching bug leader-drops-uncommitted)",
				node, event.Index, event.OtherIndex), event.Section, traceState
		}
		return fmt.Sprintf("%s deletes entries %d..%d: entry %d has term %d, the leader's has term %d", node, event.Index, event.OtherIndex,
			event.Index, event.OtherTerm, event.LogTerm), event.Section, traceRPC
	case raft.EventAppended:
		what := "a client command"
		if raft.EntryKind(event.Count) == raft.EntryNoop {
			what = "a no-op"
		}
		return fmt.Sprintf("%s appends %d/t%d: %s", node, event.Index, event.LogTerm, what), event.Section, traceRPC
	case raft.EventNextIndexLowered:
		return fmt.Sprintf("%s lowers nextIndex of %v: %d -> %d", node, nodeText(event.Peer), event.OtherIndex, event.Index), event.Section, traceRPC
	case raft.EventCommitted:
		return fmt.Sprintf("%s commit %d -> %d: %s", node, event.OtherIndex, event.Index, commitReason(event.Reason)), event.Section, traceState
	case raft.EventHeartbeat:
		return node + " sends heartbeats", event.Section, traceAll
	case raft.EventReadConfirmed:
		if event.Reason == raft.ReasonLease {
			return fmt.Sprintf("%s confirms a read at index %d: its lease holds for %v more", node, event.Index, r.tick*time.Duration(event.Count)), event.Section, traceRPC
		}
		return fmt.Sprintf("%s confirms a read at index %d: a majority answered heartbeat round %d", node, event.Index, event.Count), event.Section, traceRPC
	case raft.EventStepDown:
		// The role change that follows says the same (leader -> follower,
		// with the reason); one line is enough. why still reads the event.
		return "", event.Section, traceState
	}
	if text, ok := snapshotEvent(event); ok {
		return text, event.Section, traceState
	}
	return fmt.Sprintf("%s %v", node, event.Kind), event.Section, traceRPC
}

// ticks says how long an election timer ran, in the unit it counts: the
// first tick of a timer comes at some point of a tick's length after its
// reset, so the time elapsed is a little less than ticks times the tick, and
// a millisecond figure would contradict the clock beside it.
func (r *renderer) ticks(count int) string {
	return fmt.Sprintf("%d ticks of %v", count, r.tick)
}

func (r *renderer) roleReason(event raft.Event) string {
	switch event.Reason {
	case raft.ReasonElectionTimeout:
		if ticks, ok := r.timeout[event.Node]; ok && r.tick*time.Duration(ticks) >= r.electionMinimum {
			delete(r.timeout, event.Node)
			return "no leader heard for " + r.ticks(ticks)
		}
		return "its election timer fired (campaign)"
	case raft.ReasonElectionWon:
		return fmt.Sprintf("won the election with %d votes, %d needed", event.Count, event.Quorum)
	case raft.ReasonLeaderHeard:
		if event.Peer != raft.None {
			return fmt.Sprintf("heard AppendEntries from leader %v", nodeText(event.Peer))
		}
	}
	return roleReasonText(event.Reason)
}

func roleReasonText(reason raft.Reason) string {
	switch reason {
	case raft.ReasonPreVoteWon:
		return "a majority would vote for it"
	case raft.ReasonPreVoteLost:
		return "a majority would not vote for it"
	case raft.ReasonHigherTerm:
		return "saw a higher term"
	case raft.ReasonLeaderHeard:
		return "heard the leader of its term"
	case raft.ReasonQuorumLost:
		return "no majority heard within an election timeout"
	case raft.ReasonRestarted:
		return "restarted from storage"
	}
	return reason.String()
}

func refusalReason(event raft.Event) string {
	switch event.Reason {
	case raft.ReasonStaleTerm:
		if event.PreVote && event.OtherTerm == event.Term {
			// A PreVote asks about the term the candidate would start; it
			// must be above ours (thesis §9.6).
			return fmt.Sprintf("the term it would start, %d, is not above ours", termValue(event.OtherTerm))
		}
		return fmt.Sprintf("its term %d is older than ours (%d)", termValue(event.OtherTerm), termValue(event.Term))
	case raft.ReasonAlreadyVoted:
		return fmt.Sprintf("already voted for %v", nodeText(event.VotedFor))
	case raft.ReasonLogNotUpToDate:
		return fmt.Sprintf("its log %d/t%d is behind ours %d/t%d", event.Index, event.LogTerm, event.OtherIndex, event.OtherTerm)
	case raft.ReasonLeaderRecentlyHeard:
		if event.VotedFor != raft.None {
			return fmt.Sprintf("leader %v heard recently", nodeText(event.VotedFor))
		}
		return "a leader was heard recently"
	case raft.ReasonIsLeader:
		return "a leader does not vote for others"
	}
	return event.Reason.String()
}

func rejectionReason(event raft.Event) string {
	switch event.Reason {
	case raft.ReasonMissingEntry:
		return fmt.Sprintf("no entry %d (log ends at %d)", event.Index, event.OtherIndex)
	case raft.ReasonTermMismatch:
		return fmt.Sprintf("entry %d has term %d", event.OtherIndex, termValue(event.OtherTerm))
	case raft.ReasonStaleTerm:
		return fmt.Sprintf("its term %d is older than ours", termValue(event.OtherTerm))
	}
	return event.Reason.String()
}

func commitReason(reason raft.Reason) string {
	switch reason {
	case raft.ReasonCounted:
		return "stored on a majority in the leader's term"
	case raft.ReasonCountedOld:
		return "BUG: counted replicas of an old term"
	case raft.ReasonLeaderCommit:
		return "the leader's commit index"
	}
	return reason.String()
}
