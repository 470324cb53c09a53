package cluster

import (
	"fmt"
	"sync"
)

// The node's stream of records: its core's events, applies, faults and,
// for subscribers that ask, every message sent, dropped and delivered;
// stamped with the node's wall clock. A slow subscriber never slows the
// node down: its queue is bounded, and what does not fit is counted and
// reported once it drains.

// subscriberQueue bounds each subscriber's backlog.
const subscriberQueue = 4096

// hostSubscriber is one control connection's subscription.
type hostSubscriber struct {
	messages bool
	records  chan controlRecord
	// lost counts records that did not fit, under mu.
	mu     sync.Mutex
	lost   int
	closed bool
}

// subscribe registers a subscriber; cancel removes it and closes its
// channel.
func (h *Host) subscribe(messages bool) (*hostSubscriber, func()) {
	subscriber := &hostSubscriber{messages: messages, records: make(chan controlRecord, subscriberQueue)}
	h.subscribersMu.Lock()
	id := h.nextSubscriber
	h.nextSubscriber++
	h.subscribers[id] = subscriber
	h.subscribersMu.Unlock()
	return subscriber, func() {
		h.subscribersMu.Lock()
		defer h.subscribersMu.Unlock()
		if _, ok := h.subscribers[id]; ok {
			delete(h.subscribers, id)
			subscriber.close()
		}
	}
}

func (s *hostSubscriber) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.records)
	}
}

// takeLost returns and clears the count of records that did not fit.
func (s *hostSubscriber) takeLost() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	lost := s.lost
	s.lost = 0
	return lost
}

// closeSubscribers ends every subscription (the host stopped).
func (h *Host) closeSubscribers() {
	h.subscribersMu.Lock()
	defer h.subscribersMu.Unlock()
	for id, subscriber := range h.subscribers {
		delete(h.subscribers, id)
		subscriber.close()
	}
}

// isMessageRecord reports whether a record is about one message.
func isMessageRecord(kind RecordKind) bool {
	return kind == RecordSend || kind == RecordDeliver || kind == RecordDrop
}

// publish stamps a record with the wall clock and queues it for every
// subscriber that wants it.
func (h *Host) publish(record Record) {
	h.subscribersMu.Lock()
	defer h.subscribersMu.Unlock()
	if len(h.subscribers) == 0 {
		return
	}
	wire := toControlRecord(record, h.now().UnixNano())
	for _, subscriber := range h.subscribers {
		if isMessageRecord(record.Kind) && !subscriber.messages {
			continue
		}
		subscriber.mu.Lock()
		if !subscriber.closed {
			select {
			case subscriber.records <- wire:
			default:
				subscriber.lost++
			}
		}
		subscriber.mu.Unlock()
	}
}

// toControlRecord puts a record on the wire.
func toControlRecord(record Record, at int64) controlRecord {
	wire := controlRecord{Time: at, Kind: record.Kind, Node: record.Node, MessageID: record.MessageID,
		Violation: record.Violation, Text: record.Text, Error: errorText(record.Err)}
	switch record.Kind {
	case RecordEvent:
		event := record.Event
		wire.Event = &event
	case RecordSend, RecordDeliver, RecordDrop:
		message := record.Message
		wire.Message = &message
	case RecordApply:
		entry := record.Entry
		wire.Entry = &entry
	}
	return wire
}

// fromControlRecord takes a record off the wire; its Time is left for the
// receiver to set.
func fromControlRecord(wire controlRecord) Record {
	record := Record{Kind: wire.Kind, Node: wire.Node, MessageID: wire.MessageID,
		Violation: wire.Violation, Text: wire.Text, Err: errorFromText(wire.Error)}
	if wire.Event != nil {
		record.Event = *wire.Event
	}
	if wire.Message != nil {
		record.Message = *wire.Message
	}
	if wire.Entry != nil {
		record.Entry = *wire.Entry
	}
	return record
}

// lostRecordsText reports records a slow subscriber missed.
func lostRecordsText(lost int) string {
	return fmt.Sprintf("%d records were not streamed (the control client was too slow)", lost)
}
