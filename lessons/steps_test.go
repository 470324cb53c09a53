package lessons

import (
	"maps"
	"testing"
)

func TestStepsRoundTrip(t *testing.T) {
	directory := t.TempDir()
	if steps, err := LoadSteps(directory); err != nil || len(steps) != 0 {
		t.Fatalf("no file: %v, %v", steps, err)
	}
	for _, save := range []struct {
		name string
		step int
	}{{"prevote", 3}, {"basics", 2}, {"prevote", 5}, {"basics", 0}} {
		if err := SaveStep(directory, save.name, save.step); err != nil {
			t.Fatal(err)
		}
	}
	steps, err := LoadSteps(directory)
	if err != nil || !maps.Equal(steps, map[string]int{"prevote": 5}) {
		t.Fatalf("LoadSteps = %v, %v; want prevote at 5, basics forgotten", steps, err)
	}
	if err := SaveStep(directory, "../escape", 1); err == nil {
		t.Fatal("SaveStep accepted a name that is not a lesson name")
	}
}
