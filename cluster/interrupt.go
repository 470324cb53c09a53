package cluster

import "errors"

// ErrInterrupted ends a client request whose wait the user interrupted
// (Ctrl-C): it may still take effect later.
var ErrInterrupted = errors.New("interrupted: the request may still take effect")

// Interrupt stops whatever is moving the clock now (a long sleep, wait,
// stabilize or client request) at its next step. It is safe to call from
// any goroutine, without the lock. The command that was running sees
// Interrupted.
func (c *Local) Interrupt() { c.interrupt.Store(true) }

// Interrupted reports whether Interrupt was called since the last call of
// Interrupted, and clears it.
func (c *Local) Interrupted() bool { return c.interrupt.Swap(false) }

// stopped reports whether the running command was interrupted.
func (c *Local) stopped() bool { return c.interrupt.Load() }

// finishInterrupted ends a waiting call when its wait was interrupted.
func (c *Local) finishInterrupted(call *Call) {
	if !call.Done && c.stopped() {
		c.clients.finish(c, call, ErrInterrupted)
	}
}
