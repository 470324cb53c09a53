package lessons

import (
	"fmt"
	"slices"
	"strings"
)

// Parse reads a lesson file (the format is described in the package
// documentation). It checks the syntax only; Validate checks the content.
func Parse(file string, data []byte) (*Lesson, error) {
	p := &parser{file: file, lesson: &Lesson{File: file}}
	for i, line := range strings.Split(string(data), "\n") {
		p.line = i + 1
		if err := p.parseLine(strings.TrimRight(line, " \t\r")); err != nil {
			return nil, err
		}
	}
	p.endParagraph()
	if p.step != nil {
		p.lesson.Steps = append(p.lesson.Steps, *p.step)
	}
	if p.line == 0 || (p.lesson.Name == "" && len(p.lesson.Steps) == 0) {
		return nil, fmt.Errorf("%s: empty lesson file", file)
	}
	return p.lesson, nil
}

// Fields of the header and of each kind of step. Fields marked list may
// repeat; each is one REPL line, so they do not continue on the next line.
var (
	headerFields = []string{"lesson", "title", "section", "summary", "setup"}
	stepFields   = map[string][]string{
		"narrative": {"run"},
		"predict":   {"answer", "explain", "hint", "run", "expect"},
		"try":       {"command", "expect", "hint", "explain"},
		"recap":     nil,
	}
	listFields = []string{"setup", "run", "expect", "command"}
)

type parser struct {
	file   string
	line   int
	lesson *Lesson

	inRecap bool
	step    *Step
	// kind is the current step's kind as written ("recap" included).
	kind string
	// paragraph collects the lines of the paragraph being read.
	paragraph []string
	// continues is the text field that an indented line extends, if any.
	continues *string
	// afterLine is set right after a field holding a REPL line, which an
	// indented line may not continue.
	afterLine string
}

func (p *parser) errorf(format string, arguments ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, p.line, fmt.Sprintf(format, arguments...))
}

func (p *parser) parseLine(line string) error {
	switch {
	case strings.HasPrefix(line, "#"):
		return nil
	case strings.HasPrefix(line, "---"):
		return p.startStep(strings.TrimSpace(strings.TrimPrefix(line, "---")))
	case strings.TrimSpace(line) == "":
		p.endParagraph()
		p.continues, p.afterLine = nil, ""
		return nil
	}
	indented := line[0] == ' ' || line[0] == '\t'
	trimmed := strings.TrimSpace(line)
	if indented && p.continues != nil {
		*p.continues += " " + trimmed
		return nil
	}
	if indented && p.afterLine != "" {
		return p.errorf("%s: a REPL line cannot continue on the next line; give each line its own %s:", p.afterLine, p.afterLine)
	}
	p.continues, p.afterLine = nil, ""
	if p.kind == "" {
		return p.headerLine(trimmed)
	}
	if key, value, ok := p.field(trimmed); ok {
		p.endParagraph()
		return p.setField(key, value)
	}
	if p.kind == "predict" && isChoice(trimmed) {
		p.endParagraph()
		want := letter(len(p.step.Choices))
		if trimmed[:1] != want {
			return p.errorf("choice %q out of order: want %s) next", trimmed[:2], want)
		}
		p.step.Choices = append(p.step.Choices, strings.TrimSpace(trimmed[2:]))
		p.continues = &p.step.Choices[len(p.step.Choices)-1]
		return nil
	}
	p.textLine(trimmed)
	return nil
}

// startStep begins a step (or the recap) from the words after "---".
func (p *parser) startStep(heading string) error {
	p.endParagraph()
	p.continues, p.afterLine = nil, ""
	if p.inRecap {
		return p.errorf("the recap must be the last part of a lesson")
	}
	kind, title, _ := strings.Cut(heading, ":")
	kind, title = strings.TrimSpace(kind), strings.TrimSpace(title)
	if _, known := stepFields[kind]; !known {
		return p.errorf("unknown step kind %q: want --- narrative, --- predict, --- try or --- recap", kind)
	}
	if p.step != nil {
		p.lesson.Steps = append(p.lesson.Steps, *p.step)
		p.step = nil
	}
	p.kind = kind
	if kind == "recap" {
		p.inRecap = true
		return nil
	}
	step := &Step{Title: title, Line: p.line}
	switch kind {
	case "narrative":
		step.Kind = Narrative
	case "predict":
		step.Kind = Predict
	case "try":
		step.Kind = Try
	}
	p.step = step
	return nil
}

// field splits "key: value" when key is a field of the current part.
func (p *parser) field(line string) (key, value string, ok bool) {
	key, value, found := strings.Cut(line, ":")
	if !found || !slices.Contains(stepFields[p.kind], key) {
		return "", "", false
	}
	return key, strings.TrimSpace(value), true
}

func (p *parser) headerLine(line string) error {
	key, value, found := strings.Cut(line, ":")
	if !found || !slices.Contains(headerFields, key) {
		return p.errorf("%q: before the first step, want one of %s: VALUE", line, strings.Join(headerFields, ", "))
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return p.errorf("%s: missing value", key)
	}
	l := p.lesson
	if key == "setup" {
		l.Setup = append(l.Setup, value)
		p.afterLine = key
		return nil
	}
	target := map[string]*string{"lesson": &l.Name, "title": &l.Title, "section": &l.Section, "summary": &l.Summary}[key]
	if *target != "" {
		return p.errorf("%s given twice", key)
	}
	if key == "section" {
		value = strings.TrimPrefix(value, "§")
	}
	*target = value
	if key != "lesson" && key != "section" {
		p.continues = target
	}
	return nil
}

func (p *parser) setField(key, value string) error {
	if value == "" {
		return p.errorf("%s: missing value", key)
	}
	s := p.step
	if slices.Contains(listFields, key) {
		list := map[string]*[]string{"run": &s.Run, "expect": &s.Expect, "command": &s.Commands}[key]
		*list = append(*list, value)
		p.afterLine = key
		return nil
	}
	target := map[string]*string{"answer": &s.Answer, "explain": &s.Explain, "hint": &s.Hint}[key]
	if *target != "" {
		return p.errorf("%s given twice in one step", key)
	}
	*target = value
	if key != "answer" {
		p.continues = target
	}
	return nil
}

// textLine adds a line of prose to the current paragraph. A "| " line is
// preformatted and a "- " line starts a list item.
func (p *parser) textLine(line string) {
	preformatted := strings.HasPrefix(line, "|")
	if len(p.paragraph) > 0 && (preformatted != strings.HasPrefix(p.paragraph[0], "|") || strings.HasPrefix(line, "- ")) {
		p.endParagraph()
	}
	p.paragraph = append(p.paragraph, line)
}

func (p *parser) endParagraph() {
	if len(p.paragraph) == 0 {
		return
	}
	separator := " "
	if strings.HasPrefix(p.paragraph[0], "|") {
		separator = "\n"
	}
	text := strings.Join(p.paragraph, separator)
	p.paragraph = nil
	if p.inRecap {
		p.lesson.Recap = append(p.lesson.Recap, text)
		return
	}
	if p.step != nil {
		p.step.Text = append(p.step.Text, text)
	}
}

// isChoice reports whether a line starts a multiple-choice answer: "a) ...".
func isChoice(line string) bool {
	return len(line) >= 3 && line[0] >= 'a' && line[0] <= 'z' && line[1] == ')' && line[2] == ' '
}
