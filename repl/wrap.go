package repl

import "strings"

// Wrap breaks plain text to width columns as the session's own output is
// broken (Session.println): each line at spaces, its continuation lines
// indented two spaces past the line's own indentation. Width 0 or less
// leaves the text as it is. The browser wraps its own notes with it, so
// they read like the session's lines around them.
func Wrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	var out strings.Builder
	for i, line := range lines {
		if i > 0 {
			out.WriteByte('\n')
		}
		hang := len(line) - len(strings.TrimLeft(line, " ")) + 2
		for k, wrapped := range wrapSpans([]span{{text: withoutMarks(line)}}, width, hang) {
			if k > 0 {
				out.WriteByte('\n')
			}
			for _, piece := range wrapped {
				out.WriteString(piece.text)
			}
		}
	}
	return out.String()
}
