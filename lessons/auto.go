package lessons

import (
	"fmt"
	"io"
	"strings"
)

// Auto plays a lesson by itself, as a learner who answers every prediction
// right and types every named command, echoing each input after its
// prompt. It checks every expectation and returns an error naming the
// first step that does not behave as the lesson says (or Validate's error):
// a setup or run line
// that printed an error, a prediction the cluster does not confirm, a try
// step whose expectation holds before its last command (the learner would
// be moved on early) or does not hold after it.
//
// With a deterministic console (manual pacing, a fixed seed), two runs
// write the same bytes.
func Auto(lesson *Lesson, console Console, out io.Writer) error {
	if err := lesson.Validate(); err != nil {
		return err
	}
	r := start(lesson, console, out, true)
	for !r.done && len(r.problems) == 0 {
		index := r.index
		step := &lesson.Steps[index]
		switch step.Kind {
		case Narrative:
			r.typeLine("")
		case Predict:
			r.typeLine(step.Answer)
		case Try:
			if holds, _, _, err := r.holdsAll(step.Expect); err == nil && holds {
				r.problem("expect %s already holds before `%s`: the step would pass on any command", strings.Join(step.Expect, ", "), step.Commands[0])
				break
			}
			for i, command := range step.Commands {
				r.typeLine(command)
				if len(r.problems) > 0 {
					break
				}
				last := i == len(step.Commands)-1
				if !last && r.index != index {
					r.index = index // name the step that moved on early
					r.problem("expect %s held after `%s`, before the step's last command `%s`", strings.Join(step.Expect, ", "), command, step.Commands[len(step.Commands)-1])
					break
				}
				if last && r.index == index && !r.done {
					_, condition, found, err := r.holdsAll(step.Expect)
					if err != nil {
						found = err.Error()
					}
					r.problem("after `%s`: expected %s, found %s", command, condition, found)
				}
			}
		}
		if !r.done && r.index == index && len(r.problems) == 0 {
			r.problem("the step did not move on")
		}
	}
	if len(r.problems) > 0 {
		return r.problems[0]
	}
	if !r.completed {
		return fmt.Errorf("lesson %s: did not complete", lesson.Name)
	}
	return nil
}

// typeLine echoes a line after the prompt, as a terminal would show it,
// and gives it to the runner.
func (r *Runner) typeLine(line string) {
	r.printf("%s\n", strings.TrimRight(r.Prompt()+line, " "))
	r.Input(line)
}
