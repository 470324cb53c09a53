//go:build js && wasm

package main

import (
	"io"

	"raftctl/repl"
)

// sessionOptions are the terminal's, in a browser: colour on, live pacing
// at real speed, progress in localStorage.
func sessionOptions(out io.Writer) (repl.Options, error) {
	return repl.Options{
		Color:     true,
		LiveSpeed: 1,
		Out:       out,
		Progress:  progress{},
	}, nil
}
