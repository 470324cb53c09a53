//go:build js && wasm

package main

import (
	"strings"
)

// complete is x/term's AutoCompleteCallback: Tab completes the word before
// the cursor from Session.Complete. One candidate replaces the word; several
// extend it to their common prefix, or, when that adds nothing, are listed
// above the prompt.
func (b *browser) complete(line string, position int, key rune) (string, int, bool) {
	if key != '\t' {
		return "", 0, false
	}
	before := line[:position]
	candidates := b.session.Load().Complete(before)
	if len(candidates) == 0 {
		return line, position, true
	}
	start := strings.LastIndexAny(before, " ;") + 1
	word := before[start:]
	replacement := commonPrefix(candidates)
	if len(candidates) == 1 && !strings.HasSuffix(replacement, "=") {
		replacement += " "
	}
	if len(replacement) <= len(word) {
		listing := strings.Join(candidates, "  ") + "\n"
		// Write takes the terminal's lock, which this callback holds.
		go func() { _, _ = b.terminal.Write([]byte(listing)) }()
		return line, position, true
	}
	completed := before[:start] + replacement
	return completed + line[position:], len(completed), true
}

// commonPrefix is the longest prefix every candidate shares.
func commonPrefix(candidates []string) string {
	prefix := candidates[0]
	for _, candidate := range candidates[1:] {
		for !strings.HasPrefix(candidate, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	return prefix
}
