package raft

// quorum is the number of servers that make a majority of the cluster
// (thesis §3.4: "a candidate wins an election if it receives votes from a
// majority of the servers in the full cluster").
func (r *Node) quorum() int { return majority(r.configuration.Voters) }

// majorityMatchIndex is the highest index stored on a majority: sort every
// server's matchIndex (the leader's own is its last index, or its last
// durable one with the parallel write: parallel_write.go) from high to
// low, and take the one at position quorum-1.
func (r *Node) majorityMatchIndex() Index {
	// Per configuration, of both halves when joint (thesis §4.3); a leader
	// outside its configuration does not count itself (thesis §4.2.2).
	return QuorumIndex(r.configuration, func(id NodeID) Index {
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
