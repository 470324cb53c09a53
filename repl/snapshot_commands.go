package repl

import (
	"fmt"
	"strconv"

	"raftctl/cluster"
	"raftctl/raft"
)

// Log compaction in the command language (thesis ch. 5): `snapshot NODE`
// and `set snapshot-threshold N`, and how snapshots read in traces.

func compactionCommands() []Command {
	return []Command{
		{
			Name: "snapshot", Usage: "snapshot NODE", Group: groupCluster, Section: "§5.1",
			Summary: "NODE compacts its log now: its state machine (with the client sessions) at its applied index becomes its snapshot, " +
				"and the entries it covers are dropped; a follower that needs them later gets the snapshot (InstallSnapshot, Fig. 5.3). " +
				"set snapshot-threshold N does it automatically.",
			Example:   "snapshot n1",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runSnapshot,
		},
	}
}

func runSnapshot(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return usageError("snapshot")
	}
	id, err := s.parseNode(arguments[0])
	if err != nil {
		return err
	}
	compactor, ok := s.cluster.(cluster.Compactor)
	if !ok {
		return fmt.Errorf("snapshot needs the simulator: %w (compacting a real node by hand is not supported yet)", cluster.ErrWallClock)
	}
	index, err := compactor.Compact(id)
	if err != nil {
		return err
	}
	s.printf("  %v snapshot up to index %d; its log now starts at index %d", id, index, index+1)
	return nil
}

// snapshotThresholdOption is `set snapshot-threshold N`.
var snapshotThresholdOption = option{
	name: "snapshot-threshold", section: "§5.1.2",
	meaning: "a node snapshots once its log holds this many applied entries past its last snapshot (0: only by hand; 10000 by default)",
	values:  []string{"0", "10", "100"},
	apply: func(_ *Session, settings *cluster.Settings, value string) error {
		count, err := strconv.Atoi(value)
		if err != nil || count < 0 || count > 1<<20 {
			return invalid("snapshot-threshold %q: want 0 (off) or a number of entries up to %d, e.g. set snapshot-threshold 10", value, 1<<20)
		}
		settings.SnapshotThreshold = count
		return nil
	},
	show: func(settings cluster.Settings) string { return strconv.Itoa(settings.SnapshotThreshold) },
}

// snapshotGrowthOption is `set snapshot-growth F`.
var snapshotGrowthOption = option{
	name: "snapshot-growth", section: "§5.1.2",
	meaning: "a node snapshots on its own only once the log past its snapshot is this many times the snapshot's size in bytes, so large state machines snapshot less often (0, the default: the entry count alone)",
	values:  []string{"0", "2", "4"},
	apply: func(_ *Session, settings *cluster.Settings, value string) error {
		factor, err := strconv.Atoi(value)
		if err != nil || factor < 0 || factor > 1000 {
			return invalid("snapshot-growth %q: want 0 (the entry count alone) to 1000, e.g. set snapshot-growth 4", value)
		}
		settings.SnapshotGrowth = factor
		return nil
	},
	show: func(settings cluster.Settings) string { return strconv.Itoa(settings.SnapshotGrowth) },
}

func init() { options = append(options, snapshotThresholdOption, snapshotGrowthOption) }

// snapshotEvent renders the core's compaction decisions; ok is false for
// other events.
func snapshotEvent(event raft.Event) (text string, ok bool) {
	node := event.Node
	switch event.Kind {
	case raft.EventSnapshotTaken:
		dropped := fmt.Sprintf("%v takes a snapshot up to %d/t%d: %d %s dropped", node, event.Index, event.LogTerm,
			event.Count, map[bool]string{true: "entry", false: "entries"}[event.Count == 1])
		if event.OtherIndex == event.Index {
			return dropped + ", no entry left after it", true
		}
		return fmt.Sprintf("%s, its log now holds %d..%d", dropped, event.Index+1, event.OtherIndex), true
	case raft.EventSnapshotSent:
		return fmt.Sprintf("%v sends its snapshot up to %d/t%d to %v: %v needs entry %d, which is compacted", node, event.Index, event.LogTerm,
			event.Peer, event.Peer, event.OtherIndex), true
	case raft.EventSnapshotInstalled:
		switch event.Reason {
		case raft.ReasonAlreadyCommitted:
			return fmt.Sprintf("%v ignores the snapshot up to %d from %v: it has committed up to %d already", node, event.Index, event.Peer, event.OtherIndex), true
		case raft.ReasonLogSuffixKept:
			return fmt.Sprintf("%v installs the snapshot up to %d/t%d from %v: its log held that entry, so the %d after it stay; state machine reset from the snapshot",
				node, event.Index, event.LogTerm, event.Peer, event.Count), true
		}
		return fmt.Sprintf("%v installs the snapshot up to %d/t%d from %v: its log did not hold that entry, so it is discarded; state machine reset from the snapshot",
			node, event.Index, event.LogTerm, event.Peer), true
	}
	return "", false
}

// describeSnapshotMessage summarizes InstallSnapshot and its answer.
func describeSnapshotMessage(message raft.Message) (string, bool) {
	term := fmt.Sprintf("%v term %d", message.Type, message.Term)
	switch message.Type {
	case raft.MsgInstallSnapshot:
		if message.Snapshot == nil {
			return term + " (no snapshot)", true
		}
		return fmt.Sprintf("%s last included %d/t%d, %d bytes in one chunk, commit %d", term,
			message.Snapshot.LastIncludedIndex, message.Snapshot.LastIncludedTerm, len(message.Snapshot.Data), message.LeaderCommit), true
	case raft.MsgInstallSnapshotResp:
		if message.Success {
			return fmt.Sprintf("%s ok match %d", term, message.MatchIndex), true
		}
		return term + " refused", true
	}
	return "", false
}

// padSnapshot puts placeholders (index 0) in front of a log that starts
// after a snapshot, so that position i holds index i+1 as in a whole log.
func padSnapshot(entries []raft.Entry, snapshotIndex raft.Index) []raft.Entry {
	if snapshotIndex == 0 {
		return entries
	}
	return append(make([]raft.Entry, snapshotIndex), entries...)
}
