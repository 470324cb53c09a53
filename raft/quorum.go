package raft

import "slices"

// quorum is the number of servers that make a majority of the cluster
// (thesis §3.4: "a candidate wins an election if it receives votes from a
// majority of the servers in the full cluster").
func (r *Node) quorum() int { return majority(r.configuration.Voters) }

// electionQuorum is the number of votes that elect a candidate: quorum,
// or half of the voters with the teaching bug HalfQuorum.
func (r *Node) electionQuorum() int {
	if r.config.Bugs.HalfQuorum {
		return max(1, len(r.configuration.Voters)/2)
	}
	return r.quorum()
}

// majorityMatchIndex is the highest index stored on a majority: sort every
// server's matchIndex (the leader's own is its last durable entry:
// parallel_write.go) from high to low, and take the one at position
// quorum-1.
func (r *Node) majorityMatchIndex() Index {
	// Per configuration, of both halves when joint (thesis §4.3); a leader
	// outside its configuration does not count itself (thesis §4.2.2).
	configuration := r.configuration
	if r.config.Bugs.RemovedLeaderCountsSelf && !configuration.IsVoter(r.id) {
		// Teaching bug: the removed leader counts itself as one more
		// voter of the new configuration (breaks thesis §4.2.2).
		configuration.Voters = append(slices.Clone(configuration.Voters), r.id)
	}
	return QuorumIndex(configuration, func(id NodeID) Index {
		if id == r.id {
			return r.ownMatchIndex()
		}
		return r.progress[id].MatchIndex
	})
}

// voteCounts returns how many of the recorded answers granted and refused.
func (r *Node) voteCounts() (granted, refused int) {
	for _, vote := range r.votes {
		if vote {
			granted++
		} else {
			refused++
		}
	}
	return granted, refused
}

// hasElectionQuorum reports whether the servers for which yes answers true
// elect a candidate: a majority of the configuration (thesis §3.4, §4.3).
// The teaching bug HalfQuorum settles for half of the voters of each half.
func (r *Node) hasElectionQuorum(yes func(NodeID) bool) bool {
	if !r.config.Bugs.HalfQuorum {
		return r.configuration.HasQuorum(yes)
	}
	half := func(voters []NodeID) bool {
		count := 0
		for _, id := range voters {
			if yes(id) {
				count++
			}
		}
		return count >= max(1, len(voters)/2) // the bug: no majority
	}
	if r.configuration.Empty() || !half(r.configuration.Voters) {
		return false
	}
	return !r.configuration.Joint() || half(r.configuration.OldVoters)
}
