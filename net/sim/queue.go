package sim

import (
	"slices"
	"time"
)

// queue holds the in-flight envelopes, smallest (DeliverAt, ID) first. IDs
// are unique, so the order is total: it never depends on insertion order or
// on map iteration, which is what makes a run repeatable from its seed.
//
// The heap moves small keys, not envelopes. An Envelope carries a whole
// raft.Message (well over 100 bytes) and a heap swaps items log(n) times per
// push and pop, so envelopes stay put in slots, recycled through a free list:
// a steady flow of messages allocates nothing once the slots have grown.
type queue struct {
	keys  queueKeys
	slots []Envelope
	free  []int32
}

// queueKey orders one envelope and says in which slot it lives.
type queueKey struct {
	deliverAt time.Duration
	id        uint64
	slot      int32
}

func (a queueKey) before(b queueKey) bool {
	if a.deliverAt != b.deliverAt {
		return a.deliverAt < b.deliverAt
	}
	return a.id < b.id
}

// queueKeys is a binary min-heap, written out rather than through
// container/heap: its Less and Swap calls go through an interface, and
// moving keys around was most of the simulated network's time. The order
// is total (IDs are unique), so which heap algorithm keeps it does not
// change what is delivered when.
type queueKeys []queueKey

// fix moves the key at i up or down to where it belongs.
func (k queueKeys) fix(i int) {
	if !k.down(i) {
		k.up(i)
	}
}

func (k queueKeys) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !k[i].before(k[parent]) {
			return
		}
		k[i], k[parent] = k[parent], k[i]
		i = parent
	}
}

// down moves the key at i down and reports whether it moved.
func (k queueKeys) down(i int) bool {
	start := i
	for {
		smallest := 2*i + 1
		if smallest >= len(k) {
			break
		}
		if right := smallest + 1; right < len(k) && k[right].before(k[smallest]) {
			smallest = right
		}
		if !k[smallest].before(k[i]) {
			break
		}
		k[i], k[smallest] = k[smallest], k[i]
		i = smallest
	}
	return i > start
}

// init orders the whole heap.
func (k queueKeys) init() {
	for i := len(k)/2 - 1; i >= 0; i-- {
		k.down(i)
	}
}

func (q *queue) len() int { return len(q.keys) }

func (q *queue) push(e Envelope) {
	var slot int32
	if free := len(q.free); free > 0 {
		slot = q.free[free-1]
		q.free = q.free[:free-1]
		q.slots[slot] = e
	} else {
		slot = int32(len(q.slots))
		q.slots = append(q.slots, e)
	}
	q.keys = append(q.keys, queueKey{deliverAt: e.DeliverAt, id: e.ID, slot: slot})
	q.keys.up(len(q.keys) - 1)
}

// peek returns the earliest DeliverAt without removing anything.
func (q *queue) peek() (time.Duration, bool) {
	if len(q.keys) == 0 {
		return 0, false
	}
	return q.keys[0].deliverAt, true
}

// pop removes the first envelope. The queue must not be empty.
func (q *queue) pop() Envelope {
	return q.removeAt(0)
}

// removeAt removes the envelope at heap position i: the last key takes its
// place and fix moves it up or down to where it belongs.
func (q *queue) removeAt(i int) Envelope {
	key := q.keys[i]
	last := len(q.keys) - 1
	q.keys[i] = q.keys[last]
	q.keys = q.keys[:last]
	if i < last {
		q.keys.fix(i)
	}
	return q.release(key.slot)
}

// release empties a slot for reuse and returns what it held. Clearing it
// lets the garbage collector reclaim the message's entries.
func (q *queue) release(slot int32) Envelope {
	e := q.slots[slot]
	q.slots[slot] = Envelope{}
	q.free = append(q.free, slot)
	return e
}

// find returns the heap position of the envelope with the given ID, or -1.
func (q *queue) find(id uint64) int {
	for i, key := range q.keys {
		if key.id == id {
			return i
		}
	}
	return -1
}

// at returns the envelope at heap position i, without removing it.
func (q *queue) at(i int) *Envelope {
	return &q.slots[q.keys[i].slot]
}

// removeIf removes every envelope that match selects and returns them in
// delivery order. It is one pass and one init: O(n) plus the sort.
func (q *queue) removeIf(match func(*Envelope) bool) []Envelope {
	var removed []queueKey
	kept := q.keys[:0]
	for _, key := range q.keys {
		if match(&q.slots[key.slot]) {
			removed = append(removed, key)
		} else {
			kept = append(kept, key)
		}
	}
	if len(removed) == 0 {
		return nil
	}
	q.keys = kept
	q.keys.init()
	slices.SortFunc(removed, compareKeys)
	envelopes := make([]Envelope, len(removed))
	for i, key := range removed {
		envelopes[i] = q.release(key.slot)
	}
	return envelopes
}

// sorted returns copies of every envelope in delivery order.
func (q *queue) sorted() []Envelope {
	keys := slices.Clone(q.keys)
	slices.SortFunc(keys, compareKeys)
	envelopes := make([]Envelope, len(keys))
	for i, key := range keys {
		envelopes[i] = q.slots[key.slot]
	}
	return envelopes
}

func compareKeys(a, b queueKey) int {
	switch {
	case a.before(b):
		return -1
	case b.before(a):
		return 1
	}
	return 0
}
