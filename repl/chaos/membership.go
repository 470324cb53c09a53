package chaos

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"raftctl/cluster"
)

// Leadership transfers and membership changes as faults (thesis §3.10,
// chapter 4): they run while everything else goes wrong, started with
// async so the script goes on while they finish (or fail). The generator
// reads the voters through `voter nX` conditions, the way it reads leaders.

// Faults of membership.
const (
	// FaultTransfer: `transfer nX async`, to a voter other than the leader
	// (thesis §3.10).
	FaultTransfer Fault = "transfer"
	// FaultMembership: `add nX async` of a node that is not a voter, or
	// `remove nX async` of one that is, the leader included (thesis §4.1,
	// §4.2.1, §4.2.2).
	FaultMembership Fault = "membership"
	// FaultReconfigure: `reconfigure G async` to a random set of voters,
	// through joint consensus (thesis §4.3). A single voter is allowed:
	// from three voters to one is the smallest switch whose old and new
	// majorities can be disjoint (thesis Fig. 4.2 needs five).
	FaultReconfigure Fault = "reconfigure"
)

// membershipChance is one in how many steps is a membership fault, in the
// seeds that change membership.
const membershipChance = 12

// changingMembership reports whether this seed changes membership: a third
// of the seeds, by seed, apart from the third that compacts (snapshot.go),
// so that the other seeds draw exactly as they did before membership
// faults existed and catch the other bugs where they did.
func (g *generator) changingMembership() bool { return g.seed%3 == 1 }

// someMembershipFault draws, now and then, an allowed membership fault
// that applies now; "" otherwise.
func (g *generator) someMembershipFault() faultStep {
	var allowed []Fault
	for _, fault := range []Fault{FaultTransfer, FaultMembership, FaultReconfigure} {
		if g.options.allows(fault) {
			allowed = append(allowed, fault)
		}
	}
	if len(allowed) == 0 || !g.changingMembership() || g.membershipRandom.IntN(membershipChance) > 0 {
		return faultStep{}
	}
	return g.membershipLine(allowed[g.membershipRandom.IntN(len(allowed))])
}

// voters are the nodes the current leader counts as voters; nil when no
// leader is known.
func (g *generator) voters() []int {
	var voters []int
	for id := 1; id <= g.options.Nodes; id++ {
		if g.run.holds(fmt.Sprintf("voter n%d", id)) {
			voters = append(voters, id)
		}
	}
	return voters
}

// membershipLine writes a transfer or a membership change; "" when none
// applies now (no leader).
func (g *generator) membershipLine(fault Fault) faultStep {
	leader := g.leader()
	if leader == 0 {
		return faultStep{}
	}
	voters := g.voters()
	switch fault {
	case FaultTransfer:
		var targets []int
		for _, id := range voters {
			if id != leader {
				targets = append(targets, id)
			}
		}
		if len(targets) == 0 {
			return faultStep{}
		}
		target := targets[g.membershipRandom.IntN(len(targets))]
		if g.membershipRandom.IntN(2) == 0 && g.options.allows(FaultDelay) && g.options.allows(FaultCut) {
			return faultStep{g.slowTransfer(leader, target), true}
		}
		return faultStep{fmt.Sprintf("transfer n%d async", target), true}
	case FaultMembership:
		var others []int
		for id := 1; id <= g.options.Nodes; id++ {
			if !slices.Contains(voters, id) {
				others = append(others, id)
			}
		}
		if len(others) > 0 && (len(voters) <= 2 || g.membershipRandom.IntN(2) == 0) {
			return faultStep{fmt.Sprintf("add n%d async", others[g.membershipRandom.IntN(len(others))]), false}
		}
		if len(voters) <= 2 {
			return faultStep{}
		}
		victim := voters[g.membershipRandom.IntN(len(voters))]
		return faultStep{fmt.Sprintf("remove n%d async", victim), victim == leader}
	case FaultReconfigure:
		size := 1 + g.membershipRandom.IntN(g.options.Nodes)
		ids := g.membershipRandom.Perm(g.options.Nodes)[:size]
		slices.Sort(ids)
		names := make([]string, size)
		for i, id := range ids {
			names[i] = fmt.Sprintf("n%d", id+1)
		}
		return faultStep{"reconfigure " + strings.Join(names, ",") + " async", !slices.Contains(ids, leader-1)}
	}
	return faultStep{}
}

// slowTransfer is a transfer race (thesis §3.10, §6.4.1): the leader's
// link to the target is slower than an election timeout, so the leader
// gives the transfer up and takes requests again before its TimeoutNow
// arrives; just before it arrives, every other node's messages to the
// leader are cut, one way. The TimeoutNow then elects the target with
// votes that stickiness lets through (§4.2.3), while the old leader still
// believes it leads: the leader race (race.go) writes through the new one
// and reads from the old one with a lease.
func (g *generator) slowTransfer(leader, target int) string {
	delay := cluster.DefaultSettings().ElectionMin + time.Duration(10+g.membershipRandom.IntN(100))*time.Millisecond
	cutAfter := delay - time.Duration(2+g.membershipRandom.IntN(10))*time.Millisecond
	// The TimeoutNow leaves only once the target holds the leader's whole
	// log: a healed network lets it catch up first.
	lines := []string{
		"heal",
		fmt.Sprintf("sleep %v", catchUpTime),
		fmt.Sprintf("link n%d->n%d delay=%v-%v", leader, target, delay, delay),
		fmt.Sprintf("transfer n%d async", target),
		fmt.Sprintf("sleep %v", cutAfter),
	}
	for id := 1; id <= g.options.Nodes; id++ {
		if id != leader {
			lines = append(lines, fmt.Sprintf("cut n%d->n%d", id, leader))
		}
	}
	g.elapsed += catchUpTime + cutAfter
	// No request while the TimeoutNow is on its way: an entry the old
	// leader appends now would make the target's log too short to win.
	g.watch = watchSteps
	return strings.Join(lines, "; ")
}

// catchUpTime is how long a slow transfer's target is given to catch up
// on a healed network.
const catchUpTime = 200 * time.Millisecond
