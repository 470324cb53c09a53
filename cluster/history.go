package cluster

import (
	"errors"
	"fmt"
	"time"

	"raftctl/check"
	"raftctl/store"
)

// The client history: every request a client of this cluster made, with
// when it was called and when it returned on the virtual clock, for the
// linearizability check (thesis §6.3).

// LocalReadClientID names the local reads (`get k @n2 read=local`) in the
// history: they ask one node's state machine directly, outside the log.
const LocalReadClientID = 0

// MaxHistory bounds the history: beyond it (long benchmarks, a cluster
// left running for days) operations are counted but not kept, and the
// linearizability check answers that it cannot tell. Porcupine could not
// search such a history anyway.
const MaxHistory = 100_000

// ErrHistoryTooLong is the check's answer past MaxHistory operations.
var ErrHistoryTooLong = errors.New("the client history is too long to check")

// nextStamp numbers the next call or return of a client, in the order they
// happen: it orders the events that share a virtual instant
// (check.Operation.CallSequence).
func (c *Local) nextStamp() uint64 {
	c.stamp++
	return c.stamp
}

// recordCall adds a finished call to the history.
func (c *Local) recordCall(call *Call) {
	if operation, ok := operationOf(call); ok {
		c.remember(operation)
	}
}

// remember keeps an operation while the history has room.
func (c *Local) remember(operation check.Operation) {
	if c.history.len() >= MaxHistory {
		c.historyDropped++
		return
	}
	c.history.add(operation)
}

// operationOf describes a call for the linearizability check.
func operationOf(call *Call) (check.Operation, bool) {
	operation := check.Operation{
		ClientID: call.Command.ClientID,
		Key:      call.Command.Key,
		Value:    call.Command.Value,
		Call:     int64(call.Invoked),
		Return:   int64(call.Returned),
		// Many calls share a virtual instant: the stamps order them.
		CallSequence:   call.invokedStamp,
		ReturnSequence: call.returnedStamp,
	}
	switch call.Command.Op {
	case store.OpPut:
		operation.Kind = check.PutOperation
	case store.OpGet:
		operation.Kind = check.GetOperation
	case store.OpDelete:
		operation.Kind = check.DeleteOperation
	default:
		return check.Operation{}, false
	}
	switch {
	case call.Err == nil:
		operation.Outcome = check.Completed
		operation.Output = check.GetOutput{Value: call.Result.Value, Found: call.Result.Found}
	case call.index == 0:
		// No leader ever took it into its log: it cannot take effect.
		operation.Outcome = check.NotApplied
	default:
		// In some leader's log when the client gave up: it may still
		// commit, later.
		operation.Outcome = check.MaybeApplied
	}
	return operation, true
}

// recordLocalRead adds a read=local to the history: a get that returns the
// moment it is called.
func (c *Local) recordLocalRead(key, value string, found bool) {
	c.remember(check.Operation{
		ClientID: LocalReadClientID, Kind: check.GetOperation, Key: key,
		Output: check.GetOutput{Value: value, Found: found},
		Call:   int64(c.now), Return: int64(c.now), Outcome: check.Completed,
		CallSequence: c.nextStamp(), ReturnSequence: c.nextStamp(),
	})
}

// History returns a copy of the client history so far.
func (c *Local) History() []check.Operation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.history.all()
}

// CheckLinearizability checks the client history so far with porcupine,
// giving up after timeout (an inconclusive result, never a pass). Requests
// still in flight count as calls that may take effect later.
func (c *Local) CheckLinearizability(timeout time.Duration) (check.LinearizabilityResult, error) {
	c.mu.Lock()
	if c.historyDropped > 0 {
		dropped := c.historyDropped
		c.mu.Unlock()
		return check.LinearizabilityResult{}, fmt.Errorf("%w: %d operations kept, %d more not", ErrHistoryTooLong, MaxHistory, dropped)
	}
	history := c.history.all()
	for _, call := range c.clients.calls.active() {
		pending := *call
		pending.Err, pending.Returned, pending.returnedStamp = ErrTimeout, c.now, c.stamp+1
		if operation, ok := operationOf(&pending); ok {
			history = append(history, operation)
		}
	}
	c.mu.Unlock()
	return check.CheckLinearizability(history, timeout)
}
