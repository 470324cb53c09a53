package store

import (
	"cmp"
	"fmt"
	"slices"

	"raftctl/raft"
)

// Client sessions (thesis §6.3). A client that times out does not know
// whether its command committed, so it retries; without sessions a retried
// put or del could execute twice:
//
// > each client's session tracks the latest serial number processed for
// > the client, along with the associated response. If a server receives a
// > command whose serial number has already been executed, it responds
// > immediately without re-executing the request.
//
// Differs from thesis §6.3: sessions are not registered through the log; a
// client session starts with its first command. Sessions expire by log
// index, not by the leader's clock: a session whose client sent no command
// in the last SessionLifetime entries is forgotten when the next entry is
// applied. Every replica applies the same entries, so every replica expires
// the same sessions at the same index, which is the property thesis §6.3
// asks of expiry ("servers must agree on when a client's session expires");
// the thesis's leader timestamps would do the same with time instead of
// entries.
//
// Differs from thesis §6.3 again: the thesis has clients register their
// session through the log and answers a command of an expired session
// with an error. Here a client's session starts with whatever it sends
// first (its first request may have timed out uncommitted, so its number
// says nothing), so a command of a client without a session simply starts
// a new one; a retry that arrived after its session expired would execute
// again. SessionLifetime is far longer than any client here retries.

// session is one client's latest request and its result.
type session struct {
	sequence uint64
	result   Result
	// lastActive is the log index of the client's latest command.
	lastActive raft.Index
}

// SessionSequence returns the latest request number the state machine has
// seen from client, and whether it knows the client at all.
func (kv *KV) SessionSequence(client uint64) (uint64, bool) {
	session, known := kv.sessions[client]
	if !known {
		return 0, false
	}
	return session.sequence, true
}

// SessionLifetime is how many log entries a session survives without a
// command from its client.
const SessionLifetime raft.Index = 1000

// expireSessions forgets the sessions idle for more than SessionLifetime
// entries before index. It runs for every applied entry, on every replica,
// and looks only at the sessions that may have expired: the activity queue
// holds them oldest first.
func (kv *KV) expireSessions(index raft.Index) {
	if index <= SessionLifetime {
		return
	}
	for kv.activity.len() > 0 {
		oldest := kv.activity.front()
		if oldest.index >= index-SessionLifetime {
			return
		}
		kv.activity.pop()
		// A client active again since has a later mark in the queue; only
		// the mark of its latest command expires its session.
		if session := kv.sessions[oldest.client]; session != nil && session.lastActive == oldest.index {
			delete(kv.sessions, oldest.client)
		}
	}
}

// activityQueue lists (client, index) for every command that set a
// session's lastActive, in the order applied, so oldest first: applied
// indexes only grow. Expiry pops from the front, so the queue holds about
// the last SessionLifetime commands, whatever the number of clients.
type activityQueue struct {
	marks []activityMark
	head  int
}

type activityMark struct {
	client uint64
	index  raft.Index
}

func (q *activityQueue) len() int            { return len(q.marks) - q.head }
func (q *activityQueue) front() activityMark { return q.marks[q.head] }

func (q *activityQueue) push(mark activityMark) {
	if q.head > 0 && q.head >= len(q.marks)/2 {
		// Reuse the array once half of it is popped marks.
		q.marks = q.marks[:copy(q.marks, q.marks[q.head:])]
		q.head = 0
	}
	q.marks = append(q.marks, mark)
}

func (q *activityQueue) pop() { q.head++ }

// rebuild fills the queue from sessions restored from a snapshot.
func (q *activityQueue) rebuild(sessions map[uint64]*session) {
	q.marks, q.head = q.marks[:0], 0
	for client, session := range sessions {
		q.marks = append(q.marks, activityMark{client: client, index: session.lastActive})
	}
	slices.SortFunc(q.marks, func(a, b activityMark) int { return cmp.Compare(a.index, b.index) })
}

// Sessions returns how many client sessions the state machine keeps.
func (kv *KV) Sessions() int { return len(kv.sessions) }

// applyCommand executes command at index unless its session has seen it.
// A session is updated in place: one lookup per command.
func (kv *KV) applyCommand(index raft.Index, command Command) (Result, error) {
	if command.ClientID == 0 {
		return kv.execute(index, command), nil
	}
	latest := kv.sessions[command.ClientID]
	if latest != nil && command.Sequence == latest.sequence {
		result := latest.result
		result.Duplicate = true
		return result, nil
	}
	if latest != nil && command.Sequence < latest.sequence {
		// The client has moved on past this request, so it is a delayed
		// copy, and its result is no longer kept.
		return Result{Index: index}, fmt.Errorf("%w: client %d sent sequence %d, but its latest is %d",
			ErrStaleRequest, command.ClientID, command.Sequence, latest.sequence)
	}
	result := kv.execute(index, command)
	if latest == nil {
		latest = new(session)
		kv.sessions[command.ClientID] = latest
	}
	*latest = session{sequence: command.Sequence, result: result, lastActive: index}
	kv.activity.push(activityMark{client: command.ClientID, index: index})
	return result, nil
}
