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

// StepKeeper is a ProgressKeeper that also keeps the step reached in each
// unfinished lesson; a ProgressKeeper without it keeps steps in the
// session's memory only.
type StepKeeper interface {
	LoadStep(name string) (int, error)
	SaveStep(name string, step int) error
}

// lessonStep is the step (1-based) the learner reached in a lesson, 0 if
// none is kept.
func (s *Session) lessonStep(name string) int {
	if keeper, ok := s.options.Progress.(StepKeeper); ok {
		step, err := keeper.LoadStep(name)
		if err != nil {
			s.println("warning: " + err.Error())
		}
		return step
	}
	if s.options.Progress == nil && s.options.ProgressDir != "" {
		steps, err := lessons.LoadSteps(s.options.ProgressDir)
		if err != nil {
			s.println("warning: " + err.Error())
		}
		return steps[name]
	}
	return s.steps[name]
}

// saveLessonStep keeps the step reached (0 once the lesson is complete)
// where the session keeps progress, and in memory.
func (s *Session) saveLessonStep(name string, step int) {
	if s.steps == nil {
		s.steps = map[string]int{}
	}
	if step > 0 {
		s.steps[name] = step
	} else {
		delete(s.steps, name)
	}
	var err error
	if keeper, ok := s.options.Progress.(StepKeeper); ok {
		err = keeper.SaveStep(name, step)
	} else if s.options.Progress == nil && s.options.ProgressDir != "" {
		err = lessons.SaveStep(s.options.ProgressDir, name, step)
	}
	if err != nil && !s.stepWarned {
		s.stepWarned = true
		s.println("warning: cannot save your place in the lesson: " + err.Error())
	}
}
