package chaos

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
)

// Fault is one kind of trouble the generator may cause.
type Fault string

// The faults, each a command of the REPL language.
const (
	// FaultKill: `kill nX`, the leader half of the time (thesis §3.8).
	FaultKill Fault = "kill"
	// FaultRestart: `restart nX` of a dead node, or a reboot of a running
	// one, `kill nX; restart nX` (volatile state lost, storage kept).
	FaultRestart Fault = "restart"
	// FaultWipe: `restart nX wipe`, a lost disk. Unsafe by design: Raft
	// assumes stable storage (thesis §3.8), so correct code fails too.
	FaultWipe Fault = "wipe"
	// FaultPartition: `partition ...`, usually stranding the leader in a
	// minority (the raw material of thesis Fig. 3.7).
	FaultPartition Fault = "partition"
	// FaultCut: `cut A-B` or `cut A->B`, one link both ways or one way;
	// often the leader loses one follower, whose timer fires at once,
	// while the leader's messages to the others slow down (with delay and
	// campaign allowed), and a write through the new leader is followed by
	// a lease read from the old one (race.go, thesis §6.4.1).
	FaultCut Fault = "cut"
	// FaultDrop, FaultDup, FaultDelay: `net` or `link` settings for loss,
	// duplication and delay (thesis §3.7).
	FaultDrop  Fault = "drop"
	FaultDup   Fault = "dup"
	FaultDelay Fault = "delay"
	// FaultCampaign: `campaign nX`, an election timer that fires early, so
	// elections overlap (thesis §3.4).
	FaultCampaign Fault = "campaign"
	// FaultSnapshot: in a third of the seeds, `snapshot nX` steps (a node
	// compacts its log now, thesis ch. 5) and an automatic threshold in the
	// header, so a node that was down or cut off comes back behind the
	// leader's snapshot and gets it by InstallSnapshot (thesis Fig. 5.3).
	FaultSnapshot Fault = "snapshot"
)

// Faults lists every fault, in the order help shows them.
var Faults = []Fault{FaultKill, FaultRestart, FaultWipe, FaultPartition, FaultCut, FaultDrop, FaultDup, FaultDelay, FaultCampaign, FaultSnapshot,
	FaultTransfer, FaultMembership, FaultReconfigure}

// DefaultFaults is every fault a correct Raft survives: all but wipe.
var DefaultFaults = []Fault{FaultKill, FaultRestart, FaultPartition, FaultCut, FaultDrop, FaultDup, FaultDelay, FaultCampaign, FaultSnapshot,
	FaultTransfer, FaultMembership, FaultReconfigure}

// BugLazySync is the storage fault `set sync lazy` (a kill loses the last
// second of writes), offered next to the teaching bugs of raft.BugNames.
const BugLazySync = "lazy-sync"

// BugNames lists what --bug accepts: the teaching bugs and lazy-sync.
func BugNames() []string { return append(slices.Clone(raft.BugNames), BugLazySync) }

// Limits of Options.
const (
	MinNodes    = 3
	MaxNodes    = cluster.MaxNodes
	MaxDuration = time.Minute
)

// Options describe the campaign of one seed.
type Options struct {
	// Nodes is the cluster size, MinNodes to MaxNodes.
	Nodes int
	// Duration is the virtual time the script spends under faults (the
	// sum of its sleep and tick steps; client requests take their own).
	Duration time.Duration
	// Faults the generator may use; nil means DefaultFaults.
	Faults []Fault
	// Bugs are names from BugNames, switched on in the script's header.
	Bugs []string
}

// DefaultDuration is Options.Duration when it is zero.
const DefaultDuration = 2 * time.Second

// ParseFaults reads a comma-separated list such as "kill,partition".
func ParseFaults(list string) ([]Fault, error) {
	var faults []Fault
	for _, word := range strings.Split(list, ",") {
		word = strings.TrimSpace(word)
		if word == "" {
			continue
		}
		fault := Fault(word)
		if !slices.Contains(Faults, fault) {
			return nil, fmt.Errorf("unknown fault %q: want some of %s", word, faultList(Faults))
		}
		if !slices.Contains(faults, fault) {
			faults = append(faults, fault)
		}
	}
	if len(faults) == 0 {
		return nil, fmt.Errorf("no faults given: want some of %s", faultList(Faults))
	}
	return faults, nil
}

// ParseBugs reads a comma-separated list of names from BugNames; "" and
// "none" are no bug.
func ParseBugs(list string) ([]string, error) {
	var bugs []string
	for _, word := range strings.Split(list, ",") {
		word = strings.TrimSpace(word)
		if word == "" || word == "none" {
			continue
		}
		if !slices.Contains(BugNames(), word) {
			return nil, fmt.Errorf("unknown bug %q: want one of %s", word, strings.Join(BugNames(), ", "))
		}
		if !slices.Contains(bugs, word) {
			bugs = append(bugs, word)
		}
	}
	return bugs, nil
}

func faultList(faults []Fault) string {
	words := make([]string, len(faults))
	for i, fault := range faults {
		words[i] = string(fault)
	}
	return strings.Join(words, ",")
}

// normalize fills in defaults and checks the options.
func (o Options) normalize() (Options, error) {
	if o.Nodes < MinNodes || o.Nodes > MaxNodes {
		return o, fmt.Errorf("%d nodes: want %d to %d (fewer leave no minority to break)", o.Nodes, MinNodes, MaxNodes)
	}
	if o.Duration == 0 {
		o.Duration = DefaultDuration
	}
	if o.Duration < 0 || o.Duration > MaxDuration {
		return o, fmt.Errorf("duration %v: want more than 0 and at most %v", o.Duration, MaxDuration)
	}
	if o.Faults == nil {
		o.Faults = DefaultFaults
	}
	for _, fault := range o.Faults {
		if !slices.Contains(Faults, fault) {
			return o, fmt.Errorf("unknown fault %q: want some of %s", fault, faultList(Faults))
		}
	}
	for _, bug := range o.Bugs {
		if !slices.Contains(BugNames(), bug) {
			return o, fmt.Errorf("unknown bug %q: want one of %s", bug, strings.Join(BugNames(), ", "))
		}
	}
	return o, nil
}

func (o Options) allows(fault Fault) bool { return slices.Contains(o.Faults, fault) }
