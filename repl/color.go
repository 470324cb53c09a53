package repl

import (
	"strings"

	"github.com/fatih/color"
)

// Colour is added last, over the plain line: each node its own colour,
// roles in fixed colours, errors and divergent log cells red.

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

var errorColor = color.New(color.FgRed, color.Bold)

func init() {
	// The caller decides (Options.Color, NO_COLOR); do not let the library
	// second-guess it from the file descriptor.
	for _, c := range append(nodeColors, errorColor) {
		c.EnableColor()
	}
	for _, c := range roleColors {
		c.EnableColor()
	}
}

// colorize adds ANSI colour to a plain line.
func colorize(line string) string {
	trimmed := strings.TrimSpace(line)
	if strings.HasPrefix(trimmed, "error:") || strings.Contains(line, "violation of") {
		return errorColor.Sprint(line)
	}
	words := strings.Split(line, " ")
	for i, word := range words {
		switch {
		case len(word) == 2 && word[0] == 'n' && word[1] >= '1' && word[1] <= '9':
			words[i] = nodeColors[word[1]-'1'].Sprint(word)
		case roleColors[word] != nil:
			words[i] = roleColors[word].Sprint(word)
		case strings.HasSuffix(word, "!"):
			words[i] = errorColor.Sprint(word)
		}
	}
	return strings.Join(words, " ")
}
