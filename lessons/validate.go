package lessons

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	namePattern     = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	sectionCitation = regexp.MustCompile(`§\s*([0-9]+(?:\.[0-9]+)*)`)
	figureCitation  = regexp.MustCompile(`Fig(?:ure|\.)?\s*([0-9]+\.[0-9]+)`)
)

// Validate checks what Parse cannot: every part a lesson needs is there,
// answers are among their choices, and every thesis section or figure it
// cites is a known one (Sections, Figures). It reports every problem, one
// per line.
func (l *Lesson) Validate() error {
	var problems []error
	add := func(format string, arguments ...any) {
		problems = append(problems, fmt.Errorf("%s: %s", l.File, fmt.Sprintf(format, arguments...)))
	}
	if !namePattern.MatchString(l.Name) {
		add("lesson name %q: want lower-case words joined by '-', e.g. log-repair", l.Name)
	}
	if l.Title == "" {
		add("missing title")
	}
	if l.Summary == "" {
		add("missing summary")
	}
	if l.Section == "" {
		add("missing section")
	} else if _, known := Sections[l.Section]; !known {
		add("section §%s is not a known thesis section (see Sections)", l.Section)
	}
	if len(l.Setup) == 0 {
		add("missing setup: the lesson must build its own cluster")
	}
	if len(l.Steps) == 0 {
		add("no steps")
	}
	if missing := missingSwitches(l); len(missing) > 0 {
		add("a chapter-3 lesson names every extension in its cluster line (basic Raft is thesis Fig. 3.1); missing: %s", strings.Join(missing, ", "))
	}
	if len(l.Recap) == 0 {
		add("missing recap")
	}
	texts := []string{l.Title, l.Summary}
	texts = append(texts, l.Recap...)
	for i := range l.Steps {
		step := &l.Steps[i]
		where := fmt.Sprintf("line %d: step %d (%s)", step.Line, i+1, step.Kind)
		for _, problem := range step.problems() {
			add("%s: %s", where, problem)
		}
		texts = append(texts, step.Title, step.Hint, step.Explain)
		texts = append(texts, step.Text...)
		texts = append(texts, step.Choices...)
	}
	for _, text := range texts {
		for _, match := range sectionCitation.FindAllStringSubmatch(text, -1) {
			if _, known := Sections[match[1]]; !known {
				add("cites §%s, which is not a known thesis section (see Sections)", match[1])
			}
		}
		for _, match := range figureCitation.FindAllStringSubmatch(text, -1) {
			if _, known := Figures[match[1]]; !known {
				add("cites Fig. %s, which is not a known thesis figure (see Figures)", match[1])
			}
		}
	}
	return errors.Join(problems...)
}

// problems lists what a step lacks for its kind.
func (s *Step) problems() []string {
	var problems []string
	if len(s.Text) == 0 && s.Kind != Try {
		problems = append(problems, "no text (a try step may do without: the runner names its command)")
	}
	switch s.Kind {
	case Try:
		if len(s.Commands) == 0 {
			problems = append(problems, "a try step needs a command: line")
		}
		if len(s.Expect) == 0 {
			problems = append(problems, "a try step needs an expect: condition")
		}
		if s.Hint == "" {
			problems = append(problems, "a try step needs a hint:")
		}
		if s.Explain == "" {
			problems = append(problems, "a try step needs an explain: for when its expectation does not hold")
		}
	case Predict:
		if s.Answer == "" {
			problems = append(problems, "a prediction needs an answer:")
		}
		if s.Explain == "" {
			problems = append(problems, "a prediction needs an explain:")
		}
		switch {
		case len(s.Choices) == 1:
			problems = append(problems, "a multiple-choice prediction needs at least two choices")
		case len(s.Choices) > 1 && s.Answer != "" && s.choiceText(s.Answer) == "":
			problems = append(problems, fmt.Sprintf("answer %q is not among the choices %s", s.Answer, s.letters(", ")))
		case len(s.Choices) == 0 && s.Answer != "":
			if _, err := strconv.ParseInt(s.Answer, 10, 64); err != nil {
				problems = append(problems, fmt.Sprintf("answer %q: a prediction without choices wants a whole number", s.Answer))
			}
		}
	}
	for _, line := range append(append([]string{}, s.Commands...), s.Run...) {
		if strings.Contains(line, "`") {
			problems = append(problems, fmt.Sprintf("REPL line %q contains a backquote", line))
		}
	}
	return problems
}
