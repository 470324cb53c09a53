package raft

import "slices"

// quorum is the number of servers that make a majority of the cluster
// (thesis §3.4: "a candidate wins an election if it receives votes from a
// majority of the servers in the full cluster").
func (r *Node) quorum() int { return len(r.peers)/2 + 1 }

// majorityMatchIndex is the highest index stored on a majority: sort every
// server's matchIndex (the leader's own is its last index) from high to
// low, and take the one at position quorum-1.
func (r *Node) majorityMatchIndex() Index {
	matches := make([]Index, 0, len(r.peers))
	for _, peer := range r.peers {
		if peer == r.id {
			matches = append(matches, r.log.lastIndex())
		} else {
			matches = append(matches, r.progress[peer].MatchIndex)
		}
	}
	slices.Sort(matches)
	slices.Reverse(matches)
	return matches[r.quorum()-1]
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
