package repl

import "fmt"

// Welcome prints the line an interactive front end shows on start: which
// cluster runs, on which seed and pacing, and where to begin.
func (s *Session) Welcome() {
	s.execution.Lock()
	defer s.execution.Unlock()
	if s.options.Cluster != nil {
		s.printf("raftctl: a real cluster of %d nodes (%s) on wall-clock time; type help, or lesson to start learning (lessons run on a simulated cluster of their own).",
			s.cluster.Size(), s.nodeNames())
		return
	}
	pacing := "paced by commands (tick, sleep, stabilize)"
	if s.options.LiveSpeed > 0 {
		pacing = fmt.Sprintf("live at speed %g", s.options.LiveSpeed)
	}
	s.printf("raftctl: a cluster of %d nodes (%s), seed %d, %s; type help, or lesson to start learning.",
		s.cluster.Size(), s.nodeNames(), s.options.Seed, pacing)
}
