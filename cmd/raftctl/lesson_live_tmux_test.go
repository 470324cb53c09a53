package main

import (
	"strings"
	"testing"
	"time"
)

// TestLessonInsideALiveRepl starts a lesson inside `raftctl repl`, whose
// own cluster runs live, and waits four seconds before the first answer:
// the lesson's cluster is paced by the lesson, so every expectation holds
// as under --auto. After the lesson, the learner's cluster is back with
// the key written before it.
func TestLessonInsideALiveRepl(t *testing.T) {
	p := startPane(t)
	p.startRepl("--color=never")
	p.typeLine("put mine 42")
	p.waitFor("the put", func(screen string) bool {
		return strings.Contains(screen, "ok put mine=42") && promptShows("")(screen)
	})
	p.typeLine("lesson prevote")
	p.waitFor("the first step", func(screen string) bool {
		return strings.Contains(screen, "step 1/7: A lonely server") && lastLineIs("prevote 1/7>")(screen)
	})
	p.keys("Enter")
	p.waitFor("the first prediction", lastLineIs("answer a/b/c>"))
	// A learner who reads slowly: under live pacing n3 would be at term
	// 20 or so by now.
	time.Sleep(4 * time.Second)
	p.answer("answer a/b/c> ", "b")
	p.waitFor("the answer shown", func(screen string) bool {
		return strings.Contains(screen, "Right: b)") && lastLineIs("prevote 3/7>")(screen)
	})
	p.answer("prevote 3/7> ", "heal")
	p.waitFor("the next command asked for", lastLineIs("prevote 3/7>"))
	p.answer("prevote 3/7> ", "tick 30")
	p.waitFor("the second prediction", lastLineIs("answer a/b>"))
	p.answer("answer a/b> ", "b")
	p.waitFor("step 5", lastLineIs("prevote 5/7>"))
	playPrevoteFromStep5(p)
	p.waitFor("the end of the lesson and the learner's cluster", func(screen string) bool {
		return strings.Contains(screen, "Lesson prevote complete.") && strings.Contains(screen, "Back to your cluster") &&
			promptShows("")(screen)
	})
	all := p.scrollback()
	if strings.Contains(all, "Lesson note") || !strings.Contains(all, "Predictions: 3 of 3 right.") {
		t.Errorf("the lesson did not hold as under --auto:\n%s", all)
	}
	p.typeLine("get mine")
	p.waitFor("the learner's key", func(screen string) bool {
		_, after, found := strings.Cut(screen, "raftctl> get mine")
		return found && strings.Contains(after, "mine=42") && promptShows("")(screen)
	})
}

// TestLessonResumesAtTheStepReached: Ctrl-D leaves a lesson saying where,
// and starting it again offers to continue there.
func TestLessonResumesAtTheStepReached(t *testing.T) {
	p := startPane(t)
	p.keys("clear", "Enter")
	p.waitFor("a cleared screen", func(screen string) bool { return strings.TrimSpace(screen) == "$" })
	p.text(p.binary + " lesson prevote --color=never")
	p.keys("Enter")
	p.waitFor("the first step", lastLineIs("prevote 1/7>"))
	p.keys("Enter")
	p.waitFor("the first prediction", lastLineIs("answer a/b/c>"))
	p.answer("answer a/b/c> ", "b")
	p.waitFor("step 3", lastLineIs("prevote 3/7>"))
	p.keys("C-d")
	p.waitFor("where the learner left off, and the shell", func(screen string) bool {
		return strings.Contains(screen, "Left lesson prevote at step 3/7") && lastLine(screen) == "$"
	})
	p.keys("clear", "Enter")
	p.waitFor("a cleared screen", func(screen string) bool { return strings.TrimSpace(screen) == "$" })
	p.text(p.binary + " lesson prevote --color=never")
	p.keys("Enter")
	p.waitFor("the offer to continue", func(screen string) bool {
		return strings.Contains(screen, "Last time you reached step 3/7: type continue") && lastLineIs("prevote 1/7>")(screen)
	})
	p.answer("prevote 1/7> ", "continue")
	p.waitFor("step 3 again", func(screen string) bool {
		return strings.Contains(screen, "step 3/7: Heal") && lastLineIs("prevote 3/7>")(screen)
	})
	p.keys("C-d")
	p.waitFor("the shell", func(screen string) bool { return lastLine(screen) == "$" })
	p.text(p.binary + " lesson prevote --from 5 --color=never")
	p.keys("Enter")
	p.waitFor("step 5", lastLineIs("prevote 5/7>"))
	if !strings.Contains(p.scrollback(), "Starting at step 5/7") {
		t.Error("--from 5 did not say where it starts")
	}
}
