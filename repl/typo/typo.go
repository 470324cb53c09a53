// Package typo finds what a mistyped word was meant to be: the REPL's
// commands, options and conditions, and the lessons' names.
package typo

import "strings"

// Closest returns the candidate closest to word (compared in lower case),
// if it is close enough to be a typo: fewer than len(word)/3+2 edits.
// It returns "" when nothing is that close.
func Closest(word string, candidates []string) string {
	word = strings.ToLower(word)
	best, bestDistance := "", len(word)/3+2
	for _, candidate := range candidates {
		if distance := Distance(word, candidate); distance < bestDistance {
			best, bestDistance = candidate, distance
		}
	}
	return best
}

// Distance is the number of edits between a and b: letters inserted,
// deleted or replaced, and two neighbouring letters swapped counting as
// one (the optimal string alignment distance).
func Distance(a, b string) int {
	previous2 := make([]int, len(b)+1)
	previous := make([]int, len(b)+1)
	current := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				current[j] = min(current[j], previous2[j-2]+1)
			}
		}
		previous2, previous, current = previous, current, previous2
	}
	return previous[len(b)]
}
