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
// nodes crash and restart, the network partitions, cuts, loses, duplicates
// and reorders messages. The checker watches every event; at the end the
// cluster is healed and every acknowledged write must be in the log.

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
	Seed                 uint64
	Nodes                int
	Operations           int // client requests that finished
	Acknowledged         int // writes the cluster acknowledged
	Faults               int
	Elections            int
	Violations           []check.Violation
	LostWrites           []string // acknowledged writes missing at the end
	Settings             Settings
	FinalLeaderAvailable bool
}

// Failed reports whether the run found anything wrong.
func (r CampaignResult) Failed() bool { return len(r.Violations) > 0 || len(r.LostWrites) > 0 }

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
	settings.MaxInflight = 1 + random.IntN(8)
	settings.Bugs = options.Bugs
	settings.ClientTimeout = time.Second
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
	if storm {
		faultSpacing = 5 + random.IntN(60)
	}
	var nextFault time.Duration
	newLeader := raft.None
	cancel := c.Subscribe(func(record Record) {
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
	}
	var acknowledged []write
	clients := max(options.Clients, 1)
	calls := make([]*Call, clients)
	counter := 0
	submit := func(client int) {
		counter++
		key := fmt.Sprintf("k%d", random.IntN(4))
		command := store.Command{Op: store.OpPut, Key: key, Value: fmt.Sprintf("c%d-%d", client+1, counter)}
		if random.IntN(4) == 0 {
			command = store.Command{Op: store.OpGet, Key: key}
		}
		calls[client], _ = c.submit(uint64(client+1), command, raft.None)
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
			return c.now >= nextFault
		}, min(nextFault, end))
		for client, call := range calls {
			if !call.Done {
				continue
			}
			result.Operations++
			if call.Err == nil && call.Command.Op == store.OpPut {
				result.Acknowledged++
				acknowledged = append(acknowledged, write{call.Command.Key, call.Command.Value, call.Command.ClientID, call.Command.Sequence})
			}
			submit(client)
		}
		if c.now >= nextFault && newLeader != raft.None {
			if node := c.nodes[newLeader-1]; node.core != nil {
				c.crash(node)
			}
			newLeader = raft.None
			result.Faults++
			nextFault = c.now + time.Duration(1+random.IntN(faultSpacing))*time.Millisecond
		} else if c.now >= nextFault {
			c.injectFault(random, options.Nodes)
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
		for _, entry := range leader.core.Log()[:leader.core.CommitIndex()] {
			if command, err := store.DecodeCommand(entry.Command); err == nil && entry.Kind == raft.EntryCommand {
				inLog[[2]uint64{command.ClientID, command.Sequence}] = true
			}
		}
		for _, w := range acknowledged {
			if !inLog[[2]uint64{w.clientID, w.sequence}] {
				result.LostWrites = append(result.LostWrites, fmt.Sprintf("put %s %s (client %d, request %d)", w.key, w.value, w.clientID, w.sequence))
			}
		}
	}
	result.Violations = append(result.Violations, c.violations...)
	return result, nil
}

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
		c.network.DropNode(node.id)
		c.clients.nodeDown(c, node.id)
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
		if from != to {
			c.network.Cut(from, to, random.IntN(2) == 0)
		}
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
