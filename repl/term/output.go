//go:build !js

package term

import (
	"bytes"
	"io"
	"sync"
)

// Output is the writer a session gets in interactive mode. It writes
// straight through while a command runs, and holds output back while the
// prompt is on screen, so that a trace line never lands in the middle of the
// line the user is editing; the prompt loop then shows the held lines above
// the prompt (see the package documentation).
type Output struct {
	mutex       sync.Mutex
	destination io.Writer
	// holding is true while the prompt is on screen.
	holding bool
	// held is what was written while holding, in order.
	held []byte
}

// NewOutput returns an Output that writes to destination (the terminal).
// Create the session with it, and give it to Run in Options.Output.
func NewOutput(destination io.Writer) *Output {
	return &Output{destination: destination}
}

// Write writes p, or holds it while the prompt is on screen.
func (o *Output) Write(p []byte) (int, error) {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	if o.holding {
		o.held = append(o.held, p...)
		return len(p), nil
	}
	return o.destination.Write(p)
}

// hold starts holding output back: the prompt is about to be drawn.
func (o *Output) hold() {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	o.holding = true
}

// release writes everything held, even an unfinished line, and stops
// holding: the prompt is gone and a command is about to run.
func (o *Output) release() error {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	o.holding = false
	held := o.held
	o.held = nil
	if len(held) == 0 {
		return nil
	}
	_, err := o.destination.Write(held)
	return err
}

// hasCompleteLines reports whether at least one whole line is held.
func (o *Output) hasCompleteLines() bool {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	return bytes.IndexByte(o.held, '\n') >= 0
}

// takeCompleteLines removes and returns the held whole lines; an unfinished
// last line stays held until its newline arrives.
func (o *Output) takeCompleteLines() []byte {
	o.mutex.Lock()
	defer o.mutex.Unlock()
	end := bytes.LastIndexByte(o.held, '\n') + 1
	if end == 0 {
		return nil
	}
	lines := bytes.Clone(o.held[:end])
	o.held = append(o.held[:0], o.held[end:]...)
	return lines
}
