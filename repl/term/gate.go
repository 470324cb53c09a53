//go:build !js

package term

import (
	"sync"

	prompt "github.com/c-bata/go-prompt"
)

// gatedWriter is go-prompt's output with a gate. Once the gate is closed
// (Run received SIGINT, SIGTERM or SIGQUIT), go-prompt's goroutine parks at
// its next Flush for good. go-prompt's own signal handler ends in
// Flush, then os.Exit: parking it there lets Run return instead, so the
// caller's deferred closes run. The process exits soon after, from main.
type gatedWriter struct {
	prompt.ConsoleWriter
	closed    chan struct{}
	closeOnce sync.Once
}

func newGatedWriter(writer prompt.ConsoleWriter) *gatedWriter {
	return &gatedWriter{ConsoleWriter: writer, closed: make(chan struct{})}
}

// Flush writes what go-prompt drew, unless the gate is closed.
func (w *gatedWriter) Flush() error {
	select {
	case <-w.closed:
		<-make(chan struct{}) // park forever: see the type's comment
	default:
	}
	return w.ConsoleWriter.Flush()
}

// close closes the gate; later calls do nothing.
func (w *gatedWriter) close() {
	w.closeOnce.Do(func() { close(w.closed) })
}
