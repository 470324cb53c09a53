package repl

import (
	"slices"

	"raftctl/cluster"
)

// What a picture of the session reads (the browser draws the cluster
// beside the terminal): the cluster itself, as plain data through
// cluster.Local.Snapshot, and the recent events. Neither waits for a
// running command.

// LocalCluster returns the cluster the session runs now (it changes with
// cluster and reset), without waiting for a running command.
func (s *Session) LocalCluster() *cluster.Local { return s.current.Load() }

// RecentEvents returns the last rendered event lines at the rpc level,
// oldest first: what `events` prints, whatever the trace level.
func (s *Session) RecentEvents() []string {
	s.rendering.Lock()
	defer s.rendering.Unlock()
	return slices.Clone(s.events.lines)
}
