package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lastLineIs reports whether the screen's last non-empty line is want.
func lastLineIs(want string) func(string) bool {
	return func(screen string) bool { return lastLine(screen) == strings.TrimRight(want, " ") }
}

// answer types a line at a lesson prompt and presses Enter once it shows.
func (p *pane) answer(prompt, line string) {
	p.t.Helper()
	p.text(line)
	p.waitFor("\""+line+"\" after "+prompt, promptLineShows(prompt, line))
	p.keys("Enter")
}

// TestInteractiveLesson plays `raftctl lesson prevote` in a real terminal:
// one prediction wrong, one right, a hint, going back a step, to the end;
// the lesson is then marked completed.
func TestInteractiveLesson(t *testing.T) {
	p := startPane(t)
	p.keys("clear", "Enter")
	p.waitFor("a cleared screen", func(screen string) bool { return strings.TrimSpace(screen) == "$" })
	p.text(p.binary + " lesson prevote")
	p.keys("Enter")
	p.waitFor("the first step", func(screen string) bool {
		return strings.Contains(screen, "step 1/7: A lonely server") && lastLineIs("prevote 1/7>")(screen)
	})
	p.keys("Enter")
	p.waitFor("the first prediction", lastLineIs("answer a/b/c>"))

	// Wrong: the lesson says so and explains.
	p.answer("answer a/b/c> ", "a")
	p.waitFor("the correction", func(screen string) bool {
		return strings.Contains(screen, "Not quite: you said a)") && strings.Contains(screen, "step 3/7: Heal") &&
			lastLineIs("prevote 3/7>")(screen)
	})
	p.answer("prevote 3/7> ", "hint")
	p.waitFor("the hint", func(screen string) bool {
		return strings.Contains(screen, "Hint: heal, then tick 30.") && lastLineIs("prevote 3/7>")(screen)
	})
	p.answer("prevote 3/7> ", "heal")
	p.waitFor("the next command asked for", lastLineIs("prevote 3/7>"))
	p.answer("prevote 3/7> ", "tick 30")
	p.waitFor("the second prediction", func(screen string) bool {
		return strings.Contains(screen, "step 4/7: Could n3 win?") && lastLineIs("answer a/b>")(screen)
	})
	// Right.
	p.answer("answer a/b> ", "b")
	p.waitFor("the confirmation", func(screen string) bool {
		return strings.Contains(screen, "Right: b) no: its log lacks x=1") && lastLineIs("prevote 5/7>")(screen)
	})
	// Back to step 4: the cluster is rebuilt as it was, the question asked again.
	p.answer("prevote 5/7> ", "back")
	p.waitFor("step 4 again", lastLineIs("answer a/b>"))
	if !strings.Contains(p.scrollback(), "Going back to step 4/7") {
		t.Error("back did not say where it went")
	}
	p.answer("answer a/b> ", "b")
	p.waitFor("step 5 again", lastLineIs("prevote 5/7>"))
	playPrevoteFromStep5(p)
	screen := p.waitFor("the end of the lesson and the shell", func(screen string) bool {
		return strings.Contains(screen, "Lesson prevote complete.") && lastLine(screen) == "$"
	})
	if !strings.Contains(screen, "Predictions: 2 of 3 right.") {
		t.Errorf("the recap does not count one wrong answer:\n%s", screen)
	}
	progress, err := os.ReadFile(filepath.Join(p.dir, "state", "raftctl", "lessons-completed"))
	if err != nil || !strings.Contains(string(progress), "prevote") {
		t.Errorf("progress file: %v %q", err, progress)
	}
}

// playPrevoteFromStep5 plays the prevote lesson from step 5 (the learner
// at the step-5 prompt) to its last command: the third prediction right,
// then heal and tick 30.
func playPrevoteFromStep5(p *pane) {
	p.keys("Enter")
	p.waitFor("the third prediction", lastLineIs("answer a/b>"))
	p.answer("answer a/b> ", "a")
	p.waitFor("the last step", lastLineIs("prevote 7/7>"))
	p.answer("prevote 7/7> ", "heal")
	p.waitFor("the next command asked for", lastLineIs("prevote 7/7>"))
	p.answer("prevote 7/7> ", "tick 30")
}
