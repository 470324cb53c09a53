//go:build !js

package term

import (
	prompt "github.com/c-bata/go-prompt"
	runewidth "github.com/mattn/go-runewidth"
)

// outputShower prints held output above the prompt. It runs on go-prompt's
// loop goroutine, as the binding of wakeSequence, so it never races with
// go-prompt's own drawing; go-prompt redraws the prompt right after it.
type outputShower struct {
	writer prompt.ConsoleWriter
	output *Output
	// prefix is the prompt now showing.
	prefix func() string
	// columns is the terminal's current width.
	columns func() int
}

// binding is the ASCII code binding to give prompt.New.
func (s *outputShower) binding() prompt.ASCIICodeBind {
	return prompt.ASCIICodeBind{ASCIICode: wakeSequence, Fn: s.show}
}

// show erases the prompt, prints the held lines where it was, and redraws the
// prompt up to the cursor, because go-prompt's next redraw starts by moving
// back from where it left the cursor: prefix width plus the text before the
// cursor, wrapped at the terminal width.
func (s *outputShower) show(buffer *prompt.Buffer) {
	lines := s.output.takeCompleteLines()
	if len(lines) == 0 {
		return
	}
	beforeCursor := buffer.Document().TextBeforeCursor()
	prefix := s.prefix()
	cursor := runewidth.StringWidth(prefix) + runewidth.StringWidth(beforeCursor)
	columns := s.columns()

	if columns > 0 {
		s.writer.CursorUp(cursor / columns)
	}
	s.writer.WriteRawStr("\r")
	s.writer.EraseDown()
	s.writer.WriteRaw(lines)
	s.writer.WriteRawStr(prefix)
	s.writer.WriteStr(beforeCursor)
	if columns > 0 && cursor > 0 && cursor%columns == 0 {
		// What go-prompt does at an exact wrap, so the cursor rows agree.
		s.writer.WriteRaw([]byte{'\n'})
	}
	_ = s.writer.Flush()
}
