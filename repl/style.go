package repl

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"raftctl/raft"
)

// Output is built as lines of styled spans: a span says what its text is
// (a node, a role, a term, an error), never how it looks. Inside the
// package a line is a string in which a styled span is marked by
// spanStart, one style byte, the text and spanEnd, and hangMark marks the
// column under which a wrapped line continues; these control characters
// never reach Out. The edge (println) parses the spans, wraps them to the
// terminal's width and maps styles to ANSI colour (color.go) or drops them.

// style is what a span of output is.
type style byte

const (
	stylePlain style = iota
	styleNode
	styleRole
	styleTerm
	styleError
)

const (
	spanStart = '\x0e'
	spanEnd   = '\x0f'
	hangMark  = '\x1f'
)

// span is text of one style.
type span struct {
	style style
	text  string
}

// styled marks text as a span of style st.
func styled(st style, text string) string {
	if text == "" {
		return ""
	}
	return string(spanStart) + string(rune('0'+st)) + text + string(spanEnd)
}

// nodeText is a node id styled as a node ("none" for raft.None is plain).
func nodeText(id raft.NodeID) string {
	if id == raft.None {
		return id.String()
	}
	return styled(styleNode, id.String())
}

// roleText is a role styled as a role.
func roleText(role raft.Role) string { return styled(styleRole, role.String()) }

// errorText is a whole error line.
func errorText(text string) string { return styled(styleError, text) }

// hangHere marks where a wrapped line's continuation lines start.
const hangHere = string(hangMark)

// parseLine splits a marked line into spans, and finds the column of its
// hang mark (-1 without one).
func parseLine(line string) (spans []span, hangColumn int) {
	hangColumn = -1
	column := 0
	current := stylePlain
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			spans = append(spans, span{style: current, text: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(line); {
		switch line[i] {
		case spanStart:
			flush()
			if i+1 < len(line) {
				current = style(line[i+1] - '0')
			}
			i += 2
			continue
		case spanEnd:
			flush()
			current = stylePlain
			i++
			continue
		case hangMark:
			hangColumn = column
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(line[i:])
		text.WriteRune(r)
		column++
		i += size
	}
	flush()
	return spans, hangColumn
}

// plainText is a marked line without its marks.
func plainText(line string) string {
	if !strings.ContainsAny(line, string([]rune{spanStart, spanEnd, hangMark})) {
		return line
	}
	spans, _ := parseLine(line)
	var text strings.Builder
	for _, sp := range spans {
		text.WriteString(sp.text)
	}
	return text.String()
}

// withoutMarks removes the mark characters from text that comes from
// outside (a key, a value): they would be read as marks.
func withoutMarks(text string) string {
	return strings.Map(func(r rune) rune {
		if r == spanStart || r == spanEnd || r == hangMark {
			return -1
		}
		return r
	}, text)
}

// minimumWrappedText is the narrowest column of text worth hanging under
// a mark.
const minimumWrappedText = 20

// styledRune is one character of output and its style.
type styledRune struct {
	r     rune
	style style
}

// wrapSpans breaks a line of spans at spaces so that no line is wider than
// width columns; continuation lines start with hang spaces. A word longer
// than a line is cut. width <= 0 keeps the line whole.
func wrapSpans(spans []span, width, hang int) [][]span {
	var runes []styledRune
	for _, sp := range spans {
		for _, r := range sp.text {
			runes = append(runes, styledRune{r: r, style: sp.style})
		}
	}
	if width <= 0 || len(runes) <= width {
		return [][]span{spans}
	}
	if hang < 0 || width-hang < minimumWrappedText {
		// Too little room under the mark: hang a little instead.
		hang = min(4, width/2)
	}
	var lines [][]styledRune
	rest := runes
	available := width
	for len(rest) > available {
		cut := -1
		for i := available; i > 0; i-- {
			if rest[i].r == ' ' {
				cut = i
				break
			}
		}
		next := cut + 1
		if cut <= 0 || onlySpaces(rest[:cut]) {
			cut, next = available, available
		}
		lines = append(lines, rest[:cut])
		rest = rest[next:]
		for len(rest) > 0 && rest[0].r == ' ' {
			rest = rest[1:]
		}
		indent := make([]styledRune, hang)
		for i := range indent {
			indent[i] = styledRune{r: ' '}
		}
		rest = append(indent, rest...)
		available = width
	}
	if len(rest) > hang {
		lines = append(lines, rest)
	}
	wrapped := make([][]span, len(lines))
	for i, line := range lines {
		wrapped[i] = toSpans(line)
	}
	return wrapped
}

func onlySpaces(runes []styledRune) bool {
	for _, r := range runes {
		if r.r != ' ' {
			return false
		}
	}
	return true
}

// toSpans joins runs of one style back into spans.
func toSpans(runes []styledRune) []span {
	var spans []span
	for _, r := range runes {
		if n := len(spans); n > 0 && spans[n-1].style == r.style {
			spans[n-1].text += string(r.r)
			continue
		}
		spans = append(spans, span{style: r.style, text: string(r.r)})
	}
	return spans
}

// styledValue prints as a marked span whatever the verb (%d, %v), so a
// term can be styled inside a format string.
type styledValue struct {
	style style
	text  string
}

func (v styledValue) Format(state fmt.State, _ rune) {
	_, _ = io.WriteString(state, styled(v.style, v.text))
}

// termValue is a term styled as a term.
func termValue(term raft.Term) styledValue {
	return styledValue{style: styleTerm, text: strconv.FormatUint(uint64(term), 10)}
}
