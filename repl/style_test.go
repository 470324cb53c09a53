package repl

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func lineTexts(lines [][]span) []string {
	var texts []string
	for _, line := range lines {
		texts = append(texts, ansi(line, false))
	}
	return texts
}

// TestWrapAtWordBoundaries: lines break at spaces, continuation lines start
// under the hang column, no line is wider than the width, and the words
// are all there, whole.
func TestWrapAtWordBoundaries(t *testing.T) {
	line := "  0.275s " + hangHere + nodeText(3) + " follower -> candidate, term 2: no leader heard for 28 ticks of 10ms, and a great many more words after that (§3.4)"
	spans, hang := parseLine(line)
	if hang != 9 {
		t.Fatalf("hang column = %d, want 9", hang)
	}
	wrapped := lineTexts(wrapSpans(spans, 40, hang))
	for i, text := range wrapped {
		if utf8.RuneCountInString(text) > 40 {
			t.Errorf("line %d is %d wide: %q", i, utf8.RuneCountInString(text), text)
		}
		if i > 0 && (!strings.HasPrefix(text, strings.Repeat(" ", 9)) || text[9] == ' ') {
			t.Errorf("continuation line %d does not start at column 9: %q", i, text)
		}
	}
	var words []string
	for _, text := range wrapped {
		words = append(words, strings.Fields(text)...)
	}
	if got, want := strings.Join(words, " "), strings.Join(strings.Fields(plainText(line)), " "); got != want {
		t.Errorf("words changed by wrapping:\n%q\n%q", got, want)
	}
	if len(wrapped) < 3 {
		t.Errorf("wrapped into %d lines: %q", len(wrapped), wrapped)
	}
}

func TestWrapKeepsShortLinesAndCutsLongWords(t *testing.T) {
	spans, _ := parseLine("  short line")
	if got := lineTexts(wrapSpans(spans, 80, 4)); len(got) != 1 || got[0] != "  short line" {
		t.Errorf("short line: %q", got)
	}
	if got := lineTexts(wrapSpans(spans, 0, 4)); len(got) != 1 {
		t.Errorf("width 0 wrapped: %q", got)
	}
	spans, _ = parseLine(strings.Repeat("x", 70))
	got := lineTexts(wrapSpans(spans, 30, 2))
	if strings.Join(got, "|") != strings.Repeat("x", 30)+"|  "+strings.Repeat("x", 28)+"|  "+strings.Repeat("x", 12) {
		t.Errorf("a word wider than the line: %q", got)
	}
}

// TestColourFollowsWhatATokenIs: a role is coloured in the status table,
// but the word "leader" in prose is not; a node is coloured where it is a
// node (the served-by of a result), not a key that looks like one.
func TestColourFollowsWhatATokenIs(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out, Color: true})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	session.Exec("campaign n1; stabilize")
	out.Reset()
	session.Exec("status")
	leader := roleColors["leader"].Sprint("leader")
	if !strings.Contains(out.String(), leader) {
		t.Errorf("the leader's role is not coloured as a role in status:\n%q", out.String())
	}
	out.Reset()
	session.Exec("lesson")
	if strings.Contains(out.String(), leader) || !strings.Contains(out.String(), "a candidate or a leader, and") {
		t.Errorf("the word leader in prose is coloured as a role:\n%q", out.String())
	}
	out.Reset()
	session.Exec("put n2 leader")
	if want := "ok put n2=leader (index 2, " + nodeColors[0].Sprint("n1") + ", "; !strings.Contains(out.String(), want) {
		t.Errorf("want %q in %q", want, out.String())
	}
	out.Reset()
	session.Exec("kill n9")
	if want := errorColor.Sprint("error: unknown node n9 (nodes: n1 n2 n3)"); !strings.Contains(out.String(), want) {
		t.Errorf("want %q in %q", want, out.String())
	}
}

// TestSessionWrapsToItsWidth: a session with a width wraps its output; the
// same lines without one stay whole (scripts never depend on a terminal).
func TestSessionWrapsToItsWidth(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out, Width: func() int { return 50 }})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	session.Exec("help")
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if utf8.RuneCountInString(line) > 50 {
			t.Errorf("a line wider than 50: %q", line)
		}
	}
	out.Reset()
	session.SetWidth(200)
	session.Exec("help")
	wide := out.String()
	if !strings.Contains(wide, "Replace the local cluster") {
		t.Fatalf("help: %q", wide)
	}
	for _, line := range strings.Split(wide, "\n") {
		if utf8.RuneCountInString(line) > 50 {
			return
		}
	}
	t.Error("SetWidth(200) still wraps at 50")
}

func TestWrapPlainText(t *testing.T) {
	text := "one two three four five six seven eight nine ten eleven twelve\nshort"
	got := Wrap(text, 30)
	want := "one two three four five six\n  seven eight nine ten eleven\n  twelve\nshort"
	if got != want {
		t.Errorf("Wrap(%q, 30) = %q, want %q", text, got, want)
	}
	if got := Wrap(text, 0); got != text {
		t.Errorf("Wrap(text, 0) = %q, want the text unchanged", got)
	}
}
