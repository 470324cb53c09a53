package repl

import (
	"fmt"
	"os"
	"strings"
	"time"

	"raftctl/cluster"
)

// record saves the session so far as a script that replays it: the
// session's first cluster (size, seed, options), then every line typed,
// with the time that passed between lines under live pacing written as
// sleep, so `raftctl repl < FILE` does it all again.

func recordCommands() []Command {
	return []Command{{
		Name: "record", Usage: "record FILE", Group: groupObservation,
		Summary:   "Save the session so far (cluster, seed, options and every command) as a script: raftctl repl < FILE replays it.",
		Example:   "record session.txt",
		Arguments: []Argument{{Kind: ArgumentFree}},
		Run:       runRecord,
	}}
}

// notRecorded are the words a replay must not see: live-pacing controls
// (time that passed is written as sleep instead) and the ones that only
// look or leave.
var notRecorded = map[string]bool{"record": true, "quit": true, "pause": true, "resume": true, "speed": true}

// recording is the script so far.
type recording struct {
	lines []string
	// until is the virtual time when the last recorded line ended.
	until time.Duration
}

// recordLine notes a line that ran: the time that passed since the last
// one (live pacing), then the line. Invalid lines are not recorded.
func (s *Session) recordLine(line string, started time.Duration, status Status) {
	if status == StatusInvalid {
		return
	}
	words := strings.Fields(strings.SplitN(line, "#", 2)[0])
	if len(words) > 0 && notRecorded[words[0]] {
		s.recording.until = s.cluster.Now()
		return
	}
	if started > s.recording.until {
		s.recording.lines = append(s.recording.lines, "sleep "+(started-s.recording.until).String())
	}
	if len(words) > 0 && words[0] == "reset" {
		// The replaying session starts from its own defaults: name ours.
		s.recording.lines = append(s.recording.lines, s.clusterLine(s.options.Nodes, s.options.Seed, s.options.Settings), "trace state")
	} else {
		s.recording.lines = append(s.recording.lines, line)
	}
	s.recording.until = s.cluster.Now()
}

// clusterLine is the cluster command that builds a cluster like this one.
func (s *Session) clusterLine(nodes int, seed uint64, settings cluster.Settings) string {
	defaults := cluster.DefaultSettings()
	words := []string{"cluster", fmt.Sprint(nodes), fmt.Sprintf("seed=%d", seed)}
	for _, option := range options {
		if option.name == "bug" {
			continue
		}
		if value := option.show(settings); value != option.show(defaults) {
			words = append(words, option.name+"="+value)
		}
	}
	for _, name := range settings.Bugs.Enabled() {
		words = append(words, "bug="+name)
	}
	return strings.Join(words, " ")
}

func runRecord(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return usageError("record")
	}
	if s.options.DataDir != "" {
		return fmt.Errorf("a session on a data dir cannot be replayed from a script (its disks hold the past)")
	}
	var text strings.Builder
	if s.options.Cluster != nil {
		// A real cluster: no cluster line (it would build a simulated one),
		// and the pauses between lines are wall-clock time.
		text.WriteString("# A raftctl session on a real cluster, saved by record. Replay it on one: raftctl repl --cluster ... --secret-file FILE < SCRIPT\n")
	} else {
		text.WriteString("# A raftctl session, saved by record. Replay it: raftctl repl < FILE\n")
		text.WriteString(s.clusterLine(s.options.Nodes, s.options.Seed, s.options.Settings) + "\n")
	}
	for _, line := range s.recording.lines {
		text.WriteString(line + "\n")
	}
	if err := os.WriteFile(arguments[0], []byte(text.String()), 0o644); err != nil {
		return fmt.Errorf("cannot write the script: %w", err)
	}
	s.printf("  wrote %s: %d %s (replay: raftctl repl < %s)", arguments[0], len(s.recording.lines), plural(len(s.recording.lines), "line"), arguments[0])
	return nil
}
