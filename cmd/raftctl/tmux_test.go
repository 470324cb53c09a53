package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The interactive terminal is tested in a real terminal: tmux runs a shell
// in a 120x40 pane, the test types with send-keys and reads the screen with
// capture-pane. Every wait polls the screen up to a deadline; none sleeps.

const screenDeadline = 15 * time.Second

// pane is one tmux pane on a private tmux server.
type pane struct {
	t      testing.TB
	socket string
	dir    string
	binary string
}

// startPane builds raftctl and starts a private tmux server with a shell in
// a detached 120x40 session. It skips when tmux is missing.
func startPane(t testing.TB, buildFlags ...string) *pane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed; .ci/install-deps.sh installs it for CI")
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "raftctl")
	build := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", binary, ".")...)
	if output, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, output)
	}
	p := &pane{t: t, socket: filepath.Join(dir, "tmux.socket"), dir: dir, binary: binary}
	p.tmux("-f", "/dev/null", "new-session", "-d", "-s", "raftctl", "-x", "120", "-y", "40", "-c", dir,
		"env", "PS1=$ ", "HOME="+dir, "XDG_STATE_HOME="+filepath.Join(dir, "state"), "sh")
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", p.socket, "kill-server").Run() })
	p.waitFor("the shell's prompt", func(screen string) bool { return lastLine(screen) == "$" })
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	output, err := exec.Command("tmux", append([]string{"-S", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, output)
	}
	return string(output)
}

// keys types keys: literal text, or tmux key names such as Enter, Tab, C-d.
func (p *pane) keys(keys ...string) {
	p.t.Helper()
	p.tmux(append([]string{"send-keys", "-t", "raftctl"}, keys...)...)
}

func (p *pane) text(text string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", "raftctl", "-l", text)
}

func (p *pane) screen() string {
	p.t.Helper()
	return p.tmux("capture-pane", "-p", "-t", "raftctl")
}

// scrollback is the screen with everything that scrolled off it.
func (p *pane) scrollback() string {
	p.t.Helper()
	return p.tmux("capture-pane", "-p", "-S", "-", "-t", "raftctl")
}

// waitFor polls the screen until done holds, and fails at the deadline.
func (p *pane) waitFor(what string, done func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(screenDeadline)
	for {
		screen := p.screen()
		if done(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %v for %s; the screen:\n%s", screenDeadline, what, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitForFile polls until the shell has written a file, and returns it.
func (p *pane) waitForFile(name string) string {
	p.t.Helper()
	deadline := time.Now().Add(screenDeadline)
	for {
		content, err := os.ReadFile(filepath.Join(p.dir, name))
		if err == nil && len(content) > 0 {
			return string(content)
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("waited %v for the shell to write %s; the screen:\n%s", screenDeadline, name, p.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// lastLine is the screen's last non-empty line, without trailing spaces.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// promptShows reports whether raftctl's prompt line shows exactly typed.
func promptShows(typed string) func(string) bool { return promptLineShows("raftctl> ", typed) }

// promptLineShows reports whether the prompt line shows exactly typed: the
// last line that starts with prompt, below which there may only be
// go-prompt's completion menu (indented lines) or nothing.
func promptLineShows(prompt, typed string) func(string) bool {
	want := strings.TrimRight(prompt+typed, " ")
	start := strings.TrimRight(prompt, " ")
	return func(screen string) bool {
		lines := strings.Split(strings.TrimRight(screen, " \n"), "\n")
		for i := len(lines) - 1; i >= 0; i-- {
			line := strings.TrimRight(lines[i], " ")
			if strings.HasPrefix(line, start) {
				return line == want
			}
			if line != "" && !strings.HasPrefix(line, " ") {
				return false
			}
		}
		return false
	}
}

// typeLine types a command and presses Enter once it is on the prompt line,
// as a person does (TestInteractiveTerminalTextAndEnterTogether sends both at
// once).
func (p *pane) typeLine(line string) {
	p.t.Helper()
	p.text(line)
	p.waitFor("\""+line+"\" on the prompt line", promptShows(line))
	p.keys("Enter")
}

// startRepl runs raftctl repl in the pane and returns how long the first
// prompt took to appear.
func (p *pane) startRepl(arguments string) time.Duration {
	p.t.Helper()
	p.keys("clear", "Enter")
	p.waitFor("a cleared screen", func(screen string) bool { return strings.TrimSpace(screen) == "$" })
	start := time.Now()
	p.text(p.binary + " repl " + arguments)
	p.keys("Enter")
	p.waitFor("the first prompt", promptShows(""))
	return time.Since(start)
}

func TestInteractiveTerminal(t *testing.T) {
	p := startPane(t)
	p.text("stty -a > stty-before.txt")
	p.keys("Enter")
	before := p.waitForFile("stty-before.txt")

	took := p.startRepl("")
	t.Logf("start to first prompt: %v", took)

	// Completion: node ids after a command that takes a node.
	p.text("kill ")
	p.waitFor("node ids offered", func(screen string) bool {
		return strings.Contains(screen, " n1 ") && strings.Contains(screen, " n2 ") && strings.Contains(screen, " n3 ")
	})
	p.keys("C-c")
	p.waitFor("an empty prompt", promptShows(""))
	// Completion: the menu offers partition, Tab selects it.
	p.text("par")
	p.waitFor("the completion menu", func(screen string) bool { return strings.Contains(screen, "partition") })
	p.keys("Tab")
	p.waitFor("partition on the prompt line", promptShows("partition"))
	// Ctrl-C cancels the line and stays.
	p.keys("C-c")
	p.waitFor("an empty prompt after Ctrl-C", promptShows(""))

	p.typeLine("put greeting hello")
	p.waitFor("the prompt after put", func(screen string) bool {
		return strings.Contains(screen, "raftctl> put greeting hello") && promptShows("")(screen)
	})
	p.typeLine("get greeting")
	p.waitFor("the value", func(screen string) bool {
		_, after, found := strings.Cut(screen, "raftctl> get greeting")
		return found && strings.Contains(after, "hello") && promptShows("")(screen)
	})

	// Faults, then typing while whatever the cluster does scrolls by: the
	// prompt line must stay whole.
	p.typeLine("kill n1")
	// Live pacing: the others notice the silence and elect a new leader
	// while the prompt waits; the trace appears above an intact prompt.
	p.waitFor("a new leader's trace after kill", func(screen string) bool {
		_, after, found := strings.Cut(screen, "raftctl> kill n1")
		return found && strings.Contains(after, "-> leader, term") && promptShows("")(screen)
	})
	p.text("stat")
	p.waitFor("the typed text on an intact prompt line", promptShows("stat"))
	p.text("us")
	p.waitFor("status on the prompt line", promptShows("status"))
	p.keys("Enter")
	screen := p.waitFor("the status table", func(screen string) bool {
		_, after, found := strings.Cut(screen, "raftctl> status")
		return found && strings.Contains(after, "n1") && strings.Contains(after, "n3") && promptShows("")(screen)
	})
	for _, line := range strings.Split(screen, "\n") {
		if strings.Count(line, "raftctl> ") > 1 {
			t.Errorf("a torn prompt line: %q\n%s", line, screen)
		}
	}

	// Ctrl-C interrupts a running command and keeps the console.
	p.typeLine("sleep 1h")
	p.waitFor("sleep running", func(screen string) bool {
		return strings.Contains(screen, "sleeping 1h0m0s of cluster time (Ctrl-C stops)")
	})
	p.keys("C-c")
	p.waitFor("the interrupt and a new prompt", func(screen string) bool {
		_, after, found := strings.Cut(screen, "raftctl> sleep 1h")
		return found && strings.Contains(after, "error: interrupted") && promptShows("")(screen)
	})

	// Ctrl-D leaves, and the terminal is as it was.
	p.keys("C-d")
	p.waitFor("the shell's prompt", func(screen string) bool { return lastLine(screen) == "$" })
	p.text("stty -a > stty-after.txt")
	p.keys("Enter")
	if after := p.waitForFile("stty-after.txt"); after != before {
		t.Errorf("stty -a after raftctl differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	history, err := os.ReadFile(filepath.Join(p.dir, "state", "raftctl", "history"))
	if err != nil || !strings.Contains(string(history), "put greeting hello\n") {
		t.Errorf("history file: %v\n%s", err, history)
	}
}

// TestInteractiveTerminalQuitAndSignal leaves once with `quit` and once with
// SIGTERM, and checks the terminal each time.
func TestInteractiveTerminalQuitAndSignal(t *testing.T) {
	p := startPane(t)
	p.text("stty -a > stty-before.txt")
	p.keys("Enter")
	before := p.waitForFile("stty-before.txt")

	p.startRepl("--color=never")
	p.typeLine("quit")
	p.waitFor("the shell's prompt after quit", func(screen string) bool { return lastLine(screen) == "$" })
	p.text("stty -a > stty-quit.txt")
	p.keys("Enter")
	if after := p.waitForFile("stty-quit.txt"); after != before {
		t.Errorf("stty -a after quit differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// The shell execs raftctl under a known process id, for kill. Wait for
	// the cleared screen first: text typed while `clear` runs is wiped.
	p.keys("clear", "Enter")
	p.waitFor("a cleared screen", func(screen string) bool { return strings.TrimSpace(screen) == "$" })
	p.text("sh -c 'echo $$ > raftctl.pid; exec " + p.binary + " repl'; echo status=$?")
	p.keys("Enter")
	p.waitFor("the first prompt", promptShows(""))
	p.text("half-typed")
	p.waitFor("the typed text", promptShows("half-typed"))
	pid := strings.TrimSpace(p.waitForFile("raftctl.pid"))
	if output, err := exec.Command("kill", "-TERM", pid).CombinedOutput(); err != nil {
		t.Fatalf("kill -TERM %s: %v\n%s", pid, err, output)
	}
	p.waitFor("exit status 143 (SIGTERM)", func(screen string) bool { return strings.Contains(screen, "status=143") })
	p.text("stty -a > stty-term.txt")
	p.keys("Enter")
	if after := p.waitForFile("stty-term.txt"); after != before {
		t.Errorf("stty -a after SIGTERM differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// BenchmarkStartToFirstPrompt measures from typing Enter on `raftctl repl`
// in a shell to the prompt on screen, including the shell's fork and exec
// and tmux's screen polling (20 ms steps).
func BenchmarkStartToFirstPrompt(b *testing.B) {
	p := startPane(b)
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		total += p.startRepl("--color=never")
		b.StopTimer()
		p.keys("C-d")
		p.waitFor("the shell's prompt", func(screen string) bool { return lastLine(screen) == "$" })
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/prompt")
}

// TestInteractiveTerminalPanic: a command that panics (a build with
// -tags raftctl_faults has one) ends raftctl with the error, and the
// terminal is as it was.
func TestInteractiveTerminalPanic(t *testing.T) {
	p := startPane(t, "-tags", "raftctl_faults")
	p.text("stty -a > stty-before.txt")
	p.keys("Enter")
	before := p.waitForFile("stty-before.txt")
	p.startRepl("")
	p.typeLine("panic")
	p.waitFor("the error and the shell's prompt", func(screen string) bool {
		return strings.Contains(screen, "internal error: injected by the raftctl_faults build") && lastLine(screen) == "$"
	})
	p.text("stty -a > stty-after.txt")
	p.keys("Enter")
	if after := p.waitForFile("stty-after.txt"); after != before {
		t.Errorf("stty -a after the panic differs:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
