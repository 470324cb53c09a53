package cluster

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"raftctl/check"
	"raftctl/raft"
	"raftctl/store"
)

// Clients of a real cluster (thesis §6.2, §6.3), with the same rules as
// Local's: find the leader by following hints, try the next node when one
// is down, silent or unreachable, give up after the client timeout; every
// request carries the client's session, so a retry never executes twice.
// The history of this REPL's requests, stamped with the wall clock, feeds
// the linearizability check.

// remoteClients is the Remote's client side.
type remoteClients struct {
	mu          sync.Mutex
	base        uint64
	sequences   map[uint64]uint64
	leaderGuess NodeID
	// history is every finished request; inFlight the ones not yet
	// finished (they may take effect later).
	history        []check.Operation
	historyDropped int
	inFlight       map[*Call]bool
	// stamp numbers calls and returns in the order they happen
	// (check.Operation.CallSequence), as Local's do.
	stamp uint64
	// finished are asynchronous calls done but not yet collected, with
	// their outcome.
	finished map[*Call]Call
}

func (cl *remoteClients) init() {
	cl.base = newClientBase()
	cl.sequences = map[uint64]uint64{}
	cl.leaderGuess = 1
	cl.inFlight = map[*Call]bool{}
	cl.finished = map[*Call]Call{}
}

// Put writes key = value through the leader (or only through at).
func (r *Remote) Put(key, value string, at NodeID) (*Call, error) {
	return r.Do(ReplClientID, store.Command{Op: store.OpPut, Key: key, Value: value}, at)
}

// Delete removes key through the leader (or only through at).
func (r *Remote) Delete(key string, at NodeID) (*Call, error) {
	return r.Do(ReplClientID, store.Command{Op: store.OpDelete, Key: key}, at)
}

// Read gets key: through the log, or confirmed by the leader without it
// (thesis §6.4).
func (r *Remote) Read(key string, at NodeID, mode ReadMode) (*Call, error) {
	call, err := r.newCall(ReplClientID, store.Command{Op: store.OpGet, Key: key}, at)
	if err != nil {
		return nil, err
	}
	call.Read = mode
	r.run(call)
	return call, nil
}

// Do makes one request for client clientID and waits for it.
func (r *Remote) Do(clientID uint64, command store.Command, at NodeID) (*Call, error) {
	call, err := r.newCall(clientID, command, at)
	if err != nil {
		return nil, err
	}
	r.run(call)
	return call, nil
}

// Submit starts a request and returns at once; Collect brings it up to
// date once it has finished.
func (r *Remote) Submit(clientID uint64, command store.Command, at NodeID) (*Call, error) {
	call, err := r.newCall(clientID, command, at)
	if err != nil {
		return nil, err
	}
	work := *call
	go func() {
		r.run(&work)
		r.clients.mu.Lock()
		r.clients.finished[call] = work
		r.clients.mu.Unlock()
	}()
	return call, nil
}

// flushGrace is how long Collect lets records already sent by the nodes
// arrive before it releases them.
const flushGrace = 30 * time.Millisecond

// Collect copies the outcome of finished asynchronous calls into them, and
// releases the records stamped before it was called, so a command's
// trace shows right after it rather than during the next one.
func (r *Remote) Collect() {
	cutoff := time.Now()
	r.sleep(flushGrace)
	r.merger.release(cutoff)
	r.clients.mu.Lock()
	defer r.clients.mu.Unlock()
	for call, outcome := range r.clients.finished {
		*call = outcome
		delete(r.clients.finished, call)
	}
}

// GetLocal reads key from one node's state machine without asking anyone:
// fast, and possibly stale (thesis §6.4).
func (r *Remote) GetLocal(key string, at NodeID) (string, bool, error) {
	called, calledStamp := r.Now(), r.nextStamp()
	response, err := r.request(at, controlRequest{Op: opLocalRead, Key: key}, requestTimeout)
	if err != nil {
		return "", false, err
	}
	answer := response.Answer
	if answer == nil {
		return "", false, fmt.Errorf("%v sent no answer", at)
	}
	if answer.Kind == answerDown {
		return "", false, fmt.Errorf("%v: %w", at, ErrNodeDown)
	}
	if answer.Kind != answerOK {
		return "", false, errors.New(answer.Text)
	}
	r.remember(check.Operation{
		ClientID: LocalReadClientID, Kind: check.GetOperation, Key: key,
		Output: check.GetOutput{Value: answer.Result.Value, Found: answer.Result.Found},
		Call:   int64(called), Return: int64(r.Now()), Outcome: check.Completed,
		CallSequence: calledStamp, ReturnSequence: r.nextStamp(),
	})
	return answer.Result.Value, answer.Result.Found, nil
}

// newCall numbers a request in its client's session.
func (r *Remote) newCall(clientID uint64, command store.Command, at NodeID) (*Call, error) {
	if at != raft.None {
		if _, err := r.node(at); err != nil {
			return nil, err
		}
	}
	if err := command.Validate(); err != nil {
		return nil, err
	}
	r.clients.mu.Lock()
	if clientID != 0 {
		r.clients.sequences[clientID]++
		command.ClientID, command.Sequence = r.clients.base|clientID, r.clients.sequences[clientID]
	}
	r.clients.mu.Unlock()
	return &Call{Command: command, At: at}, nil
}

// run carries a call to its end: an answer, a definite refusal, or the
// client timeout.
func (r *Remote) run(call *Call) {
	timeout := r.settings.ClientTimeout
	call.Invoked = r.Now()
	deadline := time.Now().Add(timeout)
	r.clients.mu.Lock()
	r.clients.stamp++
	call.invokedStamp = r.clients.stamp
	r.clients.inFlight[call] = true
	target := call.At
	if target == raft.None {
		target = r.clients.leaderGuess
	}
	r.clients.mu.Unlock()
	// attemptTimeout: a leader that cannot commit within a few election
	// timeouts is probably cut off: ask someone else.
	attemptTimeout := 4 * r.settings.ElectionMax
	hintsFollowed := 0
	lastTried := ""
	finish := func(err error) { r.finish(call, err) }
	for {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			finish(fmt.Errorf("%w after %v%s", ErrTimeout, timeout, lastTried))
			return
		}
		if r.interrupt.Load() {
			finish(ErrInterrupted)
			return
		}
		wait := remaining
		if call.At == raft.None {
			wait = min(remaining, attemptTimeout)
		}
		answer, err := r.attempt(call, target, wait)
		if err != nil {
			// Unreachable, or silent past the wait.
			if call.At != raft.None {
				finish(err)
				return
			}
			lastTried = fmt.Sprintf(" (last tried %v: %v)", target, err)
			target = target%NodeID(len(r.ids)) + 1
			r.sleep(min(retryDelay, time.Until(deadline)))
			continue
		}
		switch answer.Kind {
		case answerOK:
			call.Result, call.ServedBy = answer.Result, target
			r.clients.mu.Lock()
			r.clients.leaderGuess = target
			r.clients.mu.Unlock()
			finish(nil)
			return
		case answerNotLeader:
			if call.At != raft.None {
				finish(fmt.Errorf("%v is %w (hint: %v)", target, ErrNotLeader, answer.Hint))
				return
			}
			lastTried = fmt.Sprintf(" (last tried %v: not the leader, hint: %v)", target, answer.Hint)
			if answer.Hint != raft.None && answer.Hint != target && hintsFollowed < len(r.ids) {
				hintsFollowed++
				target = answer.Hint
				continue
			}
			hintsFollowed = 0
			target = target%NodeID(len(r.ids)) + 1
			r.sleep(min(retryDelay, time.Until(deadline)))
		case answerDown, answerCrashed, answerTimeout:
			if answer.Index > 0 {
				// In some leader's log: it may still commit.
				call.index = answer.Index
			}
			if call.At != raft.None {
				if answer.Kind == answerDown {
					finish(fmt.Errorf("%v: %w", target, ErrNodeDown))
				} else if answer.Kind == answerTimeout {
					finish(fmt.Errorf("%w after %v (%s)", ErrTimeout, timeout, answer.Text))
				} else {
					finish(errors.New(answer.Text))
				}
				return
			}
			lastTried = fmt.Sprintf(" (last tried %v: %s)", target, answer.Text)
			target = target%NodeID(len(r.ids)) + 1
			if answer.Kind == answerDown {
				r.sleep(min(retryDelay, time.Until(deadline)))
			}
		case answerOverwitten:
			// A new leader replaced the entry: it will never apply; ask again.
			lastTried = fmt.Sprintf(" (last tried %v: %s)", target, answer.Text)
		default:
			finish(errors.New(answer.Text))
			return
		}
	}
}

// attempt asks one node to carry out the call.
func (r *Remote) attempt(call *Call, target NodeID, wait time.Duration) (controlClientAnswer, error) {
	request := controlRequest{Op: opPropose, Command: call.Command, Timeout: wait}
	if call.Command.Op == store.OpGet && call.Read != ReadThroughLog {
		request = controlRequest{Op: opRead, Key: call.Command.Key, Read: call.Read, Timeout: wait}
	}
	node, err := r.node(target)
	if err != nil {
		return controlClientAnswer{}, err
	}
	// The node answers a timeout itself; the extra second covers the trip.
	response, err := node.call(request, wait+time.Second)
	if err != nil {
		return controlClientAnswer{}, err
	}
	if response.Error != "" {
		return controlClientAnswer{Kind: answerRejected, Text: response.Error}, nil
	}
	if response.Answer == nil {
		return controlClientAnswer{}, fmt.Errorf("%v sent no answer", target)
	}
	return *response.Answer, nil
}

// finish completes a call: into the history and the record stream.
func (r *Remote) finish(call *Call, err error) {
	call.Done, call.Err, call.Returned = true, err, r.Now()
	r.clients.mu.Lock()
	r.clients.stamp++
	call.returnedStamp = r.clients.stamp
	delete(r.clients.inFlight, call)
	r.clients.mu.Unlock()
	if operation, ok := operationOf(call); ok {
		r.remember(operation)
	}
	r.publish(Record{Kind: RecordClient, Node: call.ServedBy, Text: call.Command.Op.String() + " " + call.Command.Key, Err: err})
}

// remember keeps an operation while the history has room.
func (r *Remote) remember(operation check.Operation) {
	r.clients.mu.Lock()
	defer r.clients.mu.Unlock()
	if len(r.clients.history) >= MaxHistory {
		r.clients.historyDropped++
		return
	}
	r.clients.history = append(r.clients.history, operation)
}

// nextStamp numbers the next call or return.
func (r *Remote) nextStamp() uint64 {
	r.clients.mu.Lock()
	defer r.clients.mu.Unlock()
	r.clients.stamp++
	return r.clients.stamp
}

// History returns a copy of this REPL's client history so far.
func (r *Remote) History() []check.Operation {
	r.clients.mu.Lock()
	defer r.clients.mu.Unlock()
	return append([]check.Operation(nil), r.clients.history...)
}

// CheckLinearizability checks this REPL's client history with porcupine;
// requests still in flight count as calls that may take effect later.
func (r *Remote) CheckLinearizability(timeout time.Duration) (check.LinearizabilityResult, error) {
	r.clients.mu.Lock()
	if r.clients.historyDropped > 0 {
		dropped := r.clients.historyDropped
		r.clients.mu.Unlock()
		return check.LinearizabilityResult{}, fmt.Errorf("%w: %d operations kept, %d more not", ErrHistoryTooLong, MaxHistory, dropped)
	}
	history := append([]check.Operation(nil), r.clients.history...)
	now := r.Now()
	for call := range r.clients.inFlight {
		pending := Call{Command: call.Command, Read: call.Read, Invoked: call.Invoked, Returned: now, Err: ErrTimeout, index: 1,
			invokedStamp: call.invokedStamp, returnedStamp: r.clients.stamp + 1}
		if operation, ok := operationOf(&pending); ok {
			history = append(history, operation)
		}
	}
	r.clients.mu.Unlock()
	return check.CheckLinearizability(history, timeout)
}
