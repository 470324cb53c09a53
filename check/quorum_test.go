package check

import (
	"testing"

	"raftctl/raft"
)

// configured adds a configuration entry of term to log.
func configured(log []raft.Entry, term raft.Term, c raft.Configuration) []raft.Entry {
	return append(log, raft.ConfigurationEntry(raft.Index(len(log)+1), term, c))
}

func TestCommitQuorumOfTheBootstrapConfiguration(t *testing.T) { // thesis §3.6, §4.1
	h := &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
	log := entries("1:x=1", "1:x=2")
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 0, log))
	expectNoneFound(t, h.observe(n2, raft.Follower, 1, 0, log[:2]))
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 2, log)) // n1 and n2 hold index 2
	log = append(log, entries("1:x=1", "1:x=2", "1:x=3")[2])
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 2, log))
	expectOne(t, h.observe(n1, raft.Leader, 1, 3, log), Violation{
		Property: CommitQuorum,
		Nodes:    []raft.NodeID{n1},
		Index:    3,
		Terms:    []raft.Term{1},
		Evidence: "n1, leader of term 1, committed index 3 (term 1), held by only n1 of the voters n1,n2,n3",
	})
}

func TestCommitQuorumFollowsTheLatestConfiguration(t *testing.T) { // thesis §4.1
	h := &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
	log := configured(entries("1:x=1"), 1, raft.NewConfiguration(n1, n2, n3, n4, n5))
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 0, log))
	expectNoneFound(t, h.observe(n2, raft.Follower, 1, 0, log))
	// Two of three held it, but the configuration in n1's log has five.
	expectOne(t, h.observe(n1, raft.Leader, 1, 2, log), Violation{
		Property: CommitQuorum,
		Nodes:    []raft.NodeID{n1},
		Index:    2,
		Terms:    []raft.Term{1},
		Evidence: "n1, leader of term 1, committed index 2 (term 1), held by only n1,n2 of the voters n1,n2,n3,n4,n5",
	})
}

func TestCommitQuorumOfAJointConfiguration(t *testing.T) { // thesis §4.3
	joint := raft.Configuration{OldVoters: []raft.NodeID{n1, n2, n3}, Voters: []raft.NodeID{n3, n4, n5}}
	for _, test := range []struct {
		name    string
		holders []raft.NodeID
		safe    bool
	}{
		{"old majority only", []raft.NodeID{n2}, false},
		{"new majority only", []raft.NodeID{n4, n5}, false},
		{"both majorities", []raft.NodeID{n3, n4}, true},
	} {
		t.Run(test.name, func(t *testing.T) {
			h := &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
			log := configured(entries("1:x=1"), 1, joint)
			expectNoneFound(t, h.observe(n1, raft.Leader, 1, 0, log))
			for _, id := range test.holders {
				expectNoneFound(t, h.observe(id, raft.Follower, 1, 0, log))
			}
			found := h.observe(n1, raft.Leader, 1, 2, log)
			if test.safe != (len(found) == 0) {
				t.Fatalf("holders n1 and %v: found %v", test.holders, found)
			}
		})
	}
}

func TestElectionSafetyNamesTheConfigurations(t *testing.T) { // thesis Fig. 4.2
	h := &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
	expectNoneFound(t, h.observe(n1, raft.Leader, 2, 0, entries("1:x=1")))
	newer := configured(entries("1:x=1"), 1, raft.NewConfiguration(n1, n2, n3, n4, n5))
	expectOne(t, h.observe(n5, raft.Leader, 2, 0, newer), Violation{
		Property: ElectionSafety,
		Nodes:    []raft.NodeID{n1, n5},
		Terms:    []raft.Term{2},
		Evidence: "n1 and n5 both leaders in term 2 (n1 with voters n1,n2,n3; n5 with voters n1,n2,n3,n4,n5)",
	})
}

func TestCommitQuorumUnknownWithoutBootstrap(t *testing.T) {
	h := newHistory(t)
	log := entries("1:x=1")
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 0, log))
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 1, log))
	if h.checker.counts[CommitQuorum] != 0 {
		t.Fatal("Commit Quorum checked without knowing the configuration")
	}
}

// A removed leader commits its new configuration and steps down in one
// observation: the commit is its own, and is checked (thesis §4.2.2).
func TestCommitQuorumOfALeaderThatStepsDownAsItCommits(t *testing.T) { // thesis §4.2.2
	h := &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
	log := configured(entries("1:x=1"), 1, raft.NewConfiguration(n2, n3))
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 1, log))
	expectNoneFound(t, h.observe(n2, raft.Follower, 1, 1, log))
	// n1 is not a voter of n2,n3: n2 alone is not a majority of them.
	expectOne(t, h.observe(n1, raft.Follower, 1, 2, log), Violation{
		Property: CommitQuorum,
		Nodes:    []raft.NodeID{n1},
		Index:    2,
		Terms:    []raft.Term{1},
		Evidence: "n1, leader of term 1, committed index 2 (term 1), held by only n2 of the voters n2,n3",
	})
	// With n3 holding it too, the same step is safe.
	h = &history{t: t, checker: New(WithBootstrapConfiguration([]raft.NodeID{n1, n2, n3}))}
	expectNoneFound(t, h.observe(n1, raft.Leader, 1, 1, log))
	expectNoneFound(t, h.observe(n2, raft.Follower, 1, 1, log))
	expectNoneFound(t, h.observe(n3, raft.Follower, 1, 1, log))
	expectNoneFound(t, h.observe(n1, raft.Follower, 1, 2, log))
}
