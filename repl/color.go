package repl

import (
	"strings"

	"github.com/fatih/color"
)

// Colour is the last step of output (the edge, println): each style maps
// to ANSI here and nowhere else. A node has its own colour, a role a fixed
// one, a term is bold, an error red. The browser's terminal receives the
// same ANSI.

var nodeColors = []*color.Color{
	color.New(color.FgCyan), color.New(color.FgMagenta), color.New(color.FgYellow),
	color.New(color.FgBlue), color.New(color.FgGreen), color.New(color.FgHiCyan),
	color.New(color.FgHiMagenta), color.New(color.FgHiYellow), color.New(color.FgHiBlue),
}

var roleColors = map[string]*color.Color{
	"leader":       color.New(color.FgGreen, color.Bold),
	"candidate":    color.New(color.FgYellow, color.Bold),
	"precandidate": color.New(color.FgYellow),
	"follower":     color.New(color.Faint),
}

var (
	termColor  = color.New(color.Bold)
	errorColor = color.New(color.FgRed, color.Bold)
)

func init() {
	// The caller decides (Options.Color, NO_COLOR); do not let the library
	// second-guess it from the file descriptor.
	for _, c := range append(nodeColors, termColor, errorColor) {
		c.EnableColor()
	}
	for _, c := range roleColors {
		c.EnableColor()
	}
}

// colorOf is the colour of a span, nil for plain text.
func colorOf(sp span) *color.Color {
	switch sp.style {
	case styleNode:
		if len(sp.text) == 2 && sp.text[0] == 'n' && sp.text[1] >= '1' && sp.text[1] <= '9' {
			return nodeColors[sp.text[1]-'1']
		}
	case styleRole:
		return roleColors[sp.text]
	case styleTerm:
		return termColor
	case styleError:
		return errorColor
	}
	return nil
}

// ansi writes spans as text, coloured when asked for.
func ansi(spans []span, colored bool) string {
	var line strings.Builder
	for _, sp := range spans {
		if c := colorOf(sp); colored && c != nil {
			line.WriteString(c.Sprint(sp.text))
			continue
		}
		line.WriteString(sp.text)
	}
	return line.String()
}
