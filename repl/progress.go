package repl

import "raftctl/lessons"

// ProgressKeeper keeps the completed lessons somewhere other than a
// directory: the browser has no files, so the page keeps them in its
// localStorage.
type ProgressKeeper interface {
	Load() (lessons.Progress, error)
	MarkCompleted(name string) error
}

// markCompleted records a completed lesson where the session keeps its
// progress (Options.Progress, else Options.ProgressDir, else nowhere).
func (s *Session) markCompleted(name string) {
	var err error
	switch {
	case s.options.Progress != nil:
		err = s.options.Progress.MarkCompleted(name)
	case s.options.ProgressDir != "":
		err = lessons.MarkCompleted(s.options.ProgressDir, name)
	}
	if err != nil {
		s.println("warning: cannot save your progress: " + err.Error())
	}
}
