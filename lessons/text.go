package lessons

import (
	"strings"
	"unicode/utf8"
)

// width is the column at which prose is wrapped. Output never depends on
// the terminal, so a transcript is the same everywhere.
const width = 76

// wrap fills a paragraph to width after indent. A "- " list item hangs its
// following lines under its text; a preformatted paragraph ("|" lines)
// keeps its lines, without the bar.
func wrap(paragraph, indent string) string {
	if strings.HasPrefix(paragraph, "|") {
		var lines []string
		for _, line := range strings.Split(paragraph, "\n") {
			line = strings.TrimPrefix(line, "|")
			line = strings.TrimPrefix(line, " ")
			lines = append(lines, strings.TrimRight(indent+line, " "))
		}
		return strings.Join(lines, "\n")
	}
	if item, found := strings.CutPrefix(paragraph, "- "); found {
		return hang(item, indent+"- ", indent+"  ")
	}
	return hang(paragraph, indent, indent)
}

// hang fills text to width: the first line starts with first, the others
// with rest.
func hang(text, first, rest string) string {
	paragraph := text
	var lines []string
	line := first
	empty := true
	for _, word := range words(paragraph) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			lines = append(lines, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	return strings.Join(append(lines, line), "\n")
}

// words splits prose on spaces but keeps a `code span` in one piece, so a
// command is never broken across lines.
func words(text string) []string {
	var result []string
	var current strings.Builder
	inCode := false
	for _, r := range text {
		switch {
		case r == '`':
			inCode = !inCode
			current.WriteRune(r)
		case (r == ' ' || r == '\t' || r == '\n') && !inCode:
			if current.Len() > 0 {
				result = append(result, current.String())
				current.Reset()
			}
		default:
			current.WriteRune(r)
		}
	}
	if current.Len() > 0 {
		result = append(result, current.String())
	}
	return result
}

// normalize makes two spellings of one REPL line compare equal: spaces
// collapsed, also around ";".
func normalize(line string) string {
	parts := strings.Split(line, ";")
	for i, part := range parts {
		parts[i] = strings.Join(strings.Fields(part), " ")
	}
	return strings.Join(parts, "; ")
}
