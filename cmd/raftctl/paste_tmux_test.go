package main

import (
	"strings"
	"testing"
)

// afterEachOther reports whether the screen shows the parts in this order.
func afterEachOther(screen string, parts ...string) bool {
	for _, part := range parts {
		_, after, found := strings.Cut(screen, part)
		if !found {
			return false
		}
		screen = after
	}
	return true
}

// TestInteractiveTerminalTextAndEnterTogether: text and Enter that reach
// raftctl in one read (one send-keys, as fast typing or a paste does) run
// the line at once, and a pasted block of five lines runs line by line,
// each echoed on its own prompt line as if typed.
func TestInteractiveTerminalTextAndEnterTogether(t *testing.T) {
	p := startPane(t)
	p.startRepl("--color=never --seed 3")
	if screen := p.screen(); !strings.Contains(screen, "raftctl: a cluster of 3 nodes (n1 n2 n3), seed 3, live at speed 1; type help, or lesson to start learning.") {
		t.Errorf("no welcome line on start:\n%s", screen)
	}

	p.keys("put x 41", "Enter")
	p.waitFor("put run by one send-keys", func(screen string) bool {
		return afterEachOther(screen, "raftctl> put x 41", "ok put x=41") && promptShows("")(screen)
	})
	p.keys("get x", "Enter")
	p.waitFor("get run by one send-keys", func(screen string) bool {
		return afterEachOther(screen, "raftctl> get x", "x=41") && promptShows("")(screen)
	})

	p.tmux("set-buffer", "-b", "block", "put a 1\nput b 2\nget a\nget b\nstatus\n")
	p.tmux("paste-buffer", "-b", "block", "-t", "raftctl")
	p.waitFor("the status table of the last pasted line", func(screen string) bool {
		return afterEachOther(screen, "raftctl> status", "node  role") && promptShows("")(screen)
	})
	screen := p.scrollback()
	if !afterEachOther(screen,
		"raftctl> put a 1", "ok put a=1",
		"raftctl> put b 2", "ok put b=2",
		"raftctl> get a", "a=1",
		"raftctl> get b", "b=2",
		"raftctl> status", "node  role") {
		t.Errorf("the five pasted lines did not run one by one, in order:\n%s", screen)
	}
	for _, line := range strings.Split(screen, "\n") {
		if strings.Count(line, "raftctl>") > 1 || strings.Contains(line, "put a 1put") {
			t.Errorf("a garbled line: %q\n%s", line, screen)
		}
	}
}

// TestInteractiveTerminalWrapsAtWordBoundaries: in an 80-column terminal,
// long trace lines and help wrap at spaces, continuation lines indented
// under the text, instead of the terminal cutting words at column 80.
func TestInteractiveTerminalWrapsAtWordBoundaries(t *testing.T) {
	p := startPane(t)
	p.tmux("resize-window", "-t", "raftctl", "-x", "80", "-y", "40")
	p.startRepl("--color=never")
	p.keys("kill n1", "Enter")
	screen := p.waitFor("an election timer's trace line", func(screen string) bool {
		return strings.Contains(screen, "no leader heard for") && promptShows("")(screen)
	})
	lines := strings.Split(screen, "\n")
	wrapped := false
	for i, line := range lines[:len(lines)-1] {
		if strings.Contains(line, "no leader heard for") {
			next := lines[i+1]
			wrapped = strings.HasPrefix(next, strings.Repeat(" ", 9)) && next[9] != ' '
			if !wrapped {
				t.Errorf("the trace line does not go on under its text:\n%q\n%q", line, next)
			}
		}
	}
	if !wrapped {
		t.Errorf("the trace line was not wrapped at 80 columns:\n%s", screen)
	}
	p.keys("help", "Enter")
	p.waitFor("help's last line", func(screen string) bool {
		return strings.Contains(screen, "help COMMAND tells more") && promptShows("")(screen)
	})
	// With -J, tmux joins the lines the terminal itself wrapped: any joined
	// line wider than the pane was cut by the terminal, maybe mid-word.
	// From raftctl's first line on: the shell's own line above may wrap.
	_, output, _ := strings.Cut(p.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "raftctl"), "\nraftctl: a cluster")
	for _, line := range strings.Split(output, "\n") {
		if len([]rune(strings.TrimRight(line, " "))) > 80 {
			t.Errorf("a line the terminal had to cut at column 80:\n%q", line)
		}
	}
}
