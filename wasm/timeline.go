//go:build js && wasm

package main

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"raftctl/repl"
)

// The timeline. A session is deterministic: the same seed and the same
// lines at the same virtual instants give the same history. So the page
// goes back to an earlier moment by replaying the session's script
// (Session.Script: what record writes, with the time between lines as
// sleep) on a fresh, manually paced cluster up to that moment; typing a
// command there forks: the replayed session goes live and the later
// moments are dropped. A shared link carries the script, and the page
// that opens it replays it at the pace it was typed.

// timeline is the rewound state.
type timeline struct {
	mu sync.Mutex
	// original is the session of the present while the learner looks at
	// an earlier moment (it is paused meanwhile); nil when not rewound.
	original *repl.Session
	// script is what is replayed, end its virtual length, at the moment
	// shown.
	script  []string
	end, at time.Duration
}

func (t *timeline) active() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.original != nil
}

// timelineData is the picture's view of the timeline.
type timelineData struct {
	Active bool  `json:"active"`
	At     int64 `json:"at"`
	End    int64 `json:"end"`
}

func (t *timeline) data() timelineData {
	t.mu.Lock()
	defer t.mu.Unlock()
	return timelineData{Active: t.original != nil, At: int64(t.at), End: int64(t.end)}
}

// replayOptions build the sessions of the timeline and of shared links:
// manual pacing (time moves only with the script), nodes in memory.
func replayOptions(out io.Writer) repl.Options {
	return repl.Options{Color: true, Out: out, Progress: progress{}, Width: terminalWidth}
}

// quietUntilShown is a replayed session's output: silent while the
// script replays, the terminal once the moment is shown.
type quietUntilShown struct {
	shown atomic.Bool
	out   io.Writer
}

func (q *quietUntilShown) Write(data []byte) (int, error) {
	if !q.shown.Load() {
		return len(data), nil
	}
	return q.out.Write(data)
}

// sleepOf returns D of a `sleep D` line.
func sleepOf(line string) (time.Duration, bool) {
	words := strings.Fields(line)
	if len(words) != 2 || words[0] != "sleep" {
		return 0, false
	}
	d, err := time.ParseDuration(words[1])
	return d, err == nil
}

// replayTo runs script on a new session until its clock reaches until:
// a sleep that would pass it is cut short; a command that moves the clock
// past it (a put waits for its commit) ends the replay just after it.
func replayTo(script []string, until time.Duration, out io.Writer) (*repl.Session, error) {
	output := &quietUntilShown{out: out}
	defer output.shown.Store(true)
	session, err := repl.NewSession(replayOptions(output))
	if err != nil {
		return nil, err
	}
	for _, line := range script {
		now := session.LocalCluster().Now()
		if d, ok := sleepOf(line); ok && now+d > until {
			if until > now {
				session.Exec("sleep " + (until - now).String())
			}
			break
		}
		session.Exec(line)
		if session.LocalCluster().Now() >= until && !strings.HasPrefix(line, "cluster ") {
			break
		}
	}
	return session, nil
}

func (b *browser) exposeTimeline() {
	b.expose("scrub", func(arguments []js.Value) {
		if len(arguments) == 1 {
			at := time.Duration(arguments[0].Float() * float64(time.Millisecond))
			go b.rewind(at)
		}
	})
	b.expose("present", func([]js.Value) { go b.present() })
	b.expose("share", func([]js.Value) { go b.share() })
}

// rewind shows the moment at: the present session is paused, and a replay
// of its script up to at takes the terminal and the picture.
func (b *browser) rewind(at time.Duration) {
	b.turn.Lock()
	defer b.turn.Unlock()
	b.timeline.mu.Lock()
	original := b.timeline.original
	script, end := b.timeline.script, b.timeline.end
	b.timeline.mu.Unlock()
	if original == nil {
		original = b.session.Load()
		script = original.Script()
		if !b.replayable(script) {
			return
		}
		end = original.LocalCluster().Now()
		original.Exec("pause")
	}
	at = min(max(at, 0), end)
	session, err := replayTo(script, at, terminalOutput{b.terminal})
	if err != nil {
		b.writeString("error: " + err.Error() + "\r\n")
		return
	}
	previous := b.session.Swap(session)
	if previous != original {
		previous.Close()
	}
	b.timeline.mu.Lock()
	b.timeline.original, b.timeline.script, b.timeline.end, b.timeline.at = original, script, end, session.LocalCluster().Now()
	b.timeline.mu.Unlock()
	b.say(fmt.Sprintf("rewound to %s of %s: the cluster as it was then. Type a command to go on from here (the later moments are dropped), or press now.", formatSeconds(session.LocalCluster().Now()), formatSeconds(end)))
}

// present goes back to the present session, which runs on.
func (b *browser) present() {
	b.turn.Lock()
	defer b.turn.Unlock()
	b.timeline.mu.Lock()
	original := b.timeline.original
	b.timeline.original, b.timeline.script = nil, nil
	b.timeline.mu.Unlock()
	if original == nil {
		return
	}
	if previous := b.session.Swap(original); previous != original {
		previous.Close()
	}
	original.Exec("resume")
	b.say("back to the present.")
}

// fork makes the moment shown the present, when the learner types there.
// It runs with b.turn held.
func (b *browser) fork() {
	b.timeline.mu.Lock()
	original, at := b.timeline.original, b.timeline.at
	b.timeline.original, b.timeline.script = nil, nil
	b.timeline.mu.Unlock()
	if original == nil {
		return
	}
	original.Close()
	session := b.session.Load()
	if err := session.StartLive(1); err != nil {
		b.writeString("error: " + err.Error() + "\r\n")
	}
	b.say(fmt.Sprintf("forked at %s: the cluster runs live from here, in this tab's memory (a reload brings back the stored cluster).", formatSeconds(at)))
}

// replayable says whether a script rebuilds the session: not a cluster
// that came back from the browser's storage, unless cluster or reset
// replaced it since.
func (b *browser) replayable(script []string) bool {
	if b.session.Load() != nil && !b.restored {
		return true
	}
	for _, line := range script[1:] {
		if strings.HasPrefix(line, "cluster ") {
			return true
		}
	}
	b.say("this cluster came back from the browser's storage, so its past is not in this tab's commands: type reset (or cluster N) to start one the timeline and share can replay.")
	return false
}

// share makes a link that carries the session's script.
func (b *browser) share() {
	script := b.session.Load().Script()
	if !b.replayable(script) {
		return
	}
	var buffer bytes.Buffer
	writer, _ := flate.NewWriter(&buffer, flate.BestCompression)
	_, _ = writer.Write([]byte(strings.Join(script, "\n")))
	_ = writer.Close()
	location := js.Global().Get("location")
	link := location.Get("origin").String() + location.Get("pathname").String() + "#replay=" + base64.RawURLEncoding.EncodeToString(buffer.Bytes())
	b.page.Call("shared", link)
	b.say(fmt.Sprintf("share: a link to this session (%d lines) is in the box above the picture; whoever opens it sees this cluster do the same things.", len(script)))
}

// sharedScript decodes the script of a shared link the page was opened
// with.
func sharedScript() ([]string, bool) {
	hash := js.Global().Get("location").Get("hash").String()
	encoded, found := strings.CutPrefix(hash, "#replay=")
	if !found {
		return nil, false
	}
	data, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return nil, false
	}
	text, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), 1<<20))
	if err != nil || len(text) == 0 {
		return nil, false
	}
	return strings.Split(string(text), "\n"), true
}

// maximumPause bounds how long the replay of a shared link waits at one
// sleep: a learner who paused for minutes does not make the viewer wait
// as long. The virtual clock still moves by the whole sleep.
const maximumPause = 3 * time.Second

// playShared replays a shared session at the pace it was typed: each
// command is echoed and run; between commands the cluster runs on as it
// did, drawn as it goes. Then the session goes live.
func (b *browser) playShared() {
	b.say(fmt.Sprintf("replaying a shared session (%d lines)...", len(b.shared)))
	session := b.session.Load()
	for _, line := range b.shared {
		if d, ok := sleepOf(line); ok {
			b.runFor(session, d)
			continue
		}
		b.writeString("> " + line + "\r\n")
		b.turn.Lock()
		session.Exec(line)
		b.turn.Unlock()
	}
	if err := session.StartLive(1); err != nil {
		b.writeString("error: " + err.Error() + "\r\n")
	}
	b.say("the shared session is replayed; the cluster runs live from here.")
	b.page.Call("replayed")
}

// runFor moves the session's clock by d in steps, waiting between them so
// the picture shows the cluster running. The session records the time as
// a sleep before its next line, as the original did.
func (b *browser) runFor(session *repl.Session, d time.Duration) {
	const step = 20 * time.Millisecond
	wall := min(d, maximumPause)
	steps := max(1, int(wall/step))
	local := session.LocalCluster()
	var moved time.Duration
	for i := 1; i <= steps; i++ {
		next := d * time.Duration(i) / time.Duration(steps)
		b.turn.Lock()
		local.Advance(next - moved)
		b.turn.Unlock()
		moved = next
		time.Sleep(wall / time.Duration(steps))
	}
}

// say writes a note of the page's own (not the session's) to the terminal.
func (b *browser) say(text string) {
	_, _ = b.terminal.Write([]byte("\x1b[2m" + repl.Wrap("-- "+text, terminalWidth()) + "\x1b[0m\n"))
}

func formatSeconds(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }
