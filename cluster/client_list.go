package cluster

// callList holds the calls in flight in the order they were launched: the
// order clients are woken in, so a history depends only on the seed and
// the operations. A call leaves the list in constant time (its slot
// becomes a hole) instead of shifting every later call, which at 256
// calls in flight was a copy per finished call; the holes are squeezed
// out once they are half the list.
type callList struct {
	slots []*Call
	holes int
}

// add puts a call at the end.
func (l *callList) add(call *Call) {
	call.slot = len(l.slots)
	l.slots = append(l.slots, call)
}

// remove takes a call out, if it is in the list.
func (l *callList) remove(call *Call) {
	if call.slot < 0 || call.slot >= len(l.slots) || l.slots[call.slot] != call {
		return
	}
	l.slots[call.slot] = nil
	call.slot = -1
	l.holes++
	if l.holes >= 16 && 2*l.holes >= len(l.slots) {
		l.squeeze()
	}
}

// squeeze drops the holes, keeping the order.
func (l *callList) squeeze() {
	kept := l.slots[:0]
	for _, call := range l.slots {
		if call != nil {
			call.slot = len(kept)
			kept = append(kept, call)
		}
	}
	clear(l.slots[len(kept):])
	l.slots, l.holes = kept, 0
}

// active returns the calls in flight, oldest first, as a new slice: the
// caller may finish calls while it goes through them.
func (l *callList) active() []*Call {
	calls := make([]*Call, 0, len(l.slots)-l.holes)
	for _, call := range l.slots {
		if call != nil {
			calls = append(calls, call)
		}
	}
	return calls
}
