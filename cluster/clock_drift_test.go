package cluster

import (
	"testing"
	"time"

	"raftctl/check"
	"raftctl/raft"
)

// leaseAfterPartition: n1 leads with stickiness (leases need it) and its
// clock at rate; it is cut off from n2 and n3, which elect a new leader
// that commits x=2; meanwhile the client keeps asking n1 for lease reads
// of x. It returns how many lease reads n1 served after x=2 was
// acknowledged, and the linearizability verdict.
func leaseAfterPartition(t *testing.T, rate float64) (stale int, result check.LinearizabilityResult) {
	t.Helper()
	settings := DefaultSettings()
	settings.Stickiness = true
	c := newCluster(t, 3, settings)
	must(t, c.SetClockRate(1, rate))
	campaign(t, c, 1)
	put, err := c.Put("x", "1", raft.None)
	must(t, err)
	if put.Err != nil {
		t.Fatal(put.Err)
	}
	c.Advance(100 * time.Millisecond)
	must(t, c.Partition([][]NodeID{{1}, {2, 3}}))
	var written *Call
	for range 100 {
		c.Advance(10 * time.Millisecond)
		if written == nil {
			if leaders := c.Leaders(); len(leaders) > 0 && leaders[len(leaders)-1] != 1 {
				written, err = c.Put("x", "2", leaders[len(leaders)-1])
				must(t, err)
			}
		}
		read, err := c.Read("x", 1, ReadLease)
		must(t, err)
		if written != nil && written.Err == nil && read.Err == nil && read.Result.Value == "1" {
			stale++
		}
	}
	if written == nil || written.Err != nil {
		t.Fatalf("no new leader wrote x=2 (%+v)", written)
	}
	result, err = c.CheckLinearizability(10 * time.Second)
	must(t, err)
	return stale, result
}

// TestLeaseStaleBeyondDriftBound: a leader whose clock runs at a quarter of real speed
// trusts its lease four times as long as it holds; the new leader is elected
// and writes meanwhile, the old one serves a stale read, and the
// linearizability checker catches it (thesis §6.4.1).
func TestLeaseStaleBeyondDriftBound(t *testing.T) {
	stale, result := leaseAfterPartition(t, 0.25)
	if stale == 0 || result.Outcome != check.NotLinearizable {
		t.Errorf("leader clock at 0.25x: %d stale lease reads, %v; want some, not linearizable", stale, result.Outcome)
	}
}

// TestLeaseSafeWithinDriftBound: with clocks within the bound the lease
// assumes (here 5% slow and 5% fast against a 10% margin), the lease ends
// before anyone else can be elected: no stale read, for several seeds.
func TestLeaseSafeWithinDriftBound(t *testing.T) {
	for _, rate := range []float64{0.95, 1, 1.05} {
		stale, result := leaseAfterPartition(t, rate)
		if stale != 0 || result.Outcome != check.Linearizable {
			t.Errorf("leader clock at %gx: %d stale lease reads, %v; want none, linearizable", rate, stale, result.Outcome)
		}
	}
}
