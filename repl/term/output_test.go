//go:build !js

package term

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// TestOutputHoldsLinesWhileThePromptIsShown: nothing reaches the terminal
// while holding, whole lines are taken in order, and an unfinished line
// waits for its newline.
func TestOutputHoldsLinesWhileThePromptIsShown(t *testing.T) {
	var terminal bytes.Buffer
	output := NewOutput(&terminal)
	fmt.Fprint(output, "before\n")
	output.hold()
	fmt.Fprint(output, "trace 1\ntrace 2\npart")
	if terminal.String() != "before\n" {
		t.Fatalf("written while holding: %q", terminal.String())
	}
	if !output.hasCompleteLines() {
		t.Fatal("hasCompleteLines = false with two whole lines held")
	}
	if lines := string(output.takeCompleteLines()); lines != "trace 1\ntrace 2\n" {
		t.Fatalf("takeCompleteLines = %q", lines)
	}
	if output.hasCompleteLines() {
		t.Fatal("hasCompleteLines = true with only an unfinished line held")
	}
	if err := output.release(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(output, "ial\n")
	if want := "before\npartial\n"; terminal.String() != want {
		t.Fatalf("terminal = %q, want %q", terminal.String(), want)
	}
}

// TestOutputConcurrentWriters runs writers against the prompt loop's calls;
// run with -race. Every line arrives once, whole.
func TestOutputConcurrentWriters(t *testing.T) {
	var terminal bytes.Buffer
	output := NewOutput(&terminal)
	var shown bytes.Buffer
	var writers sync.WaitGroup
	for writer := range 4 {
		writers.Go(func() {
			for line := range 100 {
				fmt.Fprintf(output, "writer %d line %d\n", writer, line)
			}
		})
	}
	for range 50 {
		output.hold()
		shown.Write(output.takeCompleteLines())
		_ = output.release()
	}
	writers.Wait()
	_ = output.release()
	all := terminal.String() + shown.String()
	if got := bytes.Count([]byte(all), []byte("\n")); got != 400 {
		t.Fatalf("%d lines arrived, want 400", got)
	}
}
