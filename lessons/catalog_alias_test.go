package lessons

import "testing"

func TestFindTakesTheThesisNameOfFigure8(t *testing.T) {
	lesson, err := Find("old-term-commit")
	if err != nil || lesson.Name != "figure8" {
		t.Fatalf("Find(old-term-commit) = %v, %v; want figure8", lesson, err)
	}
}
