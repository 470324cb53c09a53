package repl

import (
	"io"
	"strconv"
	"strings"

	"raftctl/lessons"
)

// A lesson runs inside the session as a mode: while it runs, every line
// goes to the lesson's runner, which runs REPL commands through the session
// itself (lessonConsole) and prose, predictions and checks of its own.

func lessonCommands() []Command {
	return []Command{{
		Name: "lesson", Usage: "lesson [NAME [STEP]]", Group: groupObservation, Section: "§3.2",
		Summary: "Without NAME, list the guided lessons; with NAME, start one on clusters of its own, " +
			"from STEP if given (then type answers, commands, hint, skip, back, restart or quit; " +
			"your cluster comes back when the lesson ends).",
		Example:   "lesson prevote",
		Arguments: []Argument{{Kind: ArgumentWords, Words: lessonNames()}, {Kind: ArgumentFree}},
		Run:       runLesson,
	}}
}

func lessonNames() []string {
	var names []string
	for _, lesson := range lessons.All() {
		names = append(names, lesson.Name)
	}
	return names
}

func runLesson(s *Session, arguments []string) error {
	switch len(arguments) {
	case 0:
		s.printLessons()
		return nil
	case 1, 2:
	default:
		return usageError("lesson")
	}
	lesson, err := lessons.Find(arguments[0])
	if err != nil {
		return invalid("%v", err)
	}
	from := 0
	if len(arguments) == 2 {
		from, err = strconv.Atoi(arguments[1])
		if err != nil || from < 1 || from > len(lesson.Steps) {
			return invalid("lesson %s %s: want a step from 1 to %d, e.g. lesson %s 2", lesson.Name, arguments[1], len(lesson.Steps), lesson.Name)
		}
	}
	// The lesson's clusters are in memory, beside the learner's (stored in
	// --data, remote, or live), which waits untouched.
	if err := s.enterLessonCluster(); err != nil {
		return err
	}
	name := lesson.Name
	s.lesson = lessons.StartAt(lesson, lessonConsole{s}, sessionWriter{s}, lessons.Place{
		From:   from,
		Saved:  s.lessonStep(name),
		OnStep: func(step int) { s.saveLessonStep(name, step) },
	})
	s.finishLesson()
	return nil
}

// printLessons lists the lessons, marking the completed ones.
func (s *Session) printLessons() {
	progress := s.lessonProgress()
	var rows [][]string
	for _, lesson := range lessons.All() {
		mark := " "
		if progress.Done(lesson.Name) {
			mark = "✓"
		}
		rows = append(rows, []string{mark, lesson.Name, "§" + lesson.Section, hangHere + lesson.Summary})
	}
	s.printTable(rows)
}

// lessonProgress reads the completed lessons; without a progress directory
// (or with an unreadable file) nothing is marked.
func (s *Session) lessonProgress() lessons.Progress {
	if s.options.Progress != nil {
		progress, err := s.options.Progress.Load()
		if err != nil {
			s.println("warning: " + err.Error())
		}
		return progress
	}
	if s.options.ProgressDir == "" {
		return lessons.Progress{}
	}
	progress, err := lessons.LoadProgress(s.options.ProgressDir)
	if err != nil {
		s.println("warning: " + err.Error())
	}
	return progress
}

// InLesson reports whether a lesson runs: lines go to it.
func (s *Session) InLesson() bool {
	s.execution.Lock()
	defer s.execution.Unlock()
	return s.lesson != nil
}

// LeaveLesson ends the running lesson where the learner is, as quit does
// (Ctrl-D in the terminal): it says where the learner left off, keeps the
// place, and gives the learner's cluster back. Without a lesson it does
// nothing.
func (s *Session) LeaveLesson() {
	s.execution.Lock()
	defer s.execution.Unlock()
	if s.lesson == nil {
		return
	}
	s.lesson.Leave()
	s.finishLesson()
}

// inLesson passes a line to the running lesson.
func (s *Session) inLesson(line string) {
	s.lesson.Input(line)
	s.finishLesson()
}

// finishLesson ends the lesson mode once the lesson is over, and records a
// completed lesson.
func (s *Session) finishLesson() {
	if s.lesson == nil || !s.lesson.Done() {
		return
	}
	if s.lesson.Completed() {
		s.markCompleted(s.lesson.Lesson().Name)
	}
	s.lesson = nil
	if !s.options.QuitAfterLesson {
		s.leaveLessonCluster()
	}
	if s.options.QuitAfterLesson {
		s.quitting = true
	}
}

// Prompt is what an interactive front end shows before the next line: the
// lesson's prompt while a lesson runs, empty otherwise (the front end's own).
func (s *Session) Prompt() string {
	s.execution.Lock()
	defer s.execution.Unlock()
	if s.lesson != nil {
		return s.lesson.Prompt()
	}
	return ""
}

// AutoLesson plays a lesson by itself with its expected answers and checks
// every expectation (raftctl lesson NAME --auto); the error names the step
// that failed.
func (s *Session) AutoLesson(name string) error {
	s.execution.Lock()
	defer s.execution.Unlock()
	lesson, err := lessons.Find(name)
	if err != nil {
		return err
	}
	err = lessons.Auto(lesson, lessonConsole{s}, sessionWriter{s})
	if err == nil {
		s.markCompleted(lesson.Name)
	}
	return err
}

// lessonConsole is the session as a lesson sees it. The session's execution
// lock is already held (the lesson runs inside Exec).
type lessonConsole struct{ s *Session }

// Run runs one REPL line; ok is false when it printed an error.
func (c lessonConsole) Run(line string) bool {
	s := c.s
	s.asynchronousFailed = false
	status := s.runCommands(line)
	return status == StatusOK && !s.lastFailed && !s.asynchronousFailed
}

// Holds evaluates an expect condition without printing.
func (c lessonConsole) Holds(condition string) (bool, string, error) {
	return c.s.holds(condition)
}

// sessionWriter writes a lesson's text through the session's output lock.
type sessionWriter struct{ s *Session }

func (w sessionWriter) Write(data []byte) (int, error) {
	w.s.output.Lock()
	defer w.s.output.Unlock()
	return io.WriteString(w.s.options.Out, strings.ReplaceAll(string(data), "\r", ""))
}
