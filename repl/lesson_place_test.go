package repl

import (
	"bytes"
	"strings"
	"testing"

	"raftctl/lessons"
)

// run executes lines and returns what they printed.
func runLines(t *testing.T, session *Session, out *bytes.Buffer, lines ...string) string {
	t.Helper()
	out.Reset()
	for _, line := range lines {
		session.Exec(line)
	}
	return out.String()
}

// TestLessonPlaceIsKept: leaving a lesson keeps the step reached; starting
// it again offers to continue there, continue rebuilds the cluster as the
// steps before leave it, and a completed lesson forgets the place. Kept in
// the progress directory, a new session finds it too.
func TestLessonPlaceIsKept(t *testing.T) {
	directory := t.TempDir()
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out, ProgressDir: directory})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	runLines(t, session, &out, "lesson prevote", "", "b", "quit")
	if steps, err := lessons.LoadSteps(directory); err != nil || steps["prevote"] != 3 {
		t.Fatalf("steps kept: %v, %v; want prevote at 3", steps, err)
	}

	other, err := NewSession(Options{Out: &out, ProgressDir: directory})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	text := runLines(t, other, &out, "lesson prevote")
	if !strings.Contains(text, "Last time you reached step 3/7: type continue to go on from there.") {
		t.Fatalf("no offer to continue:\n%s", text)
	}
	text = runLines(t, other, &out, "continue")
	for _, want := range []string{"Going on at step 3/7", "> tick 100", "step 3/7: Heal"} {
		if !strings.Contains(text, want) {
			t.Errorf("continue printed no %q:\n%s", want, text)
		}
	}
	if prompt := other.Prompt(); prompt != "prevote 3/7> " {
		t.Errorf("prompt after continue: %q", prompt)
	}
	// The rest, with the expected lines, to the end: the place is forgotten.
	text = runLines(t, other, &out, "heal", "tick 30", "b", "", "a", "heal", "tick 30")
	if !strings.Contains(text, "Lesson prevote complete.") {
		t.Fatalf("the lesson did not complete:\n%s", text)
	}
	if steps, _ := lessons.LoadSteps(directory); steps["prevote"] != 0 {
		t.Errorf("a completed lesson keeps its place: %v", steps)
	}
}

// TestLessonFromAStep: lesson NAME STEP starts at that step, with the
// cluster as the steps before it leave it; a step out of range is an
// invalid line.
func TestLessonFromAStep(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	text := runLines(t, session, &out, "lesson prevote 4")
	if !strings.Contains(text, "Starting at step 4/7") || session.Prompt() != "answer a/b> " {
		t.Fatalf("lesson prevote 4: prompt %q\n%s", session.Prompt(), text)
	}
	session.Exec("quit")
	if _, status := session.Exec("lesson prevote 9"); status != StatusInvalid {
		t.Errorf("lesson prevote 9: status %d, want invalid", status)
	}
	if !strings.Contains(out.String(), "want a step from 1 to 7") {
		t.Errorf("lesson prevote 9 answered:\n%s", out.String())
	}
}

// TestLeaveLessonIsQuit: Ctrl-D in the terminal leaves a lesson as quit
// does, and gives the learner's cluster back.
func TestLeaveLessonIsQuit(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	runLines(t, session, &out, "put mine 1", "lesson basics")
	if !session.InLesson() {
		t.Fatal("no lesson running")
	}
	out.Reset()
	session.LeaveLesson()
	if text := out.String(); !strings.Contains(text, "Left lesson basics at step 1/") || !strings.Contains(text, "Back to your cluster") {
		t.Errorf("LeaveLesson printed:\n%s", text)
	}
	if session.InLesson() {
		t.Error("still in the lesson")
	}
	if text := runLines(t, session, &out, "get mine"); !strings.Contains(text, "mine=1") {
		t.Errorf("the learner's cluster is not back:\n%s", text)
	}
}

// TestLessonBesideAStoredCluster: with --data the learner's cluster lives
// on disk; a lesson runs beside it in memory and leaves it as it was.
func TestLessonBesideAStoredCluster(t *testing.T) {
	var out bytes.Buffer
	session, err := NewSession(Options{Out: &out, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	text := runLines(t, session, &out, "put kept 9", "lesson basics", "quit", "get kept")
	if !strings.Contains(text, "step 1/") || !strings.Contains(text, "kept=9") {
		t.Fatalf("lesson beside a stored cluster:\n%s", text)
	}
}
