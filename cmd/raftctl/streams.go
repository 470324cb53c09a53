package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// streams are the command's input and outputs, injected so tests can run the
// whole command tree with buffers.
type streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

func standardStreams() streams {
	return streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
}

// isTerminal reports whether stream is a terminal.
func isTerminal(stream any) bool {
	file, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// hasSize reports whether the terminal on stream has a non-zero size; a 0x0
// pseudo-terminal (testscript's ttyin gives one) makes go-prompt panic.
func hasSize(stream any) bool {
	file, ok := stream.(*os.File)
	if !ok {
		return false
	}
	columns, rows, err := term.GetSize(int(file.Fd()))
	return err == nil && columns > 0 && rows > 0
}

// terminalWidth reads the width of the terminal on stream each time it is
// called (the window may be resized), for repl.Options.Width; nil when
// stream is not a terminal: scripts and pipes get whole lines.
func terminalWidth(stream any) func() int {
	file, ok := stream.(*os.File)
	if !ok || !term.IsTerminal(int(file.Fd())) {
		return nil
	}
	return func() int {
		columns, _, err := term.GetSize(int(file.Fd()))
		if err != nil {
			return 0
		}
		return columns
	}
}
