package repl

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"raftctl/cluster"
	"raftctl/raft"
	"raftctl/store"
)

func clusterCommands() []Command {
	return []Command{
		{
			Name: "cluster", Usage: "cluster N [seed=S] [opt=value ...]", Group: groupCluster, Section: "§3.2",
			Summary:   "Replace the local cluster with N fresh nodes (1-9); options as for set.",
			Example:   "cluster 5 seed=7 prevote=off",
			Arguments: []Argument{{Kind: ArgumentWords, Words: []string{"1", "3", "5", "7", "9"}}, {Kind: ArgumentOption}},
			Run:       runCluster,
		},
		{
			Name: "status", Usage: "status [NODE]", Group: groupCluster, Section: "§3.3",
			Summary:   "One row per node: role, term, vote, log commit/last, applied, leader, up/down, group; with NODE its election timer and, on a leader, nextIndex/matchIndex per follower.",
			Example:   "status n1",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runStatus,
		},
		{
			Name: "log", Usage: "log [NODE ...]", Group: groupCluster, Section: "§3.5",
			Summary:   "Logs side by side, aligned by index: term and command per entry, * marks committed, ! marks entries that differ between logs.",
			Example:   "log n1 n2",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runLog,
		},
		{
			Name: "kv", Usage: "kv [NODE]", Group: groupCluster, Section: "§3.2",
			Summary:   "A node's state machine contents (every running node's without NODE).",
			Example:   "kv n2",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runKV,
		},
		{
			Name: "reset", Usage: "reset", Group: groupObservation,
			Summary: "Start over: the session's first cluster, seed and settings, trace level state.",
			Example: "reset",
			Run:     runReset,
		},
		{
			Name: "quit", Aliases: []string{"exit"}, Usage: "quit", Group: groupObservation,
			Summary: "Leave the session.",
			Example: "quit",
			Run: func(s *Session, arguments []string) error {
				if err := noArguments("quit", arguments); err != nil {
					return err
				}
				s.quitting = true
				return nil
			},
		},
	}
}

func runCluster(s *Session, arguments []string) error {
	if len(arguments) == 0 {
		return usageError("cluster")
	}
	nodes, err := parseCount(arguments[0], "cluster size", cluster.MaxNodes)
	if err != nil {
		return err
	}
	seed, settings := s.options.Seed, s.options.Settings
	var rest []string
	for _, word := range arguments[1:] {
		if value, found := strings.CutPrefix(word, "seed="); found {
			if seed, err = strconv.ParseUint(value, 10, 64); err != nil {
				return invalid("seed=%s: want a whole number, e.g. seed=7", value)
			}
			continue
		}
		rest = append(rest, word)
	}
	if err := s.applyOptions(&settings, rest); err != nil {
		return err
	}
	if err := s.replaceCluster(nodes, seed, settings); err != nil {
		return err
	}
	s.printf("cluster of %d nodes (%s), seed %d%s", nodes, s.nodeNames(), seed, s.pausedNote())
	return nil
}

func runReset(s *Session, arguments []string) error {
	if err := noArguments("reset", arguments); err != nil {
		return err
	}
	if err := s.replaceCluster(s.options.Nodes, s.options.Seed, s.options.Settings); err != nil {
		return err
	}
	// Starting over includes the pacing the session started with.
	if simulated, ok := s.cluster.(cluster.Simulated); ok {
		if on, _, _ := simulated.Live(); on {
			if err := simulated.SetSpeed(s.options.LiveSpeed); err != nil {
				return err
			}
			if err := simulated.Resume(); err != nil {
				return err
			}
		}
	}
	s.rendering.Lock()
	s.level = traceState
	s.events = eventRing{}
	s.rendering.Unlock()
	s.printf("reset: cluster of %d nodes (%s), seed %d%s", s.options.Nodes, s.nodeNames(), s.options.Seed, s.pausedNote())
	return nil
}

// pausedNote tells, after a new cluster, that its clock stays paused.
func (s *Session) pausedNote() string {
	if simulated, ok := s.cluster.(cluster.Simulated); ok {
		if _, _, paused := simulated.Live(); !paused {
			return ""
		}
		return "; the clock stays paused (resume goes on)"
	}
	return ""
}

// printTable writes rows aligned in columns, two spaces apart; cells may
// hold styled spans, which take no room.
func (s *Session) printTable(rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row[:max(len(row)-1, 0)] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(plainText(cell)))
		}
	}
	for _, row := range rows {
		line := "  "
		for i, cell := range row {
			line += cell
			if i < len(row)-1 {
				line += strings.Repeat(" ", widths[i]-utf8.RuneCountInString(plainText(cell))+2)
			}
		}
		s.println(strings.TrimRight(line, " "))
	}
}

func runStatus(s *Session, arguments []string) error {
	if len(arguments) > 1 {
		return usageError("status")
	}
	var only raft.NodeID
	if len(arguments) == 1 {
		id, err := s.parseNode(arguments[0])
		if err != nil {
			return err
		}
		only = id
	}
	rows := [][]string{{"node", "role", "term", "voted", "log", "applied", "leader", "state", "group"}}
	statuses := s.cluster.Status()
	for _, status := range statuses {
		if only != raft.None && status.ID != only {
			continue
		}
		rows = append(rows, statusRow(status))
	}
	s.printTable(rows)
	if only != raft.None {
		s.printDetail(statuses[only-1])
	}
	s.printMembership()
	return nil
}

func statusRow(status cluster.NodeStatus) []string {
	group := "-"
	if status.Group > 0 {
		group = "g" + strconv.Itoa(status.Group)
	}
	if status.Unreachable {
		return []string{status.ID.String(), "-", "-", "-", "-", "-", "-", "unreachable", group}
	}
	if !status.Up {
		return []string{nodeText(status.ID), "-", fmt.Sprint(status.Term), nodeText(status.VotedFor),
			fmt.Sprintf("-/%d", status.LastIndex), "-", "-", "down", group}
	}
	return []string{nodeText(status.ID), roleText(status.Role), fmt.Sprint(status.Term), nodeText(status.VotedFor),
		fmt.Sprintf("%d/%d", status.CommitIndex, status.LastIndex), fmt.Sprint(status.LastApplied),
		nodeText(status.Leader), "up", group}
}

// printDetail shows one node's timer and, on a leader, its followers.
func (s *Session) printDetail(status cluster.NodeStatus) {
	if status.Unreachable {
		s.printf("  %v is unreachable: nothing is known about it now", status.ID)
		return
	}
	if !status.Up {
		s.printf("  %v is down: term, vote and log come from its storage", status.ID)
		return
	}
	settings := s.cluster.Settings()
	tick := settings.Tick
	if status.Role != raft.Leader {
		s.printf("  election timer: %d of %d ticks (%v of %v)", status.ElectionElapsed, status.ElectionTimeout,
			tick*time.Duration(status.ElectionElapsed), tick*time.Duration(status.ElectionTimeout))
	} else {
		// A leader has no election to time out: its timer paces heartbeats
		// and, with CheckQuorum, the check that a majority still answers.
		line := fmt.Sprintf("  no election timer: a leader sends heartbeats every %v (thesis §3.4)", settings.Heartbeat)
		if settings.CheckQuorum {
			line += fmt.Sprintf("; CheckQuorum looks for a majority every %v (thesis §6.2)", tick*time.Duration(status.ElectionTimeout))
		}
		s.println(line)
	}
	if status.Role != raft.Leader {
		return
	}
	followers := make([]raft.NodeID, 0, len(status.Progress))
	for id := range status.Progress {
		if id != status.ID {
			followers = append(followers, id)
		}
	}
	slices.Sort(followers)
	rows := [][]string{{"follower", "nextIndex", "matchIndex", "state"}}
	for _, id := range followers {
		progress := status.Progress[id]
		rows = append(rows, []string{nodeText(id), fmt.Sprint(progress.NextIndex), fmt.Sprint(progress.MatchIndex), progress.State.String()})
	}
	s.printTable(rows)
}

func runLog(s *Session, arguments []string) error {
	var ids []raft.NodeID
	for _, word := range arguments {
		id, err := s.parseNode(word)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		ids = s.cluster.IDs()
	}
	statuses := s.cluster.Status()
	logs := make([][]raft.Entry, len(ids))
	longest := 0
	// A compacted log starts after its snapshot (thesis §5.1): rows start
	// at the first index any node still holds.
	first := -1
	for i, id := range ids {
		entries, err := s.cluster.Log(id)
		if err != nil {
			return err
		}
		logs[i] = padSnapshot(entries, statuses[id-1].SnapshotIndex)
		longest = max(longest, len(logs[i]))
		if offset := int(statuses[id-1].SnapshotIndex) + 1; first < 0 || offset < first {
			first = offset
		}
	}
	header := []string{"index"}
	for _, id := range ids {
		header = append(header, nodeText(id))
	}
	rows := [][]string{header}
	if first > 1 && first <= longest {
		s.printf("  indexes 1..%d are compacted into every node's snapshot", first-1)
	}
	for index := max(first, 1); index <= longest; index++ {
		row := []string{strconv.Itoa(index)}
		divergent := logsDiverge(logs, index)
		for i, id := range ids {
			row = append(row, logCell(logs[i], index, statuses[id-1], divergent))
		}
		rows = append(rows, row)
	}
	if longest == 0 {
		s.println("  " + emptyLogs(ids, s.cluster.Size()))
		return nil
	}
	s.printTable(rows)
	return nil
}

// emptyLogs says which logs are empty when all the logs shown are.
func emptyLogs(ids []raft.NodeID, size int) string {
	switch {
	case len(ids) == size && size > 1:
		return "every log is empty"
	case len(ids) == 1:
		return nodeText(ids[0]) + "'s log is empty"
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = nodeText(id)
	}
	return "the logs of " + strings.Join(names, " ") + " are empty"
}

// logsDiverge reports whether two logs hold different terms at index.
func logsDiverge(logs [][]raft.Entry, index int) bool {
	var seen raft.Term
	for _, entries := range logs {
		if index > len(entries) {
			continue
		}
		if entries[index-1].Index == 0 {
			continue // compacted
		}
		if term := entries[index-1].Term; seen == 0 {
			seen = term
		} else if term != seen {
			return true
		}
	}
	return false
}

// logCell renders one entry as "t1 put x=1*", with ! where logs differ.
func logCell(entries []raft.Entry, index int, status cluster.NodeStatus, divergent bool) string {
	if index > len(entries) {
		return "."
	}
	entry := entries[index-1]
	if entry.Index == 0 {
		return "snapshot"
	}
	cell := fmt.Sprintf("t%d %s", entry.Term, describeEntry(entry))
	if status.Up && raft.Index(index) <= status.CommitIndex {
		cell += "*"
	}
	if divergent {
		cell = errorText(cell + "!")
	}
	return cell
}

// describeEntry renders an entry's command, such as "put x=1".
func describeEntry(entry raft.Entry) string {
	if entry.Kind == raft.EntryNoop {
		return "no-op"
	}
	if entry.Kind == raft.EntryConfiguration {
		return describeConfigurationEntry(entry)
	}
	command, err := store.DecodeCommand(entry.Command)
	if err != nil {
		return fmt.Sprintf("%d bytes", len(entry.Command))
	}
	return describeCommand(command)
}

func describeCommand(command store.Command) string {
	if command.Op == store.OpPut {
		return "put " + command.Key + "=" + command.Value
	}
	return command.Op.String() + " " + command.Key
}

func runKV(s *Session, arguments []string) error {
	if len(arguments) > 1 {
		return usageError("kv")
	}
	ids := s.cluster.IDs()
	if len(arguments) == 1 {
		id, err := s.parseNode(arguments[0])
		if err != nil {
			return err
		}
		ids = []raft.NodeID{id}
	}
	for _, id := range ids {
		contents, err := s.cluster.KV(id)
		if err != nil {
			if len(ids) == 1 {
				return fmt.Errorf("%v is down: its state machine is gone until restart %v", id, id)
			}
			s.printf("  %v: down", id)
			continue
		}
		keys := make([]string, 0, len(contents))
		for key := range contents {
			keys = append(keys, key)
		}
		slices.Sort(keys)
		pairs := make([]string, len(keys))
		for i, key := range keys {
			pairs[i] = key + "=" + contents[key]
		}
		if len(pairs) == 0 {
			pairs = []string{"(empty)"}
		}
		s.printf("  %v: %s", id, strings.Join(pairs, " "))
	}
	return nil
}
