package typo

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"kill", "kill", 0}, {"", "abc", 3}, {"kill", "", 4},
		{"partiton", "partition", 1},  // a letter missing
		{"patrition", "partition", 1}, // two letters swapped
		{"stauts", "status", 1},
		{"heal", "kill", 3},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	candidates := []string{"partition", "put", "prevote", "status"}
	for word, want := range map[string]string{
		"partiton": "partition", "PUT": "put", "stauts": "status", "prevot": "prevote", "frobnicate": "", "": "",
	} {
		if got := Closest(word, candidates); got != want {
			t.Errorf("Closest(%q) = %q, want %q", word, got, want)
		}
	}
}
