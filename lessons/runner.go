package lessons

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Console is the REPL session a lesson drives.
type Console interface {
	// Run runs one REPL line, printing its output; false if it printed an
	// error.
	Run(line string) (ok bool)
	// Holds evaluates an expect condition silently: whether it holds, and
	// what was found.
	Holds(condition string) (holds bool, found string, err error)
}

// Runner plays one lesson, one input line at a time: the same state
// machine behind a terminal, a script and a browser. It writes prose to
// its writer and runs REPL lines through the Console, whose output goes
// wherever the console prints.
type Runner struct {
	lesson  *Lesson
	console Console
	out     io.Writer

	// index is the current step; len(lesson.Steps) once finished.
	index int
	// next is, on a try step, the first of its commands the learner has
	// not typed yet.
	next int
	// results holds, per predict step answered, whether the answer was
	// right (skipped predictions have no entry).
	results   map[int]bool
	done      bool
	completed bool

	// auto is set by Auto: problems are collected instead of printed.
	auto     bool
	problems []error
	// inSetup is set while the setup lines run, to name them in problems.
	inSetup bool

	// explored is set when the learner ran a line of their own on the
	// current step: a surprise from the cluster is then explained by it.
	explored bool

	// saved is the step (0-based) the learner reached last time, offered
	// by `continue` while on the first step; 0 offers nothing.
	saved int
	// onStep is told each step shown (0-based), and len(Steps) once the
	// lesson is complete, to keep the learner's place.
	onStep func(step int)
}

// Place is where a lesson starts and how it keeps the learner's place.
type Place struct {
	// From is the step to start at, 1-based; 0 or 1 is the beginning.
	From int
	// Saved is the step (1-based) the learner reached last time; above 1,
	// the first step offers to go on from there.
	Saved int
	// OnStep, when set, is told the step (1-based) each time one is shown,
	// and 0 once the lesson is complete.
	OnStep func(step int)
}

// Start prints the lesson's introduction, runs its setup lines and shows
// the first step.
func Start(lesson *Lesson, console Console, out io.Writer) *Runner {
	return StartAt(lesson, console, out, Place{})
}

// StartAt is Start at a place: from a step (the steps before it are
// replayed with their expected answers and commands), offering the step
// reached last time, and reporting each step shown.
func StartAt(lesson *Lesson, console Console, out io.Writer, place Place) *Runner {
	r := newRunner(lesson, console, out, false)
	r.onStep = place.OnStep
	if place.Saved > 1 && place.Saved <= len(lesson.Steps) && place.From <= 1 {
		r.saved = place.Saved - 1
	}
	r.introduce()
	if place.From > 1 && place.From <= len(lesson.Steps) {
		r.rebuildSaying(place.From-1, "Starting at")
		return r
	}
	r.begin()
	return r
}

func start(lesson *Lesson, console Console, out io.Writer, auto bool) *Runner {
	r := newRunner(lesson, console, out, auto)
	r.introduce()
	r.begin()
	return r
}

func newRunner(lesson *Lesson, console Console, out io.Writer, auto bool) *Runner {
	if out == nil {
		out = io.Discard
	}
	return &Runner{lesson: lesson, console: console, out: out, auto: auto, results: map[int]bool{}}
}

// introduce prints the lesson's title, summary and the words that steer it.
func (r *Runner) introduce() {
	r.printf("Lesson %s: %s (thesis %s)\n", r.lesson.Name, r.lesson.Title, SectionTitle(r.lesson.Section))
	r.paragraph(r.lesson.Summary)
	r.paragraph("Press Enter to go on. hint, skip, again, back, restart and quit steer the lesson; any other line runs on the cluster.")
	if extensions := chapterThreeExtensions(r.lesson); extensions != "" {
		r.paragraph(extensions)
	}
}

// begin sets the cluster up and shows the first step.
func (r *Runner) begin() {
	r.printf("\nSetting up the cluster:\n")
	r.setup()
	if len(r.lesson.Steps) == 0 {
		r.finish()
		return
	}
	if r.saved > 0 {
		r.paragraph(fmt.Sprintf("Last time you reached step %d/%d: type continue to go on from there.", r.saved+1, len(r.lesson.Steps)))
	}
	r.show()
}

// Leave ends the lesson where the learner is (quit, Ctrl-D), saying where
// that is and how to come back to it.
func (r *Runner) Leave() {
	if r.done {
		return
	}
	r.printf("Left lesson %s at step %d/%d; starting it again offers to continue from there.\n",
		r.lesson.Name, r.index+1, len(r.lesson.Steps))
	r.done = true
}

// Done reports whether the lesson is over: finished or quit.
func (r *Runner) Done() bool { return r.done }

// Completed reports whether the learner reached the end (not quit).
func (r *Runner) Completed() bool { return r.completed }

// Lesson is the lesson being run.
func (r *Runner) Lesson() *Lesson { return r.lesson }

// Prompt is what to show before the next input line: "prevote 3/8> ", or
// "answer a/b/c> " while a prediction waits for its answer; "" once done.
func (r *Runner) Prompt() string {
	if r.done {
		return ""
	}
	step := &r.lesson.Steps[r.index]
	if step.Kind == Predict {
		if len(step.Choices) > 0 {
			return "answer " + step.letters("/") + "> "
		}
		return "answer number> "
	}
	return fmt.Sprintf("%s %d/%d> ", r.lesson.Name, r.index+1, len(r.lesson.Steps))
}

// Input handles one line typed by the learner and reports whether the
// lesson is over. A lesson word (hint, skip, back, restart, quit, help)
// steers the lesson; an empty line goes on from a narrative step; an
// answer answers a prediction; any other line runs on the console, and on
// a try step the step's expectation is checked after it.
func (r *Runner) Input(line string) (done bool) {
	if r.done {
		return true
	}
	line = strings.TrimSpace(line)
	switch strings.ToLower(line) {
	case "quit", "exit":
		r.Leave()
		return true
	case "hint":
		r.hint()
		return false
	case "skip":
		r.skip()
		return r.done
	case "back":
		if r.index == 0 {
			r.paragraph("This is the first step; restart sets the cluster up again.")
			return false
		}
		r.rebuild(r.index - 1)
		return false
	case "restart":
		r.results = map[int]bool{}
		r.rebuild(0)
		return false
	case "again":
		r.rebuildSaying(r.index, "Again at")
		return false
	case "continue":
		if r.saved > 0 && r.index == 0 {
			target := r.saved
			r.saved = 0
			r.rebuildSaying(target, "Going on at")
			return false
		}
	case "help", "?":
		r.help()
		return false
	}
	step := &r.lesson.Steps[r.index]
	switch step.Kind {
	case Narrative:
		if line == "" {
			r.advance()
			return r.done
		}
		r.explored = true
		r.console.Run(line)
	case Predict:
		if line == "" {
			r.paragraph(answerRequest(step))
			return false
		}
		if answer, attempted := parseAnswer(step, line); attempted {
			if answer == "" {
				r.paragraph(answerRequest(step))
				return false
			}
			r.grade(step, answer)
			return r.done
		}
		r.explored = true
		r.console.Run(line)
	case Try:
		if line == "" {
			r.paragraph(r.waitingFor(step))
			return false
		}
		r.try(step, line)
	}
	return r.done
}

// try runs a learner's line on a try step and checks the step.
func (r *Runner) try(step *Step, line string) {
	ok := r.console.Run(line)
	typed := -1
	for i, command := range step.Commands {
		if normalize(command) == normalize(line) {
			typed = i
		}
	}
	if ok && typed >= r.next {
		r.next = typed + 1
	}
	if typed < 0 {
		r.explored = true
	}
	holds, condition, found, err := r.holdsAll(step.Expect)
	switch {
	case err != nil:
		r.problem("expect %s: %v", condition, err)
	case holds:
		r.paragraph("ok: " + describeConditions(step.Expect))
		r.advance()
	case typed == len(step.Commands)-1:
		r.printf("  Not yet: expected %s, found %s.\n", condition, found)
		r.paragraph(step.Explain)
		r.paragraph(steering)
	case typed >= 0 && !ok:
		r.paragraph("That did not work (see the error above). " + steering)
	case typed >= 0:
		r.paragraph("Good. " + r.waitingFor(step))
	default:
		// A line of the learner's own: it ran; say what the step waits for.
		r.paragraph("That ran on the cluster. This step still waits: " + r.waitingFor(step))
	}
}

// waitingFor says what a try step waits for: the commands not typed yet,
// or, once all were typed, the condition that does not hold yet.
func (r *Runner) waitingFor(step *Step) string {
	if r.next < len(step.Commands) {
		return typeRequest(step.Commands[r.next:])
	}
	_, condition, found, _ := r.holdsAll(step.Expect)
	return fmt.Sprintf("you typed its commands, but it expects %s and found %s. %s", condition, found, steering)
}

// steering reminds a learner who is stuck of the lesson words.
const steering = "again sets the cluster up as this step began (back: the step before, restart: the beginning); hint gives a hint; skip moves on."

// grade answers a prediction: right or wrong, the explanation, then the
// run lines that show it on the cluster.
func (r *Runner) grade(step *Step, answer string) {
	right := answer == expectedAnswer(step)
	r.results[r.index] = right
	if right {
		r.paragraph("Right: " + describeAnswer(step, step.Answer) + ".")
	} else {
		r.paragraph("Not quite: you said " + describeAnswer(step, answer) + "; the answer is " + describeAnswer(step, step.Answer) + ".")
	}
	r.reveal(step)
}

// reveal explains a prediction, runs its lines and checks it, then moves on.
func (r *Runner) reveal(step *Step) {
	r.paragraph(step.Explain)
	r.runLines(step.Run)
	if holds, condition, found, err := r.holdsAll(step.Expect); err != nil {
		r.problem("expect %s: %v", condition, err)
	} else if !holds && r.explored && !r.auto {
		r.paragraph(fmt.Sprintf("This time the cluster went another way (expected %s, found %s): the lines you ran before answering changed its course. back replays this step as the lesson planned it.", condition, found))
	} else if !holds {
		r.problem("the cluster did not show it: expected %s, found %s", condition, found)
	}
	r.advance()
}

func (r *Runner) hint() {
	step := &r.lesson.Steps[r.index]
	switch {
	case step.Hint != "":
		r.paragraph("Hint: " + step.Hint)
	case step.Kind == Narrative:
		r.paragraph("Press Enter to go on.")
	case step.Kind == Predict:
		r.paragraph("No hint for this one: make your best guess, and the cluster will show the answer.")
	default:
		r.paragraph(r.waitingFor(step))
	}
}

// skip moves on: a prediction shows its answer unanswered; a try step runs
// the commands the learner has not typed yet, so the next step finds the
// cluster where it expects it.
func (r *Runner) skip() {
	step := &r.lesson.Steps[r.index]
	switch step.Kind {
	case Narrative:
		r.advance()
	case Predict:
		delete(r.results, r.index)
		r.paragraph("Skipped. The answer: " + describeAnswer(step, step.Answer) + ".")
		r.reveal(step)
	case Try:
		r.printf("  Skipped: running the step's commands for you.\n")
		r.runCommands(step.Commands[r.next:])
		if holds, condition, found, err := r.holdsAll(step.Expect); err == nil && !holds {
			r.paragraph(fmt.Sprintf("The cluster is not where this step leaves it (expected %s, found %s); back or restart sets it up again.", condition, found))
		}
		r.advance()
	}
}

// rebuild sets the cluster up again and replays the steps before target,
// with their expected answers and commands, then shows target.
func (r *Runner) rebuild(target int) {
	r.rebuildSaying(target, "Going back to")
}

// rebuildSaying is rebuild, with the verb of its heading: going back to a
// step, or going on at one (continue, a start at a step).
func (r *Runner) rebuildSaying(target int, going string) {
	if target == 0 {
		r.printf("\nStarting lesson %s again:\n", r.lesson.Name)
	} else {
		r.printf("\n%s step %d/%d: setting the cluster up as the steps before it leave it:\n", going, target+1, len(r.lesson.Steps))
	}
	r.setup()
	for i := 0; i < target; i++ {
		step := &r.lesson.Steps[i]
		if step.Kind == Try {
			r.runCommands(step.Commands)
		} else {
			r.runLines(step.Run)
		}
	}
	for i := range r.results {
		if i >= target {
			delete(r.results, i)
		}
	}
	r.index, r.next, r.explored = target, 0, false
	r.show()
}

func (r *Runner) help() {
	r.paragraph("In a lesson: Enter goes on from an explanation; hint gives a hint; skip moves on (running the step's commands for you); again sets the cluster up as this step began; back returns to the previous step; restart starts over; quit leaves the lesson. Any other line is a REPL command run on the cluster, e.g. status, log or help partition.")
}

func (r *Runner) advance() {
	r.index++
	r.next = 0
	r.explored = false
	if r.index >= len(r.lesson.Steps) {
		r.finish()
		return
	}
	r.show()
}

// show prints the current step and, on a narrative step, runs its lines.
func (r *Runner) show() {
	if r.onStep != nil {
		r.onStep(r.index + 1)
	}
	step := &r.lesson.Steps[r.index]
	heading := fmt.Sprintf("step %d/%d", r.index+1, len(r.lesson.Steps))
	if step.Title != "" {
		heading += ": " + step.Title
	}
	r.printf("\n%s\n", heading)
	for i, text := range step.Text {
		if i > 0 {
			r.printf("\n")
		}
		r.paragraph(text)
	}
	switch step.Kind {
	case Narrative:
		r.runLines(step.Run)
		r.paragraph("(Enter to go on)")
	case Predict:
		for i, choice := range step.Choices {
			r.printf("%s\n", hang(choice, "    "+letter(i)+") ", "       "))
		}
		r.paragraph(answerRequest(step))
	case Try:
		r.paragraph(typeRequest(step.Commands))
	}
}

func (r *Runner) finish() {
	r.done, r.completed = true, true
	if r.onStep != nil {
		r.onStep(0)
	}
	r.printf("\nRecap: %s (thesis %s)\n", r.lesson.Title, SectionTitle(r.lesson.Section))
	for _, text := range r.lesson.Recap {
		r.printf("%s\n", wrap(text, "  "))
	}
	if asked := r.predictions(); asked > 0 {
		right := 0
		for _, correct := range r.results {
			if correct {
				right++
			}
		}
		r.printf("  Predictions: %d of %d right.\n", right, asked)
	}
	r.printf("Lesson %s complete.\n", r.lesson.Name)
}

// predictions counts the lesson's predict steps.
func (r *Runner) predictions() int {
	count := 0
	for i := range r.lesson.Steps {
		if r.lesson.Steps[i].Kind == Predict {
			count++
		}
	}
	return count
}

// setup runs the lesson's setup lines.
func (r *Runner) setup() {
	r.inSetup = true
	r.runLines(r.lesson.Setup)
	r.inSetup = false
}

// runLines echoes and runs setup or run lines. A line that prints an
// error is a problem of the lesson unless it starts with "-".
func (r *Runner) runLines(lines []string) {
	r.run(lines, true)
}

// runCommands echoes and runs a try step's commands for the learner (skip,
// back); they may print errors (`check` on a broken cluster), since the
// step's expectation is what counts.
func (r *Runner) runCommands(commands []string) {
	r.run(commands, false)
}

func (r *Runner) run(lines []string, strict bool) {
	for _, line := range lines {
		command, mayFail := line, !strict
		if strict {
			command, mayFail = stripMayFail(line)
		}
		r.printf("> %s\n", command)
		if !r.console.Run(command) && !mayFail {
			r.problem("%q printed an error (start the line with - if the lesson expects that)", command)
		}
	}
}

// holdsAll checks every condition; it returns the first that does not
// hold, with what was found.
func (r *Runner) holdsAll(conditions []string) (holds bool, condition, found string, err error) {
	for _, condition := range conditions {
		holds, found, err := r.console.Holds(condition)
		if err != nil || !holds {
			return false, condition, found, err
		}
	}
	return true, "", "", nil
}

// problem records something that did not go as the lesson says: in Auto
// it fails the run; for a learner it is a short note, and the lesson goes
// on.
func (r *Runner) problem(format string, arguments ...any) {
	message := fmt.Sprintf(format, arguments...)
	if r.auto {
		where := "setup"
		if !r.inSetup && r.index < len(r.lesson.Steps) {
			step := &r.lesson.Steps[r.index]
			where = fmt.Sprintf("step %d/%d (%s", r.index+1, len(r.lesson.Steps), step.Kind)
			if step.Title != "" {
				where += " " + strconv.Quote(step.Title)
			}
			where += ", line " + strconv.Itoa(step.Line) + ")"
		}
		r.problems = append(r.problems, fmt.Errorf("lesson %s: %s: %s", r.lesson.Name, where, message))
		return
	}
	r.paragraph("(Lesson note: " + message + ".)")
}

func (r *Runner) printf(format string, arguments ...any) {
	_, _ = fmt.Fprintf(r.out, format, arguments...)
}

// paragraph prints wrapped prose with a two-space indent.
func (r *Runner) paragraph(text string) {
	if text != "" {
		r.printf("%s\n", wrap(text, "  "))
	}
}

// parseAnswer reads a prediction's answer. attempted reports whether the
// line looks like an answer at all (one letter, or a word starting with a
// digit) rather than a REPL command; answer is "" when it looks like one
// but is not a valid one.
func parseAnswer(step *Step, line string) (answer string, attempted bool) {
	word := strings.Trim(strings.ToLower(strings.TrimSpace(line)), "().")
	if strings.ContainsAny(word, " \t") || word == "" {
		return "", false
	}
	if len(step.Choices) > 0 {
		if len(word) != 1 || word[0] < 'a' || word[0] > 'z' {
			return "", false
		}
		if step.choiceText(word) == "" {
			return "", true
		}
		return word, true
	}
	number, err := strconv.ParseInt(word, 10, 64)
	if err != nil {
		return "", word[0] >= '0' && word[0] <= '9' || word[0] == '-'
	}
	return strconv.FormatInt(number, 10), true
}

// expectedAnswer is the step's answer in the form parseAnswer returns.
func expectedAnswer(step *Step) string {
	if len(step.Choices) > 0 {
		return strings.ToLower(step.Answer)
	}
	if number, err := strconv.ParseInt(step.Answer, 10, 64); err == nil {
		return strconv.FormatInt(number, 10)
	}
	return step.Answer
}

func answerRequest(step *Step) string {
	if len(step.Choices) > 0 {
		letters := strings.Split(step.letters(","), ",")
		choices := letters[0]
		if last := len(letters) - 1; last > 0 {
			choices = strings.Join(letters[:last], ", ") + " or " + letters[last]
		}
		return "Answer with " + choices + " (or explore first: any REPL command runs)."
	}
	return "Answer with a number (or explore first: any REPL command runs)."
}

func typeRequest(commands []string) string {
	if len(commands) == 1 {
		return "Type: `" + commands[0] + "`"
	}
	quoted := make([]string, len(commands))
	for i, command := range commands {
		quoted[i] = "`" + command + "`"
	}
	return "Type, one line at a time: " + strings.Join(quoted, ", then ")
}

func describeAnswer(step *Step, answer string) string {
	if text := step.choiceText(answer); text != "" && len(step.Choices) > 0 {
		return answer + ") " + text
	}
	return answer
}

// describeConditions says in words what a step's conditions checked.
func describeConditions(conditions []string) string {
	described := make([]string, len(conditions))
	for i, condition := range conditions {
		switch strings.TrimSpace(condition) {
		case "error":
			described[i] = "the command reported an error, as expected"
		case "safe":
			described[i] = "no safety property violated"
		default:
			described[i] = condition
		}
	}
	return strings.Join(described, ", ")
}
