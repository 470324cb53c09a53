package lessons

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"raftctl/repl/typo"
)

// files holds the lessons, one file each, named NN-name.lesson: the
// number fixes the teaching order.
//
//go:embed files/*.lesson
var files embed.FS

// ErrUnknownLesson is returned by Find for a name that is not a lesson.
var ErrUnknownLesson = errors.New("unknown lesson")

var catalog struct {
	once    sync.Once
	lessons []*Lesson
	err     error
}

// load parses the embedded lessons once, in file-name order.
func load() ([]*Lesson, error) {
	catalog.once.Do(func() {
		catalog.lessons, catalog.err = parseFS(files, "files")
	})
	return catalog.lessons, catalog.err
}

// parseFS reads and validates every *.lesson file of a directory, sorted
// by name, and checks that names are unique and match their file names.
func parseFS(fsys fs.FS, directory string) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, path.Join(directory, "*.lesson"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var lessons []*Lesson
	var problems []error
	seen := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		base := path.Base(name)
		lesson, err := Parse(base, data)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if err := lesson.Validate(); err != nil {
			problems = append(problems, err)
		}
		if _, after, _ := strings.Cut(base, "-"); after != lesson.Name+".lesson" {
			problems = append(problems, fmt.Errorf("%s: want the file named NN-%s.lesson after its lesson name", base, lesson.Name))
		}
		if other, found := seen[lesson.Name]; found {
			problems = append(problems, fmt.Errorf("%s: lesson %q is also in %s", base, lesson.Name, other))
		}
		seen[lesson.Name] = base
		lessons = append(lessons, lesson)
	}
	return lessons, errors.Join(problems...)
}

// All returns the lessons in teaching order. The lessons are embedded and
// checked by the package tests, so a broken one is a build mistake: All
// panics on it rather than hide a lesson.
func All() []*Lesson {
	lessons, err := load()
	if err != nil {
		panic("lessons: embedded lesson files do not parse: " + err.Error())
	}
	return lessons
}

// aliases are other names learners know a lesson by: the thesis's figure
// is Fig. 3.7, and the paper's Figure 8 gave figure8 its name.
var aliases = map[string]string{"old-term-commit": "figure8"}

// Find returns the lesson with the given name (or an alias). For an unknown name the
// error suggests the nearest one and lists them all.
func Find(name string) (*Lesson, error) {
	if lesson, found := aliases[name]; found {
		name = lesson
	}
	all := All()
	names := make([]string, len(all))
	for i, lesson := range all {
		if lesson.Name == name {
			return lesson, nil
		}
		names[i] = lesson.Name
	}
	if suggestion := nearest(strings.ToLower(name), names); suggestion != "" {
		return nil, fmt.Errorf("%w %q (did you mean %s?); lessons: %s", ErrUnknownLesson, name, suggestion, strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("%w %q; lessons: %s", ErrUnknownLesson, name, strings.Join(names, ", "))
}

// nearest is the candidate closest to word: equal ignoring case, a unique
// prefix, or within a small edit distance; "" when nothing is close.
func nearest(word string, candidates []string) string {
	var prefixed []string
	for _, candidate := range candidates {
		if candidate == word {
			return candidate
		}
		if word != "" && strings.HasPrefix(candidate, word) {
			prefixed = append(prefixed, candidate)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return typo.Closest(word, candidates)
}
