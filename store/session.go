package store

import (
	"fmt"

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
// Differs from thesis §6.3: sessions never expire and are not registered
// through the log; a client session starts with its first command. A
// teaching cluster has few clients, and every replica still agrees on every
// session because sessions change only in Apply.

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
	return session.sequence, known
}

// applyCommand executes command at index unless its session has seen it.
func (kv *KV) applyCommand(index raft.Index, command Command) (Result, error) {
	if command.ClientID == 0 {
		return kv.execute(index, command), nil
	}
	latest, known := kv.sessions[command.ClientID]
	if known && command.Sequence == latest.sequence {
		result := latest.result
		result.Duplicate = true
		return result, nil
	}
	if known && command.Sequence < latest.sequence {
		// The client has moved on past this request, so it is a delayed
		// copy, and its result is no longer kept.
		return Result{Index: index}, fmt.Errorf("%w: client %d sent sequence %d, but its latest is %d",
			ErrStaleRequest, command.ClientID, command.Sequence, latest.sequence)
	}
	result := kv.execute(index, command)
	kv.sessions[command.ClientID] = session{sequence: command.Sequence, result: result, lastActive: index}
	return result, nil
}
