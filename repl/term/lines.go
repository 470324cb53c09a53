//go:build !js

package term

import prompt "github.com/c-bata/go-prompt"

// lineSplittingParser is go-prompt's input (a ConsoleParser) cut at line
// ends. go-prompt v0.2.6 takes one read as one key: a chunk that is not a
// known key sequence is inserted as text, carriage returns included. Text
// and Enter that arrive in one read (a paste, `tmux send-keys 'put x 1'
// Enter`, fast typing) would then sit in the line unsubmitted, and a pasted
// block of lines would become one garbled line (PITFALLS, go-prompt). This
// wrapper hands go-prompt each line's text and its Enter as separate reads,
// so a pasted block runs line by line, each echoed, as if typed.
type lineSplittingParser struct {
	prompt.ConsoleParser
	// pending are the pieces of the last chunk not handed out yet.
	pending [][]byte
}

// Read returns the next piece: text up to a line end, or one line end.
func (p *lineSplittingParser) Read() ([]byte, error) {
	if len(p.pending) == 0 {
		chunk, err := p.ConsoleParser.Read()
		if err != nil || len(chunk) == 0 {
			return chunk, err
		}
		p.pending = splitAtLineEnds(chunk)
	}
	piece := p.pending[0]
	p.pending = p.pending[1:]
	return piece, nil
}

// splitAtLineEnds cuts a chunk of input into text pieces and line ends: "\r",
// "\n" and "\r\n" each become a piece "\r" (Enter). A chunk without a line
// end, or that is one line end, comes back whole.
func splitAtLineEnds(chunk []byte) [][]byte {
	var pieces [][]byte
	start := 0
	for i := 0; i < len(chunk); i++ {
		if chunk[i] != '\r' && chunk[i] != '\n' {
			continue
		}
		if i > start {
			pieces = append(pieces, chunk[start:i])
		}
		pieces = append(pieces, []byte{'\r'})
		if chunk[i] == '\r' && i+1 < len(chunk) && chunk[i+1] == '\n' {
			i++
		}
		start = i + 1
	}
	if start < len(chunk) {
		pieces = append(pieces, chunk[start:])
	}
	return pieces
}
