package repl

import "raftctl/cluster"

// A lesson started inside a session runs on clusters of its own, paced by
// commands (its steps and the learner's lines), whatever the session's
// pacing: under live pacing its cluster would run on while the learner
// reads, and the lesson's predictions would be wrong by the time they are
// answered. The learner's cluster waits, its clock paused, with everything
// the session knew about it; when the lesson ends (finished, or quit), it
// comes back as it was.

// learnerCluster is what the session keeps of the learner's own cluster
// while a lesson runs.
type learnerCluster struct {
	cluster             cluster.Cluster
	unsubscribe         func()
	stopLive            func()
	renderer            *renderer
	level               traceLevel
	events              eventRing
	decisions           decisionRing
	folding             folder
	completionSize      int
	asynchronous        []*cluster.Call
	asynchronousClients uint64
	// resume: its clock ran live, and was paused for the lesson.
	resume bool
}

// enterLessonCluster puts the learner's cluster aside, its clock paused,
// and gives the lesson a fresh cluster paced by commands, which the
// lesson's setup replaces with its own.
func (s *Session) enterLessonCluster() error {
	if s.learner != nil {
		return nil
	}
	saved := &learnerCluster{
		cluster: s.cluster, unsubscribe: s.unsubscribe, stopLive: s.stopLive,
		asynchronous: s.asynchronous, asynchronousClients: s.asynchronousClients,
	}
	if simulated, ok := s.cluster.(cluster.Simulated); ok {
		if on, _, paused := simulated.Live(); on && !paused {
			if err := simulated.Pause(); err != nil {
				return err
			}
			saved.resume = true
		}
	}
	s.rendering.Lock()
	saved.renderer, saved.level, saved.events, saved.decisions, saved.folding =
		s.renderer, s.level, s.events, s.decisions, s.folding
	s.events = eventRing{}
	s.rendering.Unlock()
	s.completion.Lock()
	saved.completionSize = s.completionSize
	s.completion.Unlock()

	s.learner = saved
	// replaceCluster must not stop or unsubscribe the learner's cluster.
	s.unsubscribe, s.stopLive = nil, nil
	if err := s.replaceCluster(s.options.Nodes, s.options.Seed, s.options.Settings); err != nil {
		s.restoreLearnerCluster()
		return err
	}
	return nil
}

// leaveLessonCluster closes the lesson's cluster and gives the learner
// theirs back, as it was, its clock running again if it ran before.
func (s *Session) leaveLessonCluster() {
	if s.learner == nil {
		return
	}
	s.closeCluster()
	resume := s.learner.resume
	s.restoreLearnerCluster()
	note := ""
	if simulated, ok := s.cluster.(cluster.Simulated); ok && resume {
		if err := simulated.Resume(); err == nil {
			note = "; its clock runs again"
		}
	}
	s.printf("Back to your cluster: %d nodes (%s), as you left it at %s%s.",
		s.cluster.Size(), s.nodeNames(), formatTime(s.cluster.Now()), note)
}

// restoreLearnerCluster puts the saved cluster and its session state back.
func (s *Session) restoreLearnerCluster() {
	saved := s.learner
	s.learner = nil
	s.cluster, s.unsubscribe, s.stopLive = saved.cluster, saved.unsubscribe, saved.stopLive
	s.current.Store(&clusterHandle{saved.cluster})
	s.asynchronous, s.asynchronousClients = saved.asynchronous, saved.asynchronousClients
	s.rendering.Lock()
	s.renderer, s.level, s.events, s.decisions, s.folding =
		saved.renderer, saved.level, saved.events, saved.decisions, saved.folding
	s.rendering.Unlock()
	s.completion.Lock()
	s.completionSize = saved.completionSize
	s.completion.Unlock()
}

// closeCluster stops the current cluster's pacing and subscription and
// closes it.
func (s *Session) closeCluster() error {
	if s.stopLive != nil {
		s.stopLive()
		s.stopLive = nil
	}
	if s.unsubscribe != nil {
		s.unsubscribe()
		s.unsubscribe = nil
	}
	if s.cluster == nil {
		return nil
	}
	err := s.cluster.Close()
	s.cluster = nil
	return err
}
