package check

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"raftctl/raft"
)

// bruteForceMismatch compares two whole logs from scratch, the way Log
// Matching is stated (thesis §3.5), and returns the first index where they
// differ when they also share a term at that index or above; 0 otherwise.
func bruteForceMismatch(a, b []raft.Entry) raft.Index {
	limit := min(len(a), len(b))
	differ := 0
	for k := range limit {
		if a[k].Term != b[k].Term || a[k].Kind != b[k].Kind || !bytes.Equal(a[k].Command, b[k].Command) {
			differ = k + 1
			break
		}
	}
	if differ == 0 {
		return 0
	}
	for k := differ - 1; k < limit; k++ {
		if a[k].Term == b[k].Term {
			return raft.Index(differ)
		}
	}
	return 0
}

// TestLogMatchingAgreesWithBruteForce // thesis §3.5: on random logs that
// break every rule (overwrites, truncations, terms out of order), the
// incremental Log Matching check finds exactly what a full comparison of
// every pair finds.
func TestLogMatchingAgreesWithBruteForce(t *testing.T) {
	random := rand.New(rand.NewPCG(1, 2))
	mismatches := 0
	for run := range 200 {
		checker := New()
		logs := map[raft.NodeID][]raft.Entry{}
		for range 60 {
			id := raft.NodeID(1 + random.IntN(4))
			log := append([]raft.Entry(nil), logs[id]...)
			switch random.IntN(4) {
			case 0:
				log = log[:random.IntN(len(log)+1)]
			case 1:
				if len(log) > 0 {
					k := random.IntN(len(log))
					log[k] = raft.Entry{Index: raft.Index(k + 1), Term: raft.Term(1 + random.IntN(3)), Command: []byte{byte('a' + random.IntN(2))}}
				}
			default:
				if len(log) < 8 {
					log = append(log, raft.Entry{Index: raft.Index(len(log) + 1), Term: raft.Term(1 + random.IntN(3)), Command: []byte{byte('a' + random.IntN(2))}})
				}
			}
			logs[id] = log
			found := checker.ObserveNode(NodeView{ID: id, Role: raft.Follower, Term: 1, Log: log})
			reported := map[nodePair]bool{}
			for _, v := range found {
				if v.Property == LogMatching {
					reported[nodePair{v.Nodes[0], v.Nodes[1]}] = true
				}
			}
			for other, otherLog := range logs {
				if other == id {
					continue
				}
				pair := pairOf(id, other)
				differ := bruteForceMismatch(logs[pair[0]], logs[pair[1]])
				if reported[pair] && differ == 0 {
					t.Fatalf("run %d: reported %v but the logs match: %v %v", run, found, log, otherLog)
				}
				if differ == 0 {
					continue
				}
				mismatches++
				key := violationKey{property: LogMatching, nodes: pair, index: differ,
					terms: [3]raft.Term{logs[pair[0]][differ-1].Term, logs[pair[1]][differ-1].Term}}
				if !checker.reported[key] {
					t.Fatalf("run %d: %v and %v break Log Matching at index %d, not reported: %v %v",
						run, pair[0], pair[1], differ, logs[pair[0]], logs[pair[1]])
				}
			}
		}
	}
	if mismatches == 0 {
		t.Fatal("no run broke Log Matching: the test exercised nothing")
	}
	t.Logf("%d observations with a pair breaking Log Matching", mismatches)
}

// nodePair names two nodes, lower ID first.
type nodePair [2]raft.NodeID

func pairOf(a, b raft.NodeID) nodePair {
	if a > b {
		a, b = b, a
	}
	return nodePair{a, b}
}
