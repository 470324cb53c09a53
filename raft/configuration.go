package raft

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Configurations (thesis §4.1, §4.3): the set of servers whose votes count.
// A configuration lives in the log, as an entry of kind
// EntryConfiguration, and a server uses the latest one in its log, whether
// committed or not:
//
// > a server always uses the latest configuration in its log, regardless
// > of whether that entry is committed. (thesis §4.1)
//
// Before any configuration entry, a server uses its bootstrap
// configuration: Config.Peers, or nothing for a server that joins later
// (Config.Joining, thesis §4.4).

// EntryConfiguration is a log entry that holds a Configuration. It is
// numbered apart from message.go's kinds so the two lists grow without
// clashing.
const EntryConfiguration EntryKind = 10

// Configuration is a set of voters. During joint consensus (thesis §4.3) it
// is C_old,new: OldVoters is C_old, Voters is C_new, and every decision
// needs a majority of each.
type Configuration struct {
	// Voters are sorted, without repeats.
	Voters []NodeID
	// OldVoters is set only in a joint configuration.
	OldVoters []NodeID
}

// NewConfiguration builds a simple configuration of voters.
func NewConfiguration(voters ...NodeID) Configuration {
	sorted := slices.Clone(voters)
	slices.Sort(sorted)
	return Configuration{Voters: slices.Compact(sorted)}
}

// Joint reports whether this is C_old,new (thesis §4.3).
func (c Configuration) Joint() bool { return len(c.OldVoters) > 0 }

// IsVoter reports whether id's vote counts in c (in either half of a joint
// configuration).
func (c Configuration) IsVoter(id NodeID) bool {
	return slices.Contains(c.Voters, id) || slices.Contains(c.OldVoters, id)
}

// Members returns every voter of c, sorted.
func (c Configuration) Members() []NodeID {
	members := slices.Concat(c.Voters, c.OldVoters)
	slices.Sort(members)
	return slices.Compact(members)
}

// Empty reports whether c has no voter at all (a server that has not
// joined yet).
func (c Configuration) Empty() bool { return len(c.Voters) == 0 && len(c.OldVoters) == 0 }

// Equal reports whether c and other have the same voters.
func (c Configuration) Equal(other Configuration) bool {
	return slices.Equal(c.Voters, other.Voters) && slices.Equal(c.OldVoters, other.OldVoters)
}

// String shows "n1,n2,n3", or "n1,n2,n3 -> n1,n2,n4" for C_old,new.
func (c Configuration) String() string {
	if c.Joint() {
		return groupString(c.OldVoters) + " -> " + groupString(c.Voters)
	}
	return groupString(c.Voters)
}

func groupString(ids []NodeID) string {
	if len(ids) == 0 {
		return "{}"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id.String()
	}
	return strings.Join(names, ",")
}

// majority is the number of votes that make a majority of voters.
func majority(voters []NodeID) int { return len(voters)/2 + 1 }

// HasQuorum reports whether the servers for which yes answers true form a
// majority of c, and of both halves when joint (thesis §4.3: "Agreement
// (for elections and entry commitment) requires separate majorities from
// both the old and new configurations"). An empty configuration has no
// quorum.
func (c Configuration) HasQuorum(yes func(NodeID) bool) bool {
	if c.Empty() {
		return false
	}
	if !majorityOf(c.Voters, yes) {
		return false
	}
	return !c.Joint() || majorityOf(c.OldVoters, yes)
}

func majorityOf(voters []NodeID, yes func(NodeID) bool) bool {
	count := 0
	for _, id := range voters {
		if yes(id) {
			count++
		}
	}
	return count >= majority(voters)
}

// QuorumIndex is the highest value that a quorum of c has reached: for
// each half, sort the voters' values high to low and take the one at
// position majority-1; a joint configuration takes the lower of its two.
// It applies to match indexes (commitment) and heartbeat rounds (reads).
func QuorumIndex[T ~uint64](c Configuration, value func(NodeID) T) T {
	if c.Empty() {
		return 0
	}
	result := quorumValue(c.Voters, value)
	if c.Joint() {
		result = min(result, quorumValue(c.OldVoters, value))
	}
	return result
}

func quorumValue[T ~uint64](voters []NodeID, value func(NodeID) T) T {
	values := make([]T, 0, len(voters))
	for _, id := range voters {
		values = append(values, value(id))
	}
	slices.Sort(values)
	slices.Reverse(values)
	return values[majority(voters)-1]
}

// encodeConfiguration writes c as "n1,n2,n3" or "n1,n2|n1,n2,n4" (old|new):
// readable in a log dump, and stable across versions.
func encodeConfiguration(c Configuration) []byte {
	text := idList(c.Voters)
	if c.Joint() {
		text = idList(c.OldVoters) + "|" + text
	}
	return []byte(text)
}

func idList(ids []NodeID) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(int(id))
	}
	return strings.Join(parts, ",")
}

// DecodeConfiguration reads the command of an EntryConfiguration.
func DecodeConfiguration(data []byte) (Configuration, error) {
	text := string(data)
	var c Configuration
	old, current, joint := strings.Cut(text, "|")
	if !joint {
		current, old = old, ""
	}
	var err error
	if c.Voters, err = parseIDList(current); err != nil {
		return Configuration{}, fmt.Errorf("configuration %q: %w", text, err)
	}
	if joint {
		if c.OldVoters, err = parseIDList(old); err != nil {
			return Configuration{}, fmt.Errorf("configuration %q: %w", text, err)
		}
	}
	return c, nil
}

func parseIDList(text string) ([]NodeID, error) {
	if text == "" {
		return nil, nil
	}
	var ids []NodeID
	for _, part := range strings.Split(text, ",") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 || n > 255 {
			return nil, fmt.Errorf("bad node number %q", part)
		}
		ids = append(ids, NodeID(n))
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

// ConfigurationEntry builds an EntryConfiguration for tests and hosts.
func ConfigurationEntry(index Index, term Term, c Configuration) Entry {
	return Entry{Index: index, Term: term, Kind: EntryConfiguration, Command: encodeConfiguration(c)}
}

// refreshConfiguration makes r.configuration the latest configuration in
// the log (thesis §4.1: it takes effect when appended, and a truncated one
// is undone). It scans back from the end to the latest configuration
// entry, so callers call it only when the log's configuration entries may
// have changed (see maybeRefreshConfiguration).
func (r *Node) refreshConfiguration() {
	configuration, index, term := r.configurationBefore()
	for i := r.log.entries.length() - 1; i >= 0; i-- {
		entry := r.log.entries.at(i)
		if entry.Kind != EntryConfiguration {
			continue
		}
		decoded, err := DecodeConfiguration(entry.Command)
		if err != nil {
			continue // written by no correct leader; keep looking
		}
		configuration, index, term = decoded, entry.Index, entry.Term
		break
	}
	// News when the voters change, or a configuration entry of the log
	// (not a snapshot's) takes over.
	changed := !configuration.Equal(r.configuration) || (index != r.configurationIndex && index > r.log.snapshotIndex)
	r.configuration, r.configurationIndex, r.configurationTerm = configuration, index, term
	r.updatePeers()
	if changed && index != 0 {
		r.emit(Event{Kind: EventConfigurationChanged, Index: index, Configuration: configuration.String(), Section: "§4.1"})
	}
}

// configurationBefore is the configuration that holds before the log's
// first entry: the snapshot's (thesis §5.1, "the latest configuration as
// of the last included index"), held by its last included entry, or the
// bootstrap configuration (index 0).
func (r *Node) configurationBefore() (Configuration, Index, Term) {
	if !r.snapshot.IsEmpty() && len(r.snapshot.Configuration) > 0 {
		return NewConfiguration(r.snapshot.Configuration...), r.snapshot.LastIncludedIndex, r.snapshot.LastIncludedTerm
	}
	return r.bootstrap, 0, 0
}

// configurationAt is the latest configuration as of index: what a snapshot
// taken there must keep (thesis §5.1).
func (r *Node) configurationAt(index Index) Configuration {
	for i := r.log.entries.length() - 1; i >= 0; i-- {
		entry := r.log.entries.at(i)
		if entry.Index > index || entry.Kind != EntryConfiguration {
			continue
		}
		if decoded, err := DecodeConfiguration(entry.Command); err == nil {
			return decoded
		}
	}
	configuration, _, _ := r.configurationBefore()
	return configuration
}

// ErrJointConfiguration is returned by Compact at an index whose
// configuration is joint: a snapshot keeps one set of voters, so the
// snapshot waits until C_new is in force (thesis §4.3), a round trip later.
var ErrJointConfiguration = errors.New("the configuration at that index is joint (C_old,new); snapshot once C_new is in force")

// maybeRefreshConfiguration refreshes the configuration after entries were
// stored: when one of them is a configuration entry, or when the entry
// that held the current configuration was truncated away.
func (r *Node) maybeRefreshConfiguration(entries []Entry) {
	for _, entry := range entries {
		if entry.Kind == EntryConfiguration {
			r.refreshConfiguration()
			return
		}
	}
	if r.configurationIndex == 0 {
		return
	}
	term, present := r.log.term(r.configurationIndex)
	if !present || term != r.configurationTerm {
		r.refreshConfiguration()
	}
}

// updatePeers sets the servers this node talks to: the voters of its
// configuration and, on a leader, the server it is catching up (thesis
// §4.2.1). A leader keeps a Progress for each of them but itself.
func (r *Node) updatePeers() {
	peers := r.configuration.Members()
	if r.role == Leader && r.catchUp.server != None && !slices.Contains(peers, r.catchUp.server) {
		peers = append(peers, r.catchUp.server)
		slices.Sort(peers)
	}
	r.peers = peers
	if r.role != Leader {
		return
	}
	for id := range r.progress.all() {
		if !slices.Contains(peers, id) {
			r.progress[id] = nil
		}
	}
	for _, peer := range peers {
		if peer != r.id && r.progress[peer] == nil {
			r.progress[peer] = &Progress{NextIndex: r.log.lastIndex() + 1, RecentActive: true}
		}
	}
}

// jointConfiguration is the configuration as text while it is joint, for
// events whose Quorum (a majority of C_new) does not tell the whole rule
// (thesis §4.3); "" otherwise.
func (r *Node) jointConfiguration() string {
	if !r.configuration.Joint() {
		return ""
	}
	return r.configuration.String()
}

// isVoter reports whether id's vote counts in this node's configuration.
func (r *Node) isVoter(id NodeID) bool { return r.configuration.IsVoter(id) }

// Configuration returns the configuration this node uses (the latest in
// its log) and the index of the entry that holds it (0: the bootstrap
// configuration).
func (r *Node) Configuration() (Configuration, Index) {
	return r.configuration, r.configurationIndex
}
