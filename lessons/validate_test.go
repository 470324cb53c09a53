package lessons

import (
	"strings"
	"testing"
)

// TestEmbeddedLessonsAreValid parses and validates every lesson file, and
// holds the lessons to the house rules: 5 to 10 steps, at least one
// prediction, and the lessons the course promises, with their sections,
// in teaching order.
func TestEmbeddedLessonsAreValid(t *testing.T) {
	lessons, err := parseFS(files, "files")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ name, section string }{
		{"basics", "3.3"},
		{"election", "3.4"},
		{"split-vote", "3.4"},
		{"replication", "3.5"},
		{"log-repair", "3.5"},
		{"election-restriction", "3.6.1"},
		{"figure8", "3.6.2"},
		{"persistence", "3.8"},
		{"timing", "3.9"},
		{"prevote", "9.6"},
		{"check-quorum", "6.2"},
		{"reads", "6.4"},
		{"leader-transfer", "3.10"},
		{"add-server", "4.1"},
		{"remove-leader", "4.2.2"},
		{"disruptive-servers", "4.2.3"},
		{"joint-consensus", "4.3"},
	}
	if len(lessons) < len(want) {
		t.Fatalf("%d lessons, want at least %d", len(lessons), len(want))
	}
	for i, w := range want {
		if lessons[i].Name != w.name || lessons[i].Section != w.section {
			t.Errorf("lesson %d is %s (§%s), want %s (§%s)", i+1, lessons[i].Name, lessons[i].Section, w.name, w.section)
		}
	}
	for _, lesson := range lessons {
		// A lesson fits in one sitting; figure8 (both endings of thesis
		// Fig. 3.7, then the bug) and reads (three kinds of read, each
		// tried) take the most.
		if n := len(lesson.Steps); n < 5 || n > 11 {
			t.Errorf("%s: %d steps, want 5 to 11", lesson.File, n)
		}
		predictions := 0
		for _, step := range lesson.Steps {
			if step.Kind == Predict {
				predictions++
			}
			for _, paragraph := range step.Text {
				if words := len(strings.Fields(paragraph)); words > 120 {
					t.Errorf("%s:%d: a paragraph of %d words; keep them short", lesson.File, step.Line, words)
				}
			}
		}
		if predictions == 0 {
			t.Errorf("%s: no prediction", lesson.File)
		}
	}
}

// A valid lesson that each case below breaks in one way.
const validLesson = `lesson: sample
title: Sample
section: §3.4
summary: A sample.
setup: cluster 3 prevote=off checkquorum=off noop=off hint=off inflight=1

--- narrative
Text citing (thesis §3.4) and (thesis Fig. 3.7).

--- predict
Which?
a) one
b) two
answer: b
explain: Because.

--- predict
How many?
answer: 3
explain: Three.

--- try
command: campaign n1
expect: role n1 candidate
hint: Campaign.
explain: It should be a candidate.

--- recap
Done.
`

func TestValidateCatchesMistakes(t *testing.T) {
	lesson, err := Parse("sample.lesson", []byte(validLesson))
	if err != nil {
		t.Fatal(err)
	}
	if err := lesson.Validate(); err != nil {
		t.Fatalf("the sample lesson should be valid: %v", err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"unknown section cited in text", "(thesis §3.4)", "(thesis §3.14)", "cites §3.14"},
		{"unknown lesson section", "section: §3.4", "section: §12.1", "section §12.1 is not a known thesis section"},
		{"unknown figure", "Fig. 3.7", "Fig. 3.17", "cites Fig. 3.17"},
		{"try without expectation", "expect: role n1 candidate\n", "", "a try step needs an expect: condition"},
		{"try without command", "command: campaign n1\n", "", "a try step needs a command: line"},
		{"try without hint", "hint: Campaign.\n", "", "a try step needs a hint:"},
		{"try without explanation", "explain: It should be a candidate.\n", "", "a try step needs an explain:"},
		{"prediction without explanation", "explain: Because.\n", "", "a prediction needs an explain:"},
		{"prediction without answer", "answer: b\n", "", "a prediction needs an answer:"},
		{"answer not among the choices", "answer: b", "answer: c", `answer "c" is not among the choices a, b`},
		{"number answer not a number", "answer: 3", "answer: three", "wants a whole number"},
		{"one choice only", "b) two\n", "", "at least two choices"},
		{"bad name", "lesson: sample", "lesson: Sample Lesson", "lesson name"},
		{"no recap", "--- recap\nDone.\n", "", "missing recap"},
		{"no setup", "setup: cluster 3 prevote=off checkquorum=off noop=off hint=off inflight=1\n", "", "missing setup"},
		{"chapter 3 leaves an extension to the defaults", " hint=off inflight=1\n", "\n", "missing: hint, inflight"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			text := strings.Replace(validLesson, test.from, test.to, 1)
			if text == validLesson {
				t.Fatalf("%q not in the sample lesson", test.from)
			}
			lesson, err := Parse("sample.lesson", []byte(text))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			err = lesson.Validate()
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("Validate() = %v; want an error containing %q", err, test.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "empty lesson file"},
		{"unknown header", "lesson: x\nauthor: me\n", `sample.lesson:2: "author: me": before the first step`},
		{"header twice", "lesson: x\nlesson: y\n", "sample.lesson:2: lesson given twice"},
		{"unknown kind", "lesson: x\n--- quiz\n", `sample.lesson:2: unknown step kind "quiz"`},
		{"choice out of order", "lesson: x\n--- predict\nQ?\na) one\nc) two\n", "sample.lesson:5: choice \"c)\" out of order"},
		{"answer twice", "lesson: x\n--- predict\nQ?\nanswer: 1\nanswer: 2\n", "sample.lesson:5: answer given twice"},
		{"step after recap", "lesson: x\n--- recap\nDone.\n--- narrative\n", "sample.lesson:4: the recap must be the last part"},
		{"empty field", "lesson: x\n--- try\ncommand:\n", "sample.lesson:3: command: missing value"},
		{"REPL line continued", "lesson: x\n--- narrative\nText.\nrun: campaign n1;\n  stabilize\n", "sample.lesson:5: run: a REPL line cannot continue"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			_, err := Parse("sample.lesson", []byte(test.text))
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("Parse() error %v; want one containing %q", err, test.want)
			}
		})
	}
}

func TestParseReadsTheFormat(t *testing.T) {
	text := "# comment\nlesson: x\ntitle: A title\n  that continues\nsection: 3.5\n" +
		"--- narrative: First\nOne line\nand the next.\n\n- an item\n- another\n| pre  formatted\n| kept\nrun: status\n" +
		"--- predict\nQ?\na) one\n   continued\nb) two\nanswer: a\nexplain: Because\n  of this.\n"
	lesson, err := Parse("sample.lesson", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if lesson.Title != "A title that continues" || lesson.Section != "3.5" {
		t.Errorf("title %q section %q", lesson.Title, lesson.Section)
	}
	narrative := lesson.Steps[0]
	wantText := []string{"One line and the next.", "- an item", "- another", "| pre  formatted\n| kept"}
	if strings.Join(narrative.Text, "|") != strings.Join(wantText, "|") || narrative.Title != "First" || narrative.Run[0] != "status" {
		t.Errorf("narrative %+v", narrative)
	}
	predict := lesson.Steps[1]
	if predict.Choices[0] != "one continued" || predict.Explain != "Because of this." || predict.Line != 15 || len(predict.Choices) != 2 {
		t.Errorf("predict %+v", predict)
	}
	if got := wrap(narrative.Text[3], "  "); got != "  pre  formatted\n  kept" {
		t.Errorf("preformatted text printed as %q", got)
	}
}

func TestWrapKeepsCodeSpansWhole(t *testing.T) {
	text := strings.Repeat("word ", 13) + "`partition n1|n2,n3` and more"
	for _, line := range strings.Split(wrap(text, "  "), "\n") {
		if strings.Count(line, "`")%2 != 0 {
			t.Errorf("a code span was broken: %q", line)
		}
		if len(line) > width {
			t.Errorf("line longer than %d: %q", width, line)
		}
	}
}
