package repl

import (
	"fmt"

	"raftctl/cluster"
)

// What a picture of the session reads (the browser draws the cluster
// beside the terminal): the cluster itself, as plain data through
// cluster.Local.Snapshot, and the recent events. Neither waits for a
// running command.

// LocalCluster returns the cluster the session runs now (it changes with
// cluster and reset), without waiting for a running command; nil when the
// session drives a real cluster.
func (s *Session) LocalCluster() *cluster.Local {
	handle := s.current.Load()
	if handle == nil {
		return nil
	}
	local, _ := handle.cluster.(*cluster.Local)
	return local
}

// RecentEvents returns the last rendered event lines at the rpc level,
// oldest first: what `events` prints, whatever the trace level.
func (s *Session) RecentEvents() []string {
	s.rendering.Lock()
	defer s.rendering.Unlock()
	lines := s.events.lines(s.renderer)
	for i, line := range lines {
		lines[i] = plainText(line)
	}
	return lines
}

// Script returns the session so far as a script that replays it, as
// record writes it: the session's first cluster, then every line, with
// the time that passed between lines as sleep. Same seed, same lines, same
// history: the browser's timeline and shared links replay it.
func (s *Session) Script() []string {
	s.execution.Lock()
	defer s.execution.Unlock()
	return append([]string{s.clusterLine(s.options.Nodes, s.options.Seed, s.options.Settings)}, s.recording.lines...)
}

// StartLive switches a manually paced session to live pacing at speed
// (a replayed session becomes one the learner drives).
func (s *Session) StartLive(speed float64) error {
	s.execution.Lock()
	defer s.execution.Unlock()
	if s.stopLive != nil {
		return fmt.Errorf("the session is live already")
	}
	simulated, err := s.simulated("speed")
	if err != nil {
		return err
	}
	stop, err := simulated.StartLive(speed)
	if err != nil {
		return err
	}
	s.stopLive = stop
	s.options.LiveSpeed = speed
	return nil
}
