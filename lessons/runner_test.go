package lessons_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"raftctl/lessons"
)

// demoLesson is a small lesson for the runner tests, played on a
// scriptedConsole.
const demoLesson = `
lesson: demo
title: A demo
section: §9.6
summary: A lesson for the runner tests.
setup: cluster 3

--- narrative: Intro
Hello (thesis §3.4).
run: status

--- predict: Pick one
Which one?
a) one
b) two
answer: b
explain: Because two.
run: show
expect: shown

--- try: Elect
command: campaign n1
command: stabilize
expect: leader n1
hint: Campaign, then stabilize.
explain: Both are needed.

--- predict: Count
How many?
answer: 3
explain: Three it is.

--- recap
- Done.
`

// scriptedConsole is a stand-in for the REPL: it records the lines it
// runs and keeps a set of conditions that hold. "cluster 3" resets it,
// "show" makes "shown" hold, and "stabilize" after "campaign n1" makes
// "leader n1" hold. A line starting with "bad" fails.
type scriptedConsole struct {
	out   *strings.Builder
	lines []string
	state map[string]bool
}

func newScriptedConsole(out *strings.Builder) *scriptedConsole {
	return &scriptedConsole{out: out, state: map[string]bool{}}
}

func (c *scriptedConsole) Run(line string) bool {
	c.lines = append(c.lines, line)
	fmt.Fprintf(c.out, "[ran %s]\n", line)
	switch strings.Join(strings.Fields(line), " ") {
	case "cluster 3":
		c.state = map[string]bool{}
	case "show":
		c.state["shown"] = true
	case "campaign n1":
		c.state["campaigned"] = true
	case "stabilize":
		if c.state["campaigned"] {
			c.state["leader n1"] = true
		}
	}
	if strings.HasPrefix(line, "bad") {
		fmt.Fprintf(c.out, "error: %s\n", line)
		return false
	}
	return true
}

func (c *scriptedConsole) Holds(condition string) (bool, string, error) {
	if strings.HasPrefix(condition, "bogus") {
		return false, "", errors.New("unknown condition")
	}
	if c.state[condition] {
		return true, condition, nil
	}
	return false, "not " + condition, nil
}

func parseDemo(t *testing.T, text string) *lessons.Lesson {
	t.Helper()
	lesson, err := lessons.Parse("demo.lesson", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if err := lesson.Validate(); err != nil {
		t.Fatal(err)
	}
	return lesson
}

// startDemo starts the demo lesson; the returned function gives the
// output written since it was last called.
func startDemo(t *testing.T) (*lessons.Runner, *scriptedConsole, func() string) {
	t.Helper()
	var out strings.Builder
	console := newScriptedConsole(&out)
	runner := lessons.Start(parseDemo(t, demoLesson), console, &out)
	seen := 0
	since := func() string {
		text := out.String()[seen:]
		seen = out.Len()
		return text
	}
	return runner, console, since
}

func mustContain(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
}

func TestStartRunsSetupAndShowsFirstStep(t *testing.T) {
	runner, console, since := startDemo(t)
	mustContain(t, since(), "Lesson demo: A demo (thesis §9.6 Preventing disruptions when a server rejoins the cluster)", "> cluster 3", "[ran cluster 3]",
		"step 1/4: Intro", "Hello (thesis §3.4).", "[ran status]", "(Enter to go on)")
	if got := runner.Prompt(); got != "demo 1/4> " {
		t.Errorf("prompt %q, want %q", got, "demo 1/4> ")
	}
	if want := []string{"cluster 3", "status"}; !slices.Equal(console.lines, want) {
		t.Errorf("console ran %q, want %q", console.lines, want)
	}
}

func TestPredictionWrongThenRightIsGradedAndExplained(t *testing.T) {
	runner, _, since := startDemo(t)
	runner.Input("")
	if got := runner.Prompt(); got != "answer a/b> " {
		t.Errorf("prompt %q, want %q", got, "answer a/b> ")
	}
	mustContain(t, since(), "step 2/4: Pick one", "a) one", "b) two", "Answer with a or b")
	runner.Input("a")
	mustContain(t, since(), "Not quite: you said a) one; the answer is b) two.", "Because two.", "> show", "[ran show]", "step 3/4: Elect")
	runner.Input("campaign n1")
	runner.Input("stabilize")
	if got := runner.Prompt(); got != "answer number> " {
		t.Errorf("prompt %q, want %q", got, "answer number> ")
	}
	since()
	if done := runner.Input("3"); !done {
		t.Error("the lesson should be done after the last step")
	}
	mustContain(t, since(), "Right: 3.", "Three it is.", "Recap: A demo", "- Done.", "Predictions: 1 of 2 right.", "Lesson demo complete.")
	if !runner.Done() || !runner.Completed() || runner.Prompt() != "" {
		t.Errorf("done %v, completed %v, prompt %q: want true, true, empty", runner.Done(), runner.Completed(), runner.Prompt())
	}
}

func TestInvalidAnswersAreRefused(t *testing.T) {
	runner, console, since := startDemo(t)
	runner.Input("")
	since()
	runner.Input("d")
	mustContain(t, since(), "Answer with a or b")
	runner.Input("(B)")
	mustContain(t, since(), "Right: b) two.")
	runner.Input("campaign n1")
	runner.Input("stabilize")
	since()
	runner.Input("3x")
	mustContain(t, since(), "Answer with a number")
	runner.Input("")
	mustContain(t, since(), "Answer with a number")
	if slices.Contains(console.lines, "3x") {
		t.Error("a malformed answer ran on the console")
	}
}

func TestExploringCommandsRunBetweenSteps(t *testing.T) {
	runner, console, since := startDemo(t)
	runner.Input("status n2")
	runner.Input("")
	runner.Input("log n1")
	if !slices.Contains(console.lines, "status n2") || !slices.Contains(console.lines, "log n1") {
		t.Errorf("console ran %q, want status n2 and log n1 among them", console.lines)
	}
	if got := runner.Prompt(); got != "answer a/b> " {
		t.Errorf("exploring should not answer: prompt %q", got)
	}
	runner.Input("b")
	since()
	runner.Input("msgs")
	mustContain(t, since(), "[ran msgs]")
	if got := runner.Prompt(); got != "demo 3/4> " {
		t.Errorf("an exploring command should not pass the try step: prompt %q", got)
	}
	runner.Input("campaign  n1")
	mustContain(t, since(), "Good. Type: `stabilize`")
	runner.Input("stabilize")
	mustContain(t, since(), "ok: leader n1", "step 4/4: Count")
}

func TestNamedCommandThatDoesNotWorkIsExplained(t *testing.T) {
	runner, _, since := startDemo(t)
	runner.Input("")
	runner.Input("b")
	since()
	runner.Input("stabilize")
	mustContain(t, since(), "Not yet: expected leader n1, found not leader n1.", "Both are needed.", "hint gives a hint")
	if got := runner.Prompt(); got != "demo 3/4> " {
		t.Errorf("prompt %q, want the try step still", got)
	}
}

func TestNamedCommandThatFailsIsNotPraised(t *testing.T) {
	text := strings.Replace(demoLesson, "command: campaign n1\n", "command: bad start\ncommand: campaign n1\n", 1)
	var out strings.Builder
	runner := lessons.Start(parseDemo(t, text), newScriptedConsole(&out), &out)
	runner.Input("")
	runner.Input("b")
	out.Reset()
	runner.Input("bad start")
	mustContain(t, out.String(), "That did not work (see the error above).")
	if strings.Contains(out.String(), "Good.") {
		t.Errorf("a failed command was praised:\n%s", out.String())
	}
}

func TestHint(t *testing.T) {
	runner, _, since := startDemo(t)
	runner.Input("hint")
	mustContain(t, since(), "Press Enter to go on.")
	runner.Input("")
	since()
	runner.Input("hint")
	mustContain(t, since(), "No hint for this one")
	runner.Input("b")
	since()
	runner.Input("HINT")
	mustContain(t, since(), "Hint: Campaign, then stabilize.")
}

func TestSkip(t *testing.T) {
	runner, console, since := startDemo(t)
	runner.Input("skip")
	since()
	runner.Input("skip")
	mustContain(t, since(), "Skipped. The answer: b) two.", "Because two.", "[ran show]", "step 3/4")
	runner.Input("campaign n1")
	since()
	runner.Input("skip")
	out := since()
	mustContain(t, out, "running the step's commands for you", "> stabilize", "step 4/4")
	if strings.Contains(out, "> campaign n1") {
		t.Errorf("skip ran a command the learner had typed already:\n%s", out)
	}
	if !console.state["leader n1"] {
		t.Error("skip should leave the cluster where the step leaves it")
	}
	runner.Input("skip")
	mustContain(t, since(), "Skipped. The answer: 3.", "Predictions: 0 of 2 right.")
	if !runner.Completed() {
		t.Error("a lesson finished by skipping is completed")
	}
}

func TestBackRebuildsTheCluster(t *testing.T) {
	runner, console, since := startDemo(t)
	runner.Input("back")
	mustContain(t, since(), "This is the first step")
	runner.Input("")
	runner.Input("b")
	runner.Input("campaign n1")
	runner.Input("stabilize")
	console.lines = nil
	since()
	runner.Input("back")
	mustContain(t, since(), "Going back to step 3/4", "step 3/4: Elect")
	if want := []string{"cluster 3", "status", "show"}; !slices.Equal(console.lines, want) {
		t.Errorf("back ran %q, want %q", console.lines, want)
	}
	if console.state["leader n1"] {
		t.Error("back should set the cluster up as it was before the step")
	}
	runner.Input("campaign n1")
	runner.Input("stabilize")
	runner.Input("3")
	mustContain(t, since(), "Predictions: 2 of 2 right.")
}

func TestRestartStartsOver(t *testing.T) {
	runner, console, since := startDemo(t)
	runner.Input("")
	runner.Input("a")
	console.lines = nil
	since()
	runner.Input("restart")
	mustContain(t, since(), "Starting lesson demo again", "step 1/4: Intro")
	if want := []string{"cluster 3", "status"}; !slices.Equal(console.lines, want) {
		t.Errorf("restart ran %q, want %q", console.lines, want)
	}
	runner.Input("restart n2")
	if !slices.Contains(console.lines, "restart n2") {
		t.Error("restart NODE is the REPL command and should run on the console")
	}
	for _, line := range []string{"", "b", "campaign n1", "stabilize", "3"} {
		runner.Input(line)
	}
	mustContain(t, since(), "Predictions: 2 of 2 right.")
}

func TestQuit(t *testing.T) {
	runner, _, since := startDemo(t)
	runner.Input("")
	if done := runner.Input("quit"); !done {
		t.Error("quit should end the lesson")
	}
	mustContain(t, since(), "Left lesson demo at step 2/4; starting it again offers to continue from there.")
	if !runner.Done() || runner.Completed() {
		t.Errorf("done %v, completed %v: want true, false", runner.Done(), runner.Completed())
	}
	if done := runner.Input("status"); !done {
		t.Error("input after the end should report done")
	}
	if out := since(); out != "" {
		t.Errorf("input after the end printed %q", out)
	}
}

func TestAutoPlaysTheDemo(t *testing.T) {
	var out strings.Builder
	if err := lessons.Auto(parseDemo(t, demoLesson), newScriptedConsole(&out), &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	mustContain(t, out.String(), "demo 1/4>\n", "answer a/b> b\n", "demo 3/4> campaign n1\n", "answer number> 3\n", "Lesson demo complete.")
}

func TestAutoNamesTheFailingStep(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           []string
	}{
		{"expectation never holds", "expect: leader n1\nhint:", "expect: leader n2\nhint:",
			[]string{"step 3/4", `try "Elect"`, "after `stabilize`: expected leader n2, found not leader n2"}},
		{"expectation holds too early", "command: campaign n1\ncommand: stabilize\nexpect: leader n1", "command: campaign n1\ncommand: stabilize\nexpect: campaigned",
			[]string{"step 3/4", "expect campaigned held after `campaign n1`, before the step's last command `stabilize`"}},
		{"expectation holds before", "command: campaign n1\ncommand: stabilize\nexpect: leader n1", "command: campaign n1\ncommand: stabilize\nexpect: shown",
			[]string{"step 3/4", "expect shown already holds before `campaign n1`"}},
		{"prediction not shown", "expect: shown", "expect: leader n1",
			[]string{"step 2/4", "the cluster did not show it: expected leader n1, found not leader n1"}},
		{"setup fails", "setup: cluster 3", "setup: cluster 3\nsetup: bad line",
			[]string{"lesson demo: setup:", `"bad line" printed an error`}},
		{"condition does not parse", "expect: leader n1\nhint:", "expect: bogus\nhint:",
			[]string{"step 3/4", "expect bogus: unknown condition"}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			text := strings.Replace(demoLesson, test.from, test.to, 1)
			if text == demoLesson {
				t.Fatalf("%q not in the demo lesson", test.from)
			}
			var out strings.Builder
			err := lessons.Auto(parseDemo(t, text), newScriptedConsole(&out), &out)
			if err == nil {
				t.Fatalf("Auto succeeded; want an error\n%s", out.String())
			}
			mustContain(t, err.Error(), test.want...)
		})
	}
}

func TestAutoAllowsMarkedFailures(t *testing.T) {
	text := strings.Replace(demoLesson, "run: status", "run: -bad but expected", 1)
	var out strings.Builder
	if err := lessons.Auto(parseDemo(t, text), newScriptedConsole(&out), &out); err != nil {
		t.Fatalf("a line starting with - may fail: %v", err)
	}
	mustContain(t, out.String(), "> bad but expected\n")
}

func TestFindSuggestsTheNearestName(t *testing.T) {
	tests := map[string]string{
		"electon":      "election",
		"pervote":      "prevote",
		"figure-8":     "figure8",
		"log-repiar":   "log-repair",
		"check_quorum": "check-quorum",
		"persist":      "persistence",
	}
	for typo, want := range tests {
		_, err := lessons.Find(typo)
		if !errors.Is(err, lessons.ErrUnknownLesson) {
			t.Errorf("Find(%q): error %v, want ErrUnknownLesson", typo, err)
			continue
		}
		if !strings.Contains(err.Error(), "did you mean "+want+"?") {
			t.Errorf("Find(%q): %v; want it to suggest %s", typo, err, want)
		}
	}
	if _, err := lessons.Find("paxos"); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("Find(paxos): %v; want an error without a suggestion", err)
	}
	lesson, err := lessons.Find("prevote")
	if err != nil || lesson.Name != "prevote" {
		t.Errorf("Find(prevote) = %v, %v", lesson, err)
	}
}

// TestEveryLineOnATryStepGetsAnAnswer: a line that is not one of the
// step's commands runs, and the lesson says what it still waits for; once
// every command was typed but the cluster is elsewhere, Enter says what is
// expected, never an empty list of commands.
func TestEveryLineOnATryStepGetsAnAnswer(t *testing.T) {
	runner, console, since := startDemo(t)
	runner.Input("")
	runner.Input("b")
	since()
	runner.Input("msgs")
	mustContain(t, squash(since()), "[ran msgs]", "That ran on the cluster. This step still waits: Type, one line at a time: `campaign n1`, then `stabilize`")
	runner.Input("campaign n1")
	since()
	console.state["campaigned"] = false // the learner's exploring undid it
	runner.Input("stabilize")
	since()
	runner.Input("")
	text := since()
	mustContain(t, squash(text), "you typed its commands, but it expects leader n1 and found not leader n1", "again sets the cluster up as this step began")
	if strings.Contains(text, "Type, one line at a time: \n") || strings.Contains(text, "Type, one line at a time:  ") {
		t.Errorf("an empty list of commands:\n%s", text)
	}
	runner.Input("again")
	mustContain(t, squash(since()), "Again at step 3/4", "step 3/4: Elect", "Type, one line at a time: `campaign n1`, then `stabilize`")
	runner.Input("campaign n1")
	runner.Input("stabilize")
	mustContain(t, squash(since()), "ok: leader n1", "step 4/4: Count")
}

// squash joins wrapped prose back into one line of single spaces.
func squash(text string) string { return strings.Join(strings.Fields(text), " ") }
