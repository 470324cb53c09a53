package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"raftctl/check"
	"raftctl/net/sim"
	"raftctl/raft"
	"raftctl/store"
)

// A randomized fault campaign: a cluster under a steady client load while
// nodes crash and restart, the network partitions, cuts, loses, duplicates,
// delays (one way too) and reorders messages, and leadership moves and the
// voters change (campaign_membership.go). The checker watches every
// event; at the end the cluster is healed, every acknowledged write must be
// in the log, and the client history must be linearizable (thesis §6.3):
// reads through the log, ReadIndex and lease reads (thesis §6.4, §6.4.1),
// at the leader the client finds or at any one node.

// CampaignOptions describe one campaign run.
type CampaignOptions struct {
	Nodes    int
	Seed     uint64
	Duration time.Duration // virtual time under faults
	Clients  int
	Bugs     raft.Bugs
}

// CampaignResult is what a run found.
type CampaignResult struct {
	Seed         uint64
	Nodes        int
	Operations   int // client requests that finished
	Acknowledged int // writes the cluster acknowledged
	Faults       int
	Elections    int
	Violations   []check.Violation
	LostWrites   []string // acknowledged writes missing at the end
	// NotLinearizable describes the client history's violation, if any.
	NotLinearizable      string
	Settings             Settings
	FinalLeaderAvailable bool
}

// Failed reports whether the run found anything wrong.
func (r CampaignResult) Failed() bool {
	return len(r.Violations) > 0 || len(r.LostWrites) > 0 || r.NotLinearizable != ""
}

// campaignCheckTimeout bounds the linearizability check of one campaign; an
// inconclusive check is reported as a failure, never as a pass.
const campaignCheckTimeout = 10 * time.Second

// RunCampaign runs one randomized campaign. The same options give the
// same result.
func RunCampaign(options CampaignOptions) (CampaignResult, error) {
	random := rand.New(rand.NewPCG(options.Seed, 0x63616d706169676e))
	settings := DefaultSettings()
	// Vary the extensions per seed, so every combination meets faults.
	settings.PreVote = random.IntN(2) == 0
	settings.CheckQuorum = random.IntN(2) == 0
	settings.LeaderNoop = random.IntN(2) == 0
	settings.ConflictHint = random.IntN(2) == 0
	settings.Stickiness = random.IntN(2) == 0
	settings.MaxInflight = 1 + random.IntN(8)
	// A third of the seeds focus on reads without the log: the leader
	// loses followers one way or both, slowly or for good, while clients
	// read from the oldest node that believes it leads and write through
	// the newest (thesis §6.4, §6.4.1). Their leaders append the no-op,
	// without which a new leader serves no such read (thesis §6.4 step 1).
	reads := random.IntN(3) == 0
	if reads {
		settings.LeaderNoop = true
	}
	settings.Bugs = options.Bugs
	settings.ClientTimeout = time.Second
	settings.SnapshotThreshold = campaignSnapshotThreshold(options.Seed)
	campaignDisk(options.Seed, &settings)
	result := CampaignResult{Seed: options.Seed, Nodes: options.Nodes, Settings: settings}

	c, err := New(options.Nodes, options.Seed, settings)
	if err != nil {
		return result, err
	}

	// Some seeds are storms: a fault every few milliseconds, which opens the
	// narrow windows (a vote in flight during a reboot) where bugs hide;
	// storms also crash new leaders soon after they win, before their own
	// entries spread (thesis Fig. 3.7 needs exactly that).
	storm := random.IntN(2) == 0
	faultSpacing := 500
	switch {
	case reads:
		// Leave an election timeout or two between faults, so the lost
		// follower can campaign before the next fault changes the picture.
		storm, faultSpacing = false, 300+random.IntN(400)
	case storm:
		faultSpacing = 5 + random.IntN(60)
	}
	var nextFault time.Duration
	newLeader := raft.None
	race := &leaderRace{clientID: uint64(max(options.Clients, 1) + 2)}
	// Transfer races draw from their own stream, so the other draws of a
	// seed stay as they were (campaign_transfer.go).
	transfers := transferRace{}
	transferRandom := rand.New(rand.NewPCG(options.Seed, 0x7472616e73666572))
	cancel := c.Subscribe(func(record Record) {
		if reads {
			race.observe(c, record)
		}
		if record.Kind == RecordEvent && record.Event.Kind == raft.EventRoleChanged && record.Event.Role == raft.Leader {
			result.Elections++
			if storm && random.IntN(2) == 0 {
				newLeader = record.Node
				nextFault = min(nextFault, c.now+time.Duration(random.IntN(8))*time.Millisecond)
			}
		}
	})
	defer cancel()

	type write struct {
		key, value string
		clientID   uint64
		sequence   uint64
		index      raft.Index
	}
	var acknowledged []write
	clients := max(options.Clients, 1)
	if reads {
		// A light load: a leader busy with writes learns of a new term
		// from the first answer, and the window a stale lease read needs
		// is then too short to meet.
		clients = 1
	}
	calls := make([]*Call, clients)
	counter := 0
	load := defaultLoad
	if reads {
		load = readLoad
	}
	submit := func(client int) {
		counter++
		key := fmt.Sprintf("k%d", random.IntN(load.keys))
		command := store.Command{Op: store.OpPut, Key: key, Value: fmt.Sprintf("c%d-%d", client+1, counter)}
		switch choice := random.IntN(8); {
		case choice == 0:
			command = store.Command{Op: store.OpGet, Key: key}
		case choice <= load.readsWithoutLog:
			// A read without the log (thesis §6.4, §6.4.1), at the leader
			// the client finds, at one node, or at the oldest node that
			// believes it leads: after a partition, a deposed leader.
			at := raft.None
			switch choice := random.IntN(3); {
			case choice < load.atDeposed:
				at = c.deposedLeader()
			case choice == load.atDeposed:
				at = NodeID(1 + random.IntN(options.Nodes))
			}
			mode := ReadIndex
			if random.IntN(2) == 0 {
				mode = ReadLease
			}
			calls[client] = c.submitRead(key, at, mode)
			return
		}
		at := raft.None
		if random.IntN(3) < load.atNewest {
			// A client that has already found the newest leader, as a
			// client does once a deposed leader stops answering.
			at = c.newestLeader()
		}
		calls[client], _ = c.submit(uint64(client+1), command, at)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for client := range clients {
		submit(client)
	}
	nextFault = c.now + time.Duration(1+random.IntN(faultSpacing))*time.Millisecond
	end := c.now + options.Duration
	for c.now < end {
		c.runUntil(func() bool {
			for _, call := range calls {
				if call.Done {
					return true
				}
			}
			return c.now >= nextFault || race.due()
		}, min(nextFault, end))
		finished := func(call *Call) {
			result.Operations++
			if call.Err == nil && call.Command.Op == store.OpPut {
				result.Acknowledged++
				acknowledged = append(acknowledged, write{call.Command.Key, call.Command.Value, call.Command.ClientID, call.Command.Sequence, call.Result.Index})
			}
		}
		for client, call := range calls {
			if call.Done {
				finished(call)
				submit(client)
			}
		}
		for _, call := range race.step(c) {
			finished(call)
		}
		if c.now >= nextFault && newLeader != raft.None {
			if node := c.nodes[newLeader-1]; node.core != nil {
				c.crash(node)
			}
			newLeader = raft.None
			result.Faults++
			nextFault = c.now + time.Duration(1+random.IntN(faultSpacing))*time.Millisecond
		} else if c.now >= nextFault && transfers.leader != raft.None {
			transfers.cut(c, options.Nodes)
			nextFault = c.now + time.Duration(1+random.IntN(faultSpacing))*time.Millisecond
		} else if c.now >= nextFault {
			if due, started := transfers.maybeStart(c, reads, transferRandom, options.Nodes); started {
				result.Faults++
				nextFault = due
				continue
			}
			switch {
			case reads:
				c.injectReadFault(random, options.Nodes)
			case random.IntN(6) == 0:
				c.injectMembershipFault(random, options.Nodes)
			default:
				c.injectFault(random, options.Nodes)
			}
			result.Faults++
			nextFault = c.now + time.Duration(1+random.IntN(faultSpacing))*time.Millisecond
		}
	}

	// Heal everything, bring every node back, and let the cluster settle.
	c.network.Heal()
	for _, node := range c.nodes {
		if node.core == nil {
			node.restarts++
			if err := c.start(node); err != nil {
				return result, err
			}
		}
	}
	c.runUntil(func() bool { return false }, c.now+3*time.Second)
	// A last write through the log commits everything before it.
	final, _ := c.submit(uint64(clients+1), store.Command{Op: store.OpPut, Key: "final", Value: "done"}, raft.None)
	c.runUntil(func() bool { return final.Done }, final.deadline)
	result.FinalLeaderAvailable = final.Err == nil
	if final.Err == nil {
		c.runUntil(func() bool { return false }, c.now+time.Second)
		leader := c.nodes[final.ServedBy-1]
		inLog := map[[2]uint64]bool{}
		for _, entry := range committedCommands(leader) {
			if command, err := store.DecodeCommand(entry.Command); err == nil && entry.Kind == raft.EntryCommand {
				inLog[[2]uint64{command.ClientID, command.Sequence}] = true
			}
		}
		for _, w := range acknowledged {
			if !inLog[[2]uint64{w.clientID, w.sequence}] && !inSnapshot(leader, w.clientID, w.sequence, w.index) {
				result.LostWrites = append(result.LostWrites, fmt.Sprintf("put %s %s (client %d, request %d)", w.key, w.value, w.clientID, w.sequence))
			}
		}
		if retriesAcrossSnapshots(options.Seed) {
			c.retryAcrossSnapshots(final.ServedBy, uint64(max(options.Clients, 1)+3)) // campaign_sessions.go
		}
	}
	result.Violations = append(result.Violations, c.violations...)
	if result.Failed() {
		return result, nil // already caught; a broken history can take porcupine long
	}
	linearizability, err := check.CheckLinearizability(c.history.all(), campaignCheckTimeout)
	switch {
	case err != nil:
		result.NotLinearizable = err.Error()
	case linearizability.Outcome != check.Linearizable:
		result.NotLinearizable = linearizability.Outcome.String()
		if len(linearizability.Violations) > 0 {
			violation := linearizability.Violations[0]
			result.NotLinearizable += fmt.Sprintf(" on key %s after %d operations: %v cannot come next",
				violation.Key, len(violation.Linearized), first(violation.Impossible))
		}
	}
	return result, nil
}

func first[T any](items []T) any {
	if len(items) == 0 {
		return "none"
	}
	return items[0]
}

// newestLeader is the running node that believes it leads in the highest
// term, and deposedLeader the one that believes it leads in the lowest
// (a leader cut off from a newer one); none when no node leads.
func (c *Local) newestLeader() NodeID  { return c.leaderOf(func(a, b raft.Term) bool { return a > b }) }
func (c *Local) deposedLeader() NodeID { return c.leaderOf(func(a, b raft.Term) bool { return a < b }) }

// leaderOf is the running node that believes it leads in the term that
// comes first by before, or none.
func (c *Local) leaderOf(before func(a, b raft.Term) bool) NodeID {
	found, term := raft.None, raft.Term(0)
	for _, node := range c.nodes {
		if node.core != nil && node.core.Role() == raft.Leader && (found == raft.None || before(node.core.Term(), term)) {
			found, term = node.id, node.core.Term()
		}
	}
	return found
}

// campaignLoad is the mix of client requests of a campaign: keys is how
// many keys they touch; out of 8 requests, one is a get through the log,
// readsWithoutLog are reads without it and the rest are puts; out of 3,
// atDeposed reads go to the oldest node that believes it leads and atNewest
// puts to the newest.
type campaignLoad struct {
	keys, readsWithoutLog, atDeposed, atNewest int
}

var (
	defaultLoad = campaignLoad{keys: 4, readsWithoutLog: 2, atDeposed: 1, atNewest: 1}
	// readLoad: few keys, so a stale read finds a newer write to miss.
	readLoad = campaignLoad{keys: 2, readsWithoutLog: 5, atDeposed: 2, atNewest: 2}
)

// injectFault applies one random fault or repair.
func (c *Local) injectFault(random *rand.Rand, n int) {
	var up, down []*localNode
	for _, node := range c.nodes {
		if node.core != nil {
			up = append(up, node)
		} else {
			down = append(down, node)
		}
	}
	randomID := func() NodeID { return NodeID(1 + random.IntN(n)) }
	switch choice := random.IntN(11); {
	case choice < 3 && len(down) < (n+1)/2 && len(up) > 0:
		// Prefer the leader now and then: that is where the bugs hide.
		victim := up[random.IntN(len(up))]
		for _, node := range up {
			if node.core.Role() == raft.Leader && random.IntN(2) == 0 {
				victim = node
			}
		}
		c.crash(victim)
	case choice < 4 && len(up) > 0:
		// A reboot: crash and come straight back, volatile state lost.
		node := up[random.IntN(len(up))]
		c.loseVolatileState(node)
		node.restarts++
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "rebooted"})
		_ = c.start(node)
	case choice < 5 && len(down) > 0:
		node := down[random.IntN(len(down))]
		node.restarts++
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "restarted"})
		_ = c.start(node)
	case choice < 6 && n > 2:
		// Strand the leader in a minority, where it keeps taking writes it
		// cannot commit: the raw material of thesis Fig. 3.7.
		var leader NodeID
		for _, node := range up {
			if node.core.Role() == raft.Leader {
				leader = node.id
			}
		}
		if leader == raft.None {
			return
		}
		minority := []NodeID{leader}
		for len(minority) < (n-1)/2 {
			if id := randomID(); !slices.Contains(minority, id) {
				minority = append(minority, id)
			}
		}
		_ = c.network.Partition([][]NodeID{minority})
	case choice < 7 && n > 1:
		var first, second []NodeID
		for id := NodeID(1); int(id) <= n; id++ {
			if random.IntN(2) == 0 {
				first = append(first, id)
			} else {
				second = append(second, id)
			}
		}
		if len(first) > 0 && len(second) > 0 {
			_ = c.network.Partition([][]NodeID{first, second})
		}
	case choice < 8 && n > 1:
		from, to := randomID(), randomID()
		if leader := c.newestLeader(); leader != raft.None && random.IntN(2) == 0 {
			// The leader loses one follower, which campaigns while the
			// others still hear the leader: the case leases must survive
			// (thesis §6.4.1, §4.2.3).
			from = leader
		}
		if from != to {
			c.network.Cut(from, to, random.IntN(2) == 0)
		}
	case choice < 9 && random.IntN(2) == 0 && n > 1:
		c.slowOneWay(random, n)
	case choice < 9:
		config := sim.DefaultLinkConfig()
		config.Drop = float64(random.IntN(20)) / 100
		config.Duplicate = float64(random.IntN(10)) / 100
		config.DelayMax = time.Duration(1+random.IntN(30)) * time.Millisecond
		_ = c.network.SetDefault(config)
	default:
		c.network.Heal()
	}
}

// injectReadFault applies one of the faults that test reads without the
// log: the leader loses a follower and reaches the others slowly, one
// direction of a link turns slow or lossy, or the network heals.
func (c *Local) injectReadFault(random *rand.Rand, n int) {
	switch choice := random.IntN(6); {
	case choice < 3 && n > 2:
		c.leaderLosesFollower(random, n)
	case choice < 5 && n > 1:
		c.slowOneWay(random, n)
	default:
		c.network.Heal()
	}
}

// leaderLosesFollower cuts the leader off from one follower, both ways,
// and slows its messages to the others, one way: the lost follower
// campaigns (at once, or when its timer runs out), the others may vote for it while the leader's lease still
// counts on their last answers, and the leader learns of the new term late
// (thesis §6.4.1, §4.2.3).
func (c *Local) leaderLosesFollower(random *rand.Rand, n int) {
	leader := c.newestLeader()
	lost := NodeID(1 + random.IntN(n))
	if leader == raft.None || lost == leader {
		return
	}
	c.network.Cut(leader, lost, true)
	for id := NodeID(1); int(id) <= n; id++ {
		if id != leader && id != lost {
			config := sim.DefaultLinkConfig()
			config.DelayMin = time.Duration(5+random.IntN(30)) * time.Millisecond
			config.DelayMax = config.DelayMin + time.Duration(1+random.IntN(30))*time.Millisecond
			config.Drop = float64(random.IntN(50)) / 100
			_ = c.network.SetLink(leader, id, config, false)
		}
	}
	// Half the time the lost follower's timer fires at once, before its
	// log falls behind the leader's.
	if node := c.nodes[lost-1]; node.core != nil && random.IntN(2) == 0 {
		node.core.Campaign()
		c.process(node)
	}
}

// slowOneWay makes one direction of one link slow or lossy, often from
// the leader: a follower hears the leader late while its answers go fast.
func (c *Local) slowOneWay(random *rand.Rand, n int) {
	from, to := NodeID(1+random.IntN(n)), NodeID(1+random.IntN(n))
	if leader := c.newestLeader(); leader != raft.None && random.IntN(2) == 0 {
		from = leader
	}
	if from == to {
		return
	}
	config := sim.DefaultLinkConfig()
	config.Drop = float64(random.IntN(90)) / 100
	config.DelayMin = time.Duration(random.IntN(20)) * time.Millisecond
	config.DelayMax = config.DelayMin + time.Duration(1+random.IntN(30))*time.Millisecond
	_ = c.network.SetLink(from, to, config, false)
}
