package lessons

import (
	"strings"
)

// Chapter 3 of the thesis teaches basic Raft, the algorithm of its
// Fig. 3.1. The cluster's defaults turn on extensions of later chapters
// (PreVote, CheckQuorum, the leader no-op, conflict hints, pipelining), so
// a chapter-3 lesson names each of them in its first cluster line, and the
// lesson's introduction says which are on.

// extension is a switch of the cluster line that departs from Fig. 3.1.
type extension struct {
	option string // the cluster option, as in `cluster 3 hint=off`
	off    string // its value in basic Raft
	name   string // what the learner reads
}

var chapterThreeSwitches = []extension{
	{option: "prevote", off: "off", name: "PreVote (§9.6)"},
	{option: "checkquorum", off: "off", name: "CheckQuorum (§6.2)"},
	{option: "noop", off: "off", name: "the leader's no-op entry (§6.4)"},
	{option: "hint", off: "off", name: "conflict hints for log repair (§3.5)"},
	{option: "inflight", off: "1", name: "pipelining of AppendEntries (§10.2.2)"},
}

// teachesChapterThree reports whether the lesson's section is in chapter 3.
func teachesChapterThree(lesson *Lesson) bool {
	return strings.HasPrefix(lesson.Section, "3.")
}

// clusterOptions reads the options of the lesson's first `cluster` setup
// line (option -> value).
func clusterOptions(lesson *Lesson) (map[string]string, bool) {
	for _, line := range lesson.Setup {
		for _, command := range strings.Split(line, ";") {
			words := strings.Fields(command)
			if len(words) == 0 || words[0] != "cluster" {
				continue
			}
			values := map[string]string{}
			for _, word := range words[1:] {
				if name, value, found := strings.Cut(word, "="); found {
					values[name] = value
				}
			}
			return values, true
		}
	}
	return nil, false
}

// missingSwitches lists the extensions a chapter-3 lesson's cluster line
// leaves to the defaults.
func missingSwitches(lesson *Lesson) []string {
	if !teachesChapterThree(lesson) {
		return nil
	}
	values, found := clusterOptions(lesson)
	var missing []string
	for _, switchOf := range chapterThreeSwitches {
		if _, set := values[switchOf.option]; !found || !set {
			missing = append(missing, switchOf.option)
		}
	}
	return missing
}

// chapterThreeExtensions is the sentence that tells a chapter-3 lesson's
// learner which algorithm runs: basic Raft, or which extensions are on.
func chapterThreeExtensions(lesson *Lesson) string {
	if !teachesChapterThree(lesson) {
		return ""
	}
	values, _ := clusterOptions(lesson)
	var on []string
	for _, switchOf := range chapterThreeSwitches {
		if value, set := values[switchOf.option]; set && value != switchOf.off {
			on = append(on, switchOf.name)
		}
	}
	if len(on) == 0 {
		return "The cluster runs basic Raft, the algorithm of thesis Fig. 3.1: no PreVote, no CheckQuorum, no leader no-op, no conflict hints, one AppendEntries in flight per follower."
	}
	return "The cluster runs the algorithm of thesis Fig. 3.1 with these extensions on: " + strings.Join(on, ", ") + "."
}
