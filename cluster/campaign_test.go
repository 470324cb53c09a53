package cluster

import (
	"flag"
	"testing"
	"time"

	"raftctl/raft"
)

var (
	campaignSeeds    = flag.Int("seeds", 1000, "seeds per randomized campaign test (CI runs the default)")
	campaignDuration = flag.Duration("campaign-duration", 5*time.Second, "virtual time under faults per seed")
)

// runCampaigns runs seeds 1..count on 3 and 5 nodes and returns the first
// failure.
func runCampaigns(t *testing.T, bugs raft.Bugs, count int) (CampaignResult, bool, int) {
	t.Helper()
	if testing.Short() && count > 50 && bugs == (raft.Bugs{}) {
		count = 50 // -short (the race-detector run): a smoke test
	}
	operations := 0
	for seed := uint64(1); seed <= uint64(count); seed++ {
		nodes := 3
		if seed%2 == 0 {
			nodes = 5
		}
		result, err := RunCampaign(CampaignOptions{Nodes: nodes, Seed: seed, Duration: *campaignDuration, Clients: 3, Bugs: bugs})
		if err != nil {
			t.Fatal(err)
		}
		operations += result.Operations
		if result.Failed() {
			return result, true, operations
		}
	}
	return CampaignResult{}, false, operations
}

func TestCampaignCorrectCodeIsSafe(t *testing.T) { // thesis Fig. 3.2
	result, failed, operations := runCampaigns(t, raft.Bugs{}, *campaignSeeds)
	if failed {
		t.Fatalf("seed %d: %d violations, first: %v; lost writes %v; linearizability: %s", result.Seed, len(result.Violations), first(result.Violations), result.LostWrites, result.NotLinearizable)
	}
	if operations < 10*50 {
		t.Fatalf("only %d client operations finished: the load did not run", operations)
	}
	t.Logf("%d client operations, no violation, no lost write", operations)
}

// Each teaching bug must be caught within the same budget: that is the
// proof that the checkers can fail.
func TestCampaignCatchesEveryTeachingBug(t *testing.T) {
	if testing.Short() {
		t.Skip("the full seed budget runs without -short")
	}
	for _, name := range raft.BugNames {
		t.Run(name, func(t *testing.T) {
			var bugs raft.Bugs
			if err := bugs.SetBug(name, true); err != nil {
				t.Fatal(err)
			}
			result, failed, _ := runCampaigns(t, bugs, *campaignSeeds)
			if !failed {
				t.Fatalf("%d seeds with %s found nothing", *campaignSeeds, name)
			}
			t.Logf("%s caught at seed %d (%d nodes): %d violations, first: %v; %d lost writes; linearizability: %s",
				name, result.Seed, result.Nodes, len(result.Violations), first(result.Violations), len(result.LostWrites), result.NotLinearizable)
		})
	}
}
