//go:build !js

package term

import (
	"slices"
	"testing"

	prompt "github.com/c-bata/go-prompt"
)

func TestSplitAtLineEnds(t *testing.T) {
	for _, test := range []struct {
		chunk string
		want  []string
	}{
		{"put x 1", []string{"put x 1"}},
		{"\r", []string{"\r"}},
		{"put x 41\r", []string{"put x 41", "\r"}},
		{"put x 1\rget x\r", []string{"put x 1", "\r", "get x", "\r"}},
		{"a\r\nb\nc", []string{"a", "\r", "b", "\r", "c"}},
		{"\r\r", []string{"\r", "\r"}},
		{"status\r\x1b[A", []string{"status", "\r", "\x1b[A"}},
	} {
		var got []string
		for _, piece := range splitAtLineEnds([]byte(test.chunk)) {
			got = append(got, string(piece))
		}
		if !slices.Equal(got, test.want) {
			t.Errorf("splitAtLineEnds(%q) = %q, want %q", test.chunk, got, test.want)
		}
	}
}

// chunkParser returns fixed chunks, then empty reads (what a non-blocking
// terminal returns when nothing was typed).
type chunkParser struct {
	prompt.ConsoleParser
	chunks []string
}

func (p *chunkParser) Read() ([]byte, error) {
	if len(p.chunks) == 0 {
		return []byte{}, nil
	}
	chunk := p.chunks[0]
	p.chunks = p.chunks[1:]
	return []byte(chunk), nil
}

// TestPastedBlockArrivesLineByLine: a pasted block read in one chunk comes
// out as each line's text, then its Enter, in order: to go-prompt each piece
// is text, or Enter.
func TestPastedBlockArrivesLineByLine(t *testing.T) {
	parser := &lineSplittingParser{ConsoleParser: &chunkParser{chunks: []string{"put x 1\rput y 2\rget", " x\r"}}}
	var got []string
	for range 8 {
		piece, err := parser.Read()
		if err != nil {
			t.Fatal(err)
		}
		if len(piece) > 0 {
			got = append(got, string(piece))
		}
	}
	want := []string{"put x 1", "\r", "put y 2", "\r", "get", " x", "\r"}
	if !slices.Equal(got, want) {
		t.Fatalf("pieces = %q, want %q", got, want)
	}
	for _, piece := range got {
		// go-prompt submits the line on Enter, ControlJ and ControlM.
		if key := prompt.GetKey([]byte(piece)); piece == "\r" && key != prompt.ControlM {
			t.Errorf("%q is %v to go-prompt, want ControlM (Enter)", piece, key)
		}
		if key := prompt.GetKey([]byte(piece)); piece != "\r" && key != prompt.NotDefined {
			t.Errorf("%q is %v to go-prompt, want text", piece, key)
		}
	}
}
