package lessons

import (
	"strconv"
	"strings"
)

// Lesson is one guided lesson: what it teaches, how the cluster is set up,
// and the steps the learner walks through.
type Lesson struct {
	Name    string   // what the learner types to start it: "prevote"
	Title   string   // a short heading
	Section string   // the thesis section it teaches, without the sign: "9.6"
	Summary string   // one line
	Setup   []string // REPL lines run before the first step
	Steps   []Step
	Recap   []string // paragraphs shown at the end; "- " starts a list item
	File    string   // the file it was read from
}

// StepKind says what a step asks of the learner.
type StepKind int

const (
	// Narrative explains; the learner presses Enter to go on.
	Narrative StepKind = iota
	// Predict asks a question before the cluster shows the answer.
	Predict
	// Try names a command for the learner to type and a condition that
	// must hold afterwards.
	Try
)

func (k StepKind) String() string {
	switch k {
	case Narrative:
		return "narrative"
	case Predict:
		return "predict"
	case Try:
		return "try"
	}
	return "step kind " + strconv.Itoa(int(k))
}

// Step is one screen of a lesson. Which fields matter depends on Kind.
type Step struct {
	Kind  StepKind
	Title string
	// Text is the step's paragraphs: the explanation (narrative), the
	// question (predict) or what to do and why (try). A paragraph whose
	// lines start with "|" is printed as is; one starting "- " is a list
	// item.
	Text []string
	// Commands are the REPL lines the learner should type, in order (try).
	Commands []string
	// Expect are REPL expect conditions that must all hold: after the
	// commands (try) or after the run lines (predict).
	Expect []string
	// Hint is shown on `hint`.
	Hint string
	// Explain follows the answer (predict), or is shown when the learner
	// typed the last command and Expect still does not hold (try).
	Explain string
	// Choices of a multiple-choice prediction: Choices[0] is answer a.
	// Without choices, the answer is a whole number.
	Choices []string
	// Answer is the expected answer: a letter, or a number.
	Answer string
	// Run are REPL lines run when the step is shown (narrative) or after
	// the learner answered (predict). A line starting with "-" may print
	// an error; the "-" is not part of the command.
	Run []string
	// Line is where the step starts in its file.
	Line int
}

// letter is the answer letter of choice i: a, b, c...
func letter(i int) string { return string(rune('a' + i)) }

// letters lists the answer letters of a step: "a/b/c".
func (s *Step) letters(separator string) string {
	names := make([]string, len(s.Choices))
	for i := range s.Choices {
		names[i] = letter(i)
	}
	return strings.Join(names, separator)
}

// choiceText is the text of the choice with the given letter.
func (s *Step) choiceText(answer string) string {
	if len(answer) != 1 {
		return ""
	}
	i := int(answer[0] - 'a')
	if i < 0 || i >= len(s.Choices) {
		return ""
	}
	return s.Choices[i]
}

// stripMayFail splits the "-" prefix off a setup or run line.
func stripMayFail(line string) (command string, mayFail bool) {
	if rest, found := strings.CutPrefix(line, "-"); found {
		return strings.TrimSpace(rest), true
	}
	return line, false
}
