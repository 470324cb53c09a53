package cluster

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// Leadership transfer (thesis §3.10) and membership changes (thesis
// chapter 4) on a local cluster. Each operation asks the leader's core,
// then runs the cluster until the change is done, abandoned, or times out;
// every step along the way is an event in the trace.
//
// A server added past the last node (`add n4` on a 3-node cluster) is
// created empty, with no configuration: it does not campaign until a
// configuration entry that names it reaches its log (thesis §4.4).

// Every operation takes wait: false returns as soon as the leader has
// started the change, for clients that go on meanwhile (the chaos
// campaigns, `add n4 async`).

// Reconfigurable is a cluster that can transfer leadership and change its
// membership: Local now; a Remote does not offer it yet.
type Reconfigurable interface {
	Transfer(target NodeID, wait bool) error
	AddServer(id NodeID, wait bool) error
	RemoveServer(id NodeID, wait bool) error
	Reconfigure(voters []NodeID, wait bool) error
	Membership() Membership
}

var _ Reconfigurable = (*Local)(nil)

// ErrNoLeader: the operation needs a leader and none is known.
var ErrNoLeader = errors.New("no leader")

// coreConfig is a node's core configuration: the cluster's settings, the
// bootstrap voters (the nodes the cluster was built with), and for a node
// added later no configuration at all.
func (c *Local) coreConfig(node *localNode, seed uint64) raft.Config {
	var bootstrap []raft.NodeID
	for _, id := range c.ids {
		if int(id) > len(c.nodes) || !c.nodes[id-1].joining {
			bootstrap = append(bootstrap, id)
		}
	}
	config := c.settings.config(node.id, bootstrap, seed)
	config.Joining = node.joining
	return config
}

// leaderNode returns the running leader of the highest term.
func (c *Local) leaderNode() (*localNode, error) {
	var leader *localNode
	for _, node := range c.nodes {
		if node.core != nil && node.core.Role() == raft.Leader && (leader == nil || node.core.Term() > leader.core.Term()) {
			leader = node
		}
	}
	if leader == nil {
		return nil, fmt.Errorf("%w: elect one first (wait leader)", ErrNoLeader)
	}
	return leader, nil
}

// membershipDeadline bounds how long a membership operation may run: the
// catch-up of thesis §4.2.1 gets its rounds, and then some.
func (c *Local) membershipDeadline() time.Duration {
	return c.now + max(c.settings.ClientTimeout, time.Duration(raft.MaxCatchUpRounds+2)*c.settings.ElectionMax)
}

// Transfer hands leadership to target (thesis §3.10). With wait, it runs
// the cluster until target leads, or the leader abandons the transfer
// after an election timeout; without, it returns once the leader started.
func (c *Local) Transfer(target NodeID, wait bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.node(target); err != nil {
		return err
	}
	leader, err := c.leaderNode()
	if err != nil {
		return err
	}
	if err := leader.core.TransferLeadership(target); err != nil {
		return fmt.Errorf("%v: %w", leader.id, err)
	}
	c.process(leader)
	if !wait {
		return nil
	}
	term := leader.core.Term()
	targetLeads := func() bool {
		node := c.nodes[target-1]
		return node.core != nil && node.core.Role() == raft.Leader && node.core.Term() > term
	}
	abandoned := func() bool {
		return leader.core != nil && leader.core.Role() == raft.Leader && leader.core.Transferring() == raft.None
	}
	otherLeads := func() bool {
		for _, node := range c.nodes {
			if node.core != nil && node.core.Role() == raft.Leader && node.core.Term() > term {
				return true
			}
		}
		return false
	}
	c.runUntil(func() bool { return targetLeads() || abandoned() || otherLeads() }, c.now+2*c.settings.ElectionMax)
	switch {
	case targetLeads():
		return nil
	case leader.core != nil && leader.core.Role() == raft.Leader:
		return fmt.Errorf("transfer to %v abandoned after an election timeout: %v leads again in term %d", target, leader.id, leader.core.Term())
	default:
		return fmt.Errorf("transfer to %v did not finish: %v is no longer the leader, and %v does not lead", target, leader.id, target)
	}
}

// AddServer adds id as a voter, one server at a time (thesis §4.1): the
// leader catches it up as a non-voting member first (thesis §4.2.1). A node
// past the last one is created, empty.
func (c *Local) AddServer(id NodeID, wait bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkNewNode(id); err != nil {
		return err
	}
	leader, err := c.leaderNode()
	if err != nil {
		return err
	}
	if err := leader.core.AddServer(id); err != nil {
		return changeRefused(leader.id, err)
	}
	if err := c.createNodes([]NodeID{id}); err != nil {
		return err
	}
	c.process(leader)
	if !wait {
		return nil
	}
	added := func() bool {
		configuration, index := leader.core.Configuration()
		return configuration.IsVoter(id) && leader.core.CommitIndex() >= index
	}
	gone := func() bool {
		return leader.core == nil || leader.core.Role() != raft.Leader ||
			(leader.core.CatchingUp() == raft.None && !configurationHas(leader.core, id))
	}
	c.runUntil(func() bool { return gone() || added() }, c.membershipDeadline())
	switch {
	case leader.core != nil && added():
		return nil
	case leader.core != nil && leader.core.Role() == raft.Leader && !configurationHas(leader.core, id):
		return fmt.Errorf("adding %v aborted: it did not catch up in time (thesis §4.2.1); the configuration is unchanged", id)
	default:
		return fmt.Errorf("adding %v did not finish: %v lost its leadership (status shows the configuration)", id, leader.id)
	}
}

// RemoveServer removes id from the voters (thesis §4.1). Removing the
// leader makes it step down once the change commits (thesis §4.2.2).
func (c *Local) RemoveServer(id NodeID, wait bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.node(id); err != nil {
		return err
	}
	leader, err := c.leaderNode()
	if err != nil {
		return err
	}
	if err := leader.core.RemoveServer(id); err != nil {
		return changeRefused(leader.id, err)
	}
	return c.awaitConfiguration(leader, wait)
}

// Reconfigure changes the voters to an arbitrary set through joint
// consensus (thesis §4.3). Nodes past the last one are created, empty.
func (c *Local) Reconfigure(voters []NodeID, wait bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var created []NodeID
	for _, id := range voters {
		if int(id) > len(c.nodes) {
			created = append(created, id)
		}
	}
	slices.Sort(created)
	for i, id := range created {
		if int(id) != len(c.nodes)+1+i || id > MaxNodes {
			return fmt.Errorf("%w %v: new nodes are numbered in order, the next is n%d", ErrUnknownNode, id, len(c.nodes)+1)
		}
	}
	if len(created) > 0 {
		if err := c.canCreateNodes(); err != nil {
			return err
		}
	}
	leader, err := c.leaderNode()
	if err != nil {
		return err
	}
	if err := leader.core.Reconfigure(voters); err != nil {
		return changeRefused(leader.id, err)
	}
	if err := c.createNodes(created); err != nil {
		return err
	}
	return c.awaitConfiguration(leader, wait)
}

// awaitConfiguration runs the cluster until the leader's latest
// configuration is simple (C_new follows C_old,new, thesis §4.3) and
// committed.
func (c *Local) awaitConfiguration(leader *localNode, wait bool) error {
	c.process(leader)
	if !wait {
		return nil
	}
	term := leader.core.Term()
	done := func() bool {
		if leader.core == nil {
			return false
		}
		configuration, index := leader.core.Configuration()
		return !configuration.Joint() && leader.core.CommitIndex() >= index
	}
	lost := func() bool {
		return leader.core == nil || leader.core.Term() != term ||
			(leader.core.Role() != raft.Leader && !done())
	}
	c.runUntil(func() bool { return done() || lost() }, c.membershipDeadline())
	if done() {
		return nil
	}
	if lost() {
		return fmt.Errorf("the change did not finish: %v lost its leadership (status shows the configuration)", leader.id)
	}
	return fmt.Errorf("%w: the change did not commit (is a majority of the new configuration reachable?)", ErrTimeout)
}

// changeRefused says why the leader refused a change, and what to do.
func changeRefused(leader NodeID, err error) error {
	if errors.Is(err, raft.ErrNoCommitInTerm) {
		return fmt.Errorf("%v: %w (errata to thesis §4.1): let its no-op commit first (tick 5), or put a value", leader, err)
	}
	return fmt.Errorf("%v: %w", leader, err)
}

// entryTerm is the term of core's entry at index; compacted says the
// entry is inside its snapshot, so committed (thesis §5.1).
func entryTerm(core *raft.Node, index raft.Index) (term raft.Term, compacted, present bool) {
	offset := core.SnapshotIndex()
	if index <= offset {
		return 0, index > 0, index > 0
	}
	term, present = core.EntryTerm(index)
	return term, false, present
}

func configurationHas(core *raft.Node, id NodeID) bool {
	configuration, _ := core.Configuration()
	return configuration.IsVoter(id)
}

// checkNewNode accepts an existing node, or the next one to create.
func (c *Local) checkNewNode(id NodeID) error {
	if id >= 1 && int(id) <= len(c.nodes) {
		return nil
	}
	if int(id) != len(c.nodes)+1 || id > MaxNodes {
		if len(c.nodes) == MaxNodes {
			return fmt.Errorf("%w %v: a cluster has at most %d nodes", ErrUnknownNode, id, MaxNodes)
		}
		return fmt.Errorf("%w %v: new nodes are numbered in order, the next is n%d", ErrUnknownNode, id, len(c.nodes)+1)
	}
	return c.canCreateNodes()
}

// canCreateNodes: new nodes live in memory, so a cluster kept on disk
// cannot grow.
func (c *Local) canCreateNodes() error {
	if _, inMemory := c.nodes[0].storage.(memoryStorage); !inMemory {
		return fmt.Errorf("a cluster stored on disk cannot grow yet: its new nodes would not be stored")
	}
	return nil
}

// createNodes starts new, empty nodes with no configuration.
func (c *Local) createNodes(ids []NodeID) error {
	for _, id := range ids {
		if int(id) <= len(c.nodes) {
			continue
		}
		if err := c.network.AddNode(id); err != nil {
			return err
		}
		node := &localNode{id: id, storage: memoryStorage{store.NewMemory()}, joining: true}
		node.nextTick = c.now + time.Duration(1+c.random.Int64N(int64(c.settings.Tick)))
		c.nodes = append(c.nodes, node)
		c.ids = append(c.ids, id)
		c.publish(Record{Kind: RecordFault, Node: id, Text: "started, empty, with no configuration (thesis §4.4)"})
		if err := c.start(node); err != nil {
			return err
		}
	}
	return nil
}

// Membership is the cluster's configuration as its leader sees it.
type Membership struct {
	Leader NodeID
	// Configuration is the leader's latest, held by the entry at Index
	// (0: the bootstrap configuration); Committed says whether it is.
	Configuration raft.Configuration
	Index         raft.Index
	Committed     bool
	// Changed: the voters differ from the ones the cluster was built with.
	Changed bool
	// CatchingUp is the new server being caught up as a non-voting member
	// (thesis §4.2.1), Transferring the target of a leadership transfer.
	CatchingUp, Transferring NodeID
}

// Membership returns the leader's view, or, with no leader, the
// configuration of the running node with the longest log.
func (v View) Membership() Membership {
	var best *localNode
	for _, node := range v.c.nodes {
		if node.core == nil {
			continue
		}
		if node.core.Role() == raft.Leader && (best == nil || best.core.Role() != raft.Leader || node.core.Term() > best.core.Term()) {
			best = node
		} else if best == nil || (best.core.Role() != raft.Leader && node.core.LastIndex() > best.core.LastIndex()) {
			best = node
		}
	}
	if best == nil {
		return Membership{}
	}
	configuration, index := best.core.Configuration()
	var initial []raft.NodeID
	for _, id := range v.c.ids {
		if !v.c.nodes[id-1].joining {
			initial = append(initial, id)
		}
	}
	membership := Membership{Configuration: configuration, Index: index, Committed: index == 0,
		Changed: !configuration.Equal(raft.NewConfiguration(initial...))}
	// Committed if any node knows it committed (a removed leader may be
	// the only one that does until the next leader's first commit).
	term, compacted, _ := entryTerm(best.core, index)
	membership.Committed = membership.Committed || compacted
	for _, node := range v.c.nodes {
		if node.core != nil && node.core.CommitIndex() >= index {
			if other, otherCompacted, ok := entryTerm(node.core, index); ok && (other == term || otherCompacted) {
				membership.Committed = true
			}
		}
	}
	if best.core.Role() == raft.Leader {
		membership.Leader = best.id
		membership.CatchingUp, membership.Transferring = best.core.CatchingUp(), best.core.Transferring()
	}
	return membership
}

// Membership returns the leader's view of the configuration.
func (c *Local) Membership() Membership {
	c.mu.Lock()
	defer c.mu.Unlock()
	return View{c}.Membership()
}
