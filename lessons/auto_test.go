package lessons_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"raftctl/lessons"
)

// transcripts is where to write each lesson's Auto transcript, to read a
// lesson as a learner would see it: go test ./lessons -run Auto -transcripts DIR
var transcripts = flag.String("transcripts", "", "write each lesson's Auto transcript to this directory")

// autoRun plays one lesson on a fresh session and returns the transcript.
func autoRun(t *testing.T, lesson *lessons.Lesson) []byte {
	t.Helper()
	var buffer bytes.Buffer
	console := newSessionConsole(t, &buffer)
	err := lessons.Auto(lesson, console, &buffer)
	if len(console.invalid) > 0 {
		t.Errorf("lesson %s: the REPL refused these lines as invalid: %q", lesson.Name, console.invalid)
	}
	if err != nil {
		t.Errorf("%v\n--- transcript:\n%s", err, buffer.String())
	}
	return buffer.Bytes()
}

// TestAutoEveryLesson plays every lesson twice with Auto on the real REPL:
// every expectation must hold and both transcripts must be byte-identical.
func TestAutoEveryLesson(t *testing.T) {
	for _, lesson := range lessons.All() {
		t.Run(lesson.Name, func(t *testing.T) {
			t.Parallel()
			first := autoRun(t, lesson)
			second := autoRun(t, lesson)
			if !bytes.Equal(first, second) {
				t.Errorf("lesson %s: two Auto runs differ", lesson.Name)
			}
			if *transcripts != "" {
				if err := os.WriteFile(filepath.Join(*transcripts, lesson.Name+".txt"), first, 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
