package workload

import "fmt"

// A system driven in a thin loop on one goroutine (the bare core here, etcd's
// RawNode in bench/): the caller proposes on the leader and steps the whole
// system (persist, send, apply) until it is quiet. Both share these two
// loops, so they are measured doing the same work.

// Settle calls step until it reports that nothing moved.
func Settle(step func() (moved bool, err error)) error {
	for {
		moved, err := step()
		if err != nil || !moved {
			return err
		}
	}
}

// CommitInLoop proposes count commands numbered from next on, keeping at
// most inFlight of them unapplied by machine, and steps until every one is
// applied; it stamps each command's issue and apply and returns the next
// number. name prefixes its errors.
func CommitInLoop(name string, next, count, inFlight int, stamps *Stamps, machine *StateMachine,
	propose func(command []byte) error, step func() (moved bool, err error)) (int, error) {
	inFlight = max(inFlight, 1)
	first, target := next, next+count
	for seen := machine.Applied(); seen < target; {
		for next < target && next-seen < inFlight {
			stamps.Issued(next - first)
			if err := propose(Payload(next)); err != nil {
				return next, fmt.Errorf("%s: propose: %w", name, err)
			}
			next++
		}
		moved, err := step()
		if err != nil {
			return next, err
		}
		for applied := machine.Applied(); seen < applied; seen++ {
			stamps.Applied(seen - first)
		}
		if !moved {
			return next, fmt.Errorf("%s: stalled with %d of %d commands applied", name, seen, target)
		}
	}
	return next, nil
}
