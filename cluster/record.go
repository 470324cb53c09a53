package cluster

import (
	"sync"
	"time"

	"raftctl/check"
	"raftctl/raft"
)

// RecordKind says what a Record reports.
type RecordKind uint8

const (
	// RecordEvent: a decision of a node's core (Record.Event).
	RecordEvent RecordKind = iota + 1
	// RecordSend: a node sent a message (Record.Message, Record.MessageID).
	RecordSend
	// RecordDeliver: the network delivered a message to a running node.
	RecordDeliver
	// RecordDrop: the network dropped a message (Record.Text is why).
	RecordDrop
	// RecordApply: a node applied a committed entry (Record.Entry).
	RecordApply
	// RecordViolation: the checker found a safety violation (Record.Violation).
	RecordViolation
	// RecordFault: a fault was injected or removed (Record.Text says which).
	RecordFault
	// RecordClient: a client request finished (Record.Text, Record.Err).
	RecordClient
)

// Record is one entry of the cluster's stream: everything that happened,
// in order, stamped with virtual time. Same seed and same operations give
// the same records.
type Record struct {
	Seq       uint64
	Time      time.Duration
	Kind      RecordKind
	Node      raft.NodeID
	Event     raft.Event
	Message   raft.Message
	MessageID uint64
	Entry     raft.Entry
	Violation check.Violation
	Text      string
	Err       error
}

// Subscribe registers f to receive every record from now on. f runs on
// the cluster's goroutine with the cluster locked: it must not call back
// into the cluster. It returns a function that cancels the subscription.
func (c *Local) Subscribe(f func(Record)) (cancel func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subscribers.add(&c.mu, f)
}

// subscribers are the functions records are handed to, in the order they
// subscribed. Their owner guards them with one of its locks: add is called
// with it held, and the cancel it returns takes it.
type subscribers struct {
	next int
	list []subscriber
}

type subscriber struct {
	id int
	f  func(Record)
}

func (s *subscribers) add(lock sync.Locker, f func(Record)) (cancel func()) {
	id := s.next
	s.next++
	s.list = append(s.list, subscriber{id: id, f: f})
	return func() {
		lock.Lock()
		defer lock.Unlock()
		for i, entry := range s.list {
			if entry.id == id {
				s.list = append(s.list[:i], s.list[i+1:]...)
				return
			}
		}
	}
}

// hand gives one record to every subscriber. It takes a pointer: a Record
// is a few hundred bytes, and each copy on the way to the subscribers cost
// more than most subscribers do with it.
func (s *subscribers) hand(record *Record) {
	for _, entry := range s.list {
		entry.f(*record)
	}
}

// publish stamps a record and hands it to every subscriber.
func (c *Local) publish(record Record) {
	c.recordSeq++
	if len(c.subscribers.list) == 0 {
		return
	}
	record.Seq = c.recordSeq
	record.Time = c.now
	c.subscribers.hand(&record)
}
