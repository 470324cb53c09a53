package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// process carries out the core's pending work in the order thesis §3.8
// demands: persist, then send, then apply.
//
// > Each server persists its current term and vote before responding to
// > RPCs or sending new ones, and new log entries before acknowledging.
func (h *Host) process() {
	for h.core != nil && h.core.HasReady() {
		ready := h.core.Ready()
		if !ready.Snapshot.IsEmpty() {
			if err := h.config.Storage.SaveSnapshot(ready.Snapshot); err != nil {
				h.publish(Record{Kind: RecordFault, Node: h.config.ID, Text: "storage failed", Err: err})
				h.logger.Error("storage failed", "error", err)
				h.crash("crashed: storage failed")
				return
			}
		}
		if len(ready.EarlyMessages) > 0 {
			// The leader's AppendEntries leave before its own write, so
			// the followers write while it does (thesis §10.2.1,
			// Settings.ParallelWrite); the events that explain them first.
			h.publishEvents(ready.Events)
			ready.Events = nil
			for _, message := range ready.EarlyMessages {
				h.send(message)
			}
		}
		if ready.MustSave {
			if err := h.config.Storage.Save(ready.HardState, ready.Entries); err != nil {
				// A node that cannot persist must not speak.
				h.publish(Record{Kind: RecordFault, Node: h.config.ID, Text: "storage failed", Err: err})
				h.logger.Error("storage failed", "error", err)
				h.crash("crashed: storage failed")
				return
			}
		}
		h.publishEvents(ready.Events)
		for _, message := range ready.Messages {
			h.send(message)
		}
		if ready.RestoreStateMachine {
			h.restoreSnapshot(ready.Snapshot)
		}
		for _, entry := range ready.CommittedEntries {
			h.apply(entry)
		}
		h.readsWaiting = append(h.readsWaiting, ready.ReadStates...)
		h.serveReads()
		h.core.Advance(ready)
		h.maybeCompact()
	}
}

// publishEvents shows a Ready's events and logs them.
func (h *Host) publishEvents(events []raft.Event) {
	for _, event := range events {
		h.publish(Record{Kind: RecordEvent, Node: h.config.ID, Event: event})
		h.logEvent(event)
	}
}

// logEvent writes the decisions an operator cares about at Info, the rest
// at Debug.
func (h *Host) logEvent(event raft.Event) {
	level := slog.LevelDebug
	switch event.Kind {
	case raft.EventRoleChanged, raft.EventTermChanged, raft.EventStepDown, raft.EventTruncated:
		level = slog.LevelInfo
	}
	h.logger.Log(context.Background(), level, event.Kind.String(),
		"term", uint64(event.Term), "role", event.Role.String(), "peer", event.Peer.String(),
		"index", uint64(event.Index), "reason", event.Reason.String(), "section", event.Section)
}

// apply hands one committed entry to the state machine and to the client
// waiting for it.
func (h *Host) apply(entry raft.Entry) {
	result, err := h.kv.Apply(entry)
	h.applied = entry.Index
	h.snapshots.applied(entry)
	h.publish(Record{Kind: RecordApply, Node: h.config.ID, Entry: entry, Err: err})
	waiter, ok := h.proposals[entry.Index]
	if !ok {
		return
	}
	delete(h.proposals, entry.Index)
	switch {
	case entry.Term != waiter.term:
		waiter.answer <- controlClientAnswer{Kind: answerOverwitten, Index: entry.Index,
			Text: fmt.Sprintf("entry %d was replaced by a new leader's", entry.Index)}
	case err != nil:
		waiter.answer <- controlClientAnswer{Kind: answerRejected, Index: entry.Index, Text: err.Error()}
	default:
		waiter.answer <- controlClientAnswer{Index: entry.Index, Result: result}
	}
}

// receive steps a message from a peer, unless a rule discards it.
func (h *Host) receive(message raft.Message) {
	if h.core == nil || message.To != h.config.ID {
		return
	}
	if h.blockedIn[message.From] {
		h.publish(Record{Kind: RecordDrop, Node: message.From, Message: message, Text: "cut (rule)"})
		return
	}
	h.publish(Record{Kind: RecordDeliver, Node: message.To, Message: message})
	// The loop persists and sends once the batch is in (Host.drain).
	h.core.Step(message)
}

// send applies the node's rules to an outgoing message: a partition or cut
// drops it, the link's unreliability may drop, duplicate or delay it.
func (h *Host) send(message raft.Message) {
	h.messageSeq++
	id := h.messageSeq
	h.publish(Record{Kind: RecordSend, Node: h.config.ID, Message: message, MessageID: id})
	if h.blockedOut[message.To] {
		h.publish(Record{Kind: RecordDrop, Node: h.config.ID, Message: message, MessageID: id, Text: "cut (rule)"})
		return
	}
	config := h.rules.config(message.To)
	if config.Drop > 0 && h.random.Float64() < config.Drop {
		h.publish(Record{Kind: RecordDrop, Node: h.config.ID, Message: message, MessageID: id, Text: "lost (rule)"})
		return
	}
	copies := 1
	if config.Duplicate > 0 && h.random.Float64() < config.Duplicate {
		copies = 2
	}
	for range copies {
		delay := config.DelayMin
		if spread := config.DelayMax - config.DelayMin; spread > 0 {
			delay += time.Duration(h.random.Int64N(int64(spread) + 1))
		}
		if delay <= 0 {
			h.config.Transport.Send(message)
			continue
		}
		transport := h.config.Transport
		time.AfterFunc(delay, func() { transport.Send(message) })
	}
}

// propose starts a client write (or a read through the log) on the loop;
// the answer comes on the returned waiter.
func (h *Host) propose(command store.Command) *hostWaiter {
	waiter := &hostWaiter{answer: make(chan controlClientAnswer, 1)}
	if answer, ok := h.notServing(); !ok {
		waiter.answer <- answer
		return waiter
	}
	index, term, err := h.core.Propose(store.EncodeCommand(command))
	if err != nil {
		waiter.answer <- controlClientAnswer{Kind: answerNotLeader, Hint: h.core.Leader(), Text: err.Error()}
		return waiter
	}
	waiter.index, waiter.term = index, term
	h.proposals[index] = waiter
	// The loop persists and sends once the batch is in (Host.drain).
	return waiter
}

// read asks the core to confirm a read without the log (thesis §6.4).
func (h *Host) read(key string, mode ReadMode) *hostWaiter {
	waiter := &hostWaiter{answer: make(chan controlClientAnswer, 1), key: key}
	if answer, ok := h.notServing(); !ok {
		waiter.answer <- answer
		return waiter
	}
	h.nextRead++
	request := h.nextRead
	if err := h.core.ReadIndex(request, mode == ReadLease); err != nil {
		waiter.answer <- controlClientAnswer{Kind: answerRejected, Text: fmt.Sprintf("%v: %v", h.config.ID, err)}
		h.process()
		return waiter
	}
	h.reads[request] = waiter
	return waiter
}

// notServing answers a request this node cannot take: it is down, or not
// the leader (with its hint).
func (h *Host) notServing() (controlClientAnswer, bool) {
	if h.core == nil {
		return controlClientAnswer{Kind: answerDown, Text: fmt.Sprintf("%v: %v", h.config.ID, ErrNodeDown)}, false
	}
	if h.core.Role() != raft.Leader {
		hint := h.core.Leader()
		return controlClientAnswer{Kind: answerNotLeader, Hint: hint, Text: fmt.Sprintf("%v is %v (hint: %v)", h.config.ID, ErrNotLeader, hint)}, false
	}
	return controlClientAnswer{}, true
}

// serveReads answers the confirmed reads whose index has been applied.
func (h *Host) serveReads() {
	waiting := h.readsWaiting[:0]
	for _, state := range h.readsWaiting {
		if state.Index > h.applied {
			waiting = append(waiting, state)
			continue
		}
		waiter, ok := h.reads[state.Request]
		if !ok {
			continue // the client gave up
		}
		delete(h.reads, state.Request)
		value, found := h.kv.Get(waiter.key)
		waiter.answer <- controlClientAnswer{Index: state.Index, Result: store.Result{Value: value, Found: found, Index: state.Index}}
	}
	h.readsWaiting = waiting
}

// abandon forgets a waiter whose client stopped waiting.
func (h *Host) abandon(waiter *hostWaiter) {
	if h.proposals[waiter.index] == waiter {
		delete(h.proposals, waiter.index)
	}
	for request, pending := range h.reads {
		if pending == waiter {
			delete(h.reads, request)
		}
	}
}

// clientRequest runs a client request on the loop and waits up to timeout
// for its answer.
func (h *Host) clientRequest(start func() *hostWaiter, timeout time.Duration) controlClientAnswer {
	var waiter *hostWaiter
	if err := h.do(func() { waiter = start() }); err != nil {
		return controlClientAnswer{Kind: answerDown, Text: err.Error()}
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case answer := <-waiter.answer:
		return answer
	case <-timer.C:
	case <-h.done:
	}
	_ = h.do(func() { h.abandon(waiter) })
	select {
	case answer := <-waiter.answer:
		return answer
	default:
	}
	text := fmt.Sprintf("%v could not commit within %v", h.config.ID, timeout)
	if waiter.index == 0 {
		text = fmt.Sprintf("%v could not confirm the read within %v", h.config.ID, timeout)
	}
	return controlClientAnswer{Kind: answerTimeout, Index: waiter.index, Text: text}
}

// localRead reads one key from the state machine (maybe stale, §6.4).
func (h *Host) localRead(key string) controlClientAnswer {
	var answer controlClientAnswer
	if err := h.do(func() {
		if h.kv == nil {
			answer = controlClientAnswer{Kind: answerDown, Text: fmt.Sprintf("%v: %v", h.config.ID, ErrNodeDown)}
			return
		}
		value, found := h.kv.Get(key)
		answer = controlClientAnswer{Index: h.applied, Result: store.Result{Value: value, Found: found, Index: h.applied}}
	}); err != nil {
		return controlClientAnswer{Kind: answerDown, Text: err.Error()}
	}
	return answer
}
