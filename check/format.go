package check

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"raftctl/raft"
)

// CommandFormat renders a command's bytes for evidence, such as "x=2".
// check/ may import only raft/, so it cannot decode the key-value store's
// commands itself; the host passes the store's formatter with
// WithCommandFormat.
type CommandFormat func(command []byte) string

// Option configures a Checker.
type Option func(*Checker)

// WithCommandFormat makes evidence show commands through format.
func WithCommandFormat(format CommandFormat) Option {
	return func(c *Checker) { c.formatCommand = format }
}

// maximumShownBytes bounds a command in evidence: the sentence must stay
// one readable line.
const maximumShownBytes = 32

// plainCommand shows printable text as it is and anything else as hex.
func plainCommand(command []byte) string {
	if len(command) == 0 {
		return "empty"
	}
	shown := command[:min(len(command), maximumShownBytes)]
	printable := utf8.Valid(shown)
	for _, character := range string(shown) {
		if !unicode.IsPrint(character) {
			printable = false
			break
		}
	}
	suffix := ""
	if len(shown) < len(command) {
		suffix = fmt.Sprintf("... %d bytes", len(command))
	}
	if printable {
		return string(shown) + suffix
	}
	return fmt.Sprintf("%x", shown) + suffix
}

// describe renders an entry's term and content, such as "term 2 (x=2)".
func (c *Checker) describe(e raft.Entry) string {
	return fmt.Sprintf("term %d (%s)", e.Term, c.content(e))
}

// content renders what an entry carries.
func (c *Checker) content(e raft.Entry) string {
	if e.Kind == raft.EntryNoop {
		return "no-op"
	}
	return c.formatCommand(e.Command)
}
