//go:build !js

package term

import prompt "github.com/c-bata/go-prompt"

// wakeSequence is a private input sequence, bound in flush.go, that no
// keyboard sends. wakingParser hands it to go-prompt to make go-prompt's loop
// show held output: the loop only redraws after input.
var wakeSequence = []byte("\x1b]raftctl-show-output\x07")

// wakingParser is go-prompt's input (a ConsoleParser) with one addition: when
// the session has written whole lines while the prompt is on screen, the next
// read returns wakeSequence instead of reading the keyboard. Keystrokes are
// not lost: they stay in the terminal's buffer for the following read.
type wakingParser struct {
	prompt.ConsoleParser
	output *Output
}

// Read is called by go-prompt every 10 ms from its reading goroutine.
func (p *wakingParser) Read() ([]byte, error) {
	if p.output.hasCompleteLines() {
		return wakeSequence, nil
	}
	return p.ConsoleParser.Read()
}
