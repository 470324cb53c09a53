package cluster

import (
	"fmt"

	"raftctl/net/sim"
	"raftctl/raft"
)

// Network faults on a real cluster: no root, no firewall. The Remote
// keeps the wanted partitions, cuts and link faults, and tells each node
// the rules for its own traffic (what it must not send, what it must
// discard, how unreliable each outgoing link is). Both ends of a cut link
// enforce it, so a partition holds even while one end is unreachable, and
// a node that comes back is told its rules again.

// Partition cuts every link between groups; nodes not named form one more
// group together.
func (r *Remote) Partition(groups [][]NodeID) error {
	r.rulesMu.Lock()
	err := r.rules.Partition(groups)
	r.rulesMu.Unlock()
	if err != nil {
		return err
	}
	r.publish(Record{Kind: RecordFault, Text: partitionText(groups)})
	r.pushAllRules()
	return nil
}

// Cut cuts the link from -> to, and to -> from when bothWays.
func (r *Remote) Cut(from, to NodeID, bothWays bool) error {
	if err := r.checkLink(from, to); err != nil {
		return err
	}
	if from == to {
		return fmt.Errorf("cut %v-%v: a node has no link to itself", from, to)
	}
	r.rulesMu.Lock()
	r.rules.Cut(from, to, bothWays)
	r.rulesMu.Unlock()
	arrow := "->"
	if bothWays {
		arrow = "-"
	}
	r.publish(Record{Kind: RecordFault, Text: fmt.Sprintf("cut %v%s%v", from, arrow, to)})
	r.pushAllRules()
	return nil
}

// Heal restores every link and clears every loss and delay rule.
func (r *Remote) Heal() {
	r.rulesMu.Lock()
	r.rules.Heal()
	_ = r.rules.SetDefault(sim.LinkConfig{})
	r.rulesMu.Unlock()
	r.publish(Record{Kind: RecordFault, Text: "healed"})
	r.pushAllRules()
}

// Network returns the unreliability every node adds to its outgoing links
// (none by default: the real network has its own).
func (r *Remote) Network() sim.LinkConfig {
	r.rulesMu.Lock()
	defer r.rulesMu.Unlock()
	return r.rules.Default()
}

// SetNetwork sets the unreliability of every link.
func (r *Remote) SetNetwork(config sim.LinkConfig) error {
	r.rulesMu.Lock()
	err := r.rules.SetDefault(config)
	r.rulesMu.Unlock()
	if err != nil {
		return err
	}
	r.pushAllRules()
	return nil
}

// SetLink sets the unreliability of one link (both ways when bothWays).
func (r *Remote) SetLink(from, to NodeID, config sim.LinkConfig, bothWays bool) error {
	if err := r.checkLink(from, to); err != nil {
		return err
	}
	r.rulesMu.Lock()
	err := r.rules.SetLink(from, to, config, bothWays)
	r.rulesMu.Unlock()
	if err != nil {
		return err
	}
	r.pushAllRules()
	return nil
}

func (r *Remote) checkLink(from, to NodeID) error {
	if _, err := r.node(from); err != nil {
		return err
	}
	_, err := r.node(to)
	return err
}

// rulesFor computes one node's share of the wanted network state.
func (r *Remote) rulesFor(id NodeID) LinkRules {
	r.rulesMu.Lock()
	defer r.rulesMu.Unlock()
	rules := LinkRules{Default: r.rules.Default(), Links: map[raft.NodeID]sim.LinkConfig{}}
	for _, peer := range r.ids {
		if peer == id {
			continue
		}
		if !r.rules.Connected(id, peer) {
			rules.BlockOut = append(rules.BlockOut, peer)
		}
		if !r.rules.Connected(peer, id) {
			rules.BlockIn = append(rules.BlockIn, peer)
		}
		if link := r.rules.Link(id, peer); link != rules.Default {
			rules.Links[peer] = link
		}
	}
	return rules
}

// pushRules tells one node its rules; an unreachable node is told when it
// comes back.
func (r *Remote) pushRules(id NodeID) error {
	rules := r.rulesFor(id)
	_, err := r.request(id, controlRequest{Op: opRules, Rules: &rules}, requestTimeout)
	return err
}

// pushAllRules tells every node its rules, in parallel.
func (r *Remote) pushAllRules() {
	done := make(chan struct{}, len(r.ids))
	for _, id := range r.ids {
		go func() {
			_ = r.pushRules(id)
			done <- struct{}{}
		}()
	}
	for range r.ids {
		<-done
	}
}
