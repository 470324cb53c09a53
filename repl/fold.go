package repl

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Repeated trace lines are folded: a leader retrying a dead follower sends
// the same AppendEntries about twenty times a second at `trace rpc`, and the
// lines that matter scroll away. The first line of its kind in a second is
// shown; the others are counted and summed up in one line when the second
// is over (or when the command ends):
//
//	1.235s ... 19 more like this since 0.230s: n1 -> n3 dropped AppendEntries: n3 is down
//
// Lines are alike when they are equal but for their time and message number.

// foldWindow is how long repeats of a shown line are counted, not shown.
const foldWindow = time.Second

// messageNumber matches the " (#12)" a message line ends with.
var messageNumber = regexp.MustCompile(` \(#[0-9]+\)`)

// foldKey is what alike lines share: the rendered line without its time,
// message numbers and hang mark (the summary places its own).
func foldKey(line string) string {
	fields := strings.SplitN(strings.TrimLeft(line, " "), " ", 2)
	if len(fields) < 2 {
		return line
	}
	return strings.ReplaceAll(messageNumber.ReplaceAllString(fields[1], ""), hangHere, "")
}

// folder decides which trace lines are shown. Guarded by the session's
// rendering lock.
type folder struct {
	groups map[string]*foldGroup
	// oldest is the earliest since of the groups: until it is a window
	// old, no group ends, and expire (called for every record) returns at
	// once instead of going through every group.
	oldest time.Duration
}

// foldGroup counts the repeats of one line within a window.
type foldGroup struct {
	key string
	// since is when the line was last shown: the window's start.
	since time.Duration
	// more counts the repeats not shown since.
	more int
}

// admit reports whether a line of this key at time at is shown, and
// returns the summaries of windows that are over by then.
func (f *folder) admit(key string, at time.Duration) (show bool, summaries []string) {
	summaries = f.expire(at, false)
	if group := f.groups[key]; group != nil {
		group.more++
		return false, summaries
	}
	if f.groups == nil {
		f.groups = map[string]*foldGroup{}
	}
	if len(f.groups) == 0 || at < f.oldest {
		f.oldest = at
	}
	f.groups[key] = &foldGroup{key: key, since: at}
	return true, summaries
}

// expire ends the windows that are over at time now (all of them when
// everything is true) and returns the summaries of those that counted
// repeats, oldest first.
func (f *folder) expire(now time.Duration, everything bool) []string {
	if len(f.groups) == 0 || !everything && now-f.oldest < foldWindow {
		return nil
	}
	var ended []*foldGroup
	first := true
	for key, group := range f.groups {
		if everything || now-group.since >= foldWindow {
			delete(f.groups, key)
			if group.more > 0 {
				ended = append(ended, group)
			}
		} else if first || group.since < f.oldest {
			f.oldest, first = group.since, false
		}
	}
	slices.SortFunc(ended, func(a, b *foldGroup) int {
		if a.since != b.since {
			return int(a.since - b.since)
		}
		return strings.Compare(a.key, b.key)
	})
	summaries := make([]string, len(ended))
	for i, group := range ended {
		summaries[i] = fmt.Sprintf("  %s %s... %d more like this since %s: %s", formatTime(now), hangHere, group.more, formatTime(group.since), group.key)
	}
	return summaries
}
