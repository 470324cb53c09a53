package repl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"raftctl/cluster"
)

// The disk's switches (cluster/disk.go): how long a write takes, group
// commit (thesis §10.2.2) and the parallel leader write (thesis §10.2.1).
//
//	set disk-write 5ms          every node's write takes 5 ms
//	set disk-write 5ms,n1:20ms  and n1's 20 ms
//	set disk-write 0            an instant disk (the default)
var diskOptions = []option{
	{
		name: "disk-write", section: "§10.2",
		meaning: "virtual time one write to disk takes, for every node and per node (5ms,n1:20ms); 0: an instant disk",
		values:  []string{"5ms", "5ms,n1:20ms", "0"},
		apply: func(s *Session, settings *cluster.Settings, value string) error {
			return s.parseDiskWrite(settings, value)
		},
		show: showDiskWrite,
	},
	switchOption("group-commit", "§10.2.2", "a write carries every entry that arrived while the disk was busy (off: one write per entry)",
		func(s *cluster.Settings) *bool { return &s.GroupCommit }),
	switchOption("parallel-write", "§10.2.1", "the leader sends AppendEntries while it writes, and counts itself once its write is done",
		func(s *cluster.Settings) *bool { return &s.ParallelWrite }),
}

func init() { options = append(options, diskOptions...) }

// parseDiskWrite reads DURATION[,nN:DURATION...]; the value replaces the
// cluster's write time and every node's own.
func (s *Session) parseDiskWrite(settings *cluster.Settings, value string) error {
	var all time.Duration
	var perNode [cluster.MaxNodes]time.Duration
	for i, item := range strings.Split(value, ",") {
		nodeWord, durationWord, perNodeItem := strings.Cut(item, ":")
		if !perNodeItem {
			if i > 0 {
				return invalid("disk-write %q: the time for every node comes first, e.g. 5ms,n1:20ms", value)
			}
			durationWord = item
		}
		duration := time.Duration(0)
		if durationWord != "0" {
			var err error
			if duration, err = s.parseDuration(durationWord); err != nil {
				return invalid("disk-write %q: want a duration, then NODE:DURATION items, e.g. 5ms,n1:20ms (0: an instant disk)", value)
			}
		}
		if !perNodeItem {
			all = duration
			continue
		}
		number, err := strconv.Atoi(strings.TrimPrefix(nodeWord, "n"))
		if !strings.HasPrefix(nodeWord, "n") || err != nil || number < 1 || number > cluster.MaxNodes {
			return invalid("disk-write %q: unknown node %s, want n1 to n%d, e.g. 5ms,n1:20ms", value, nodeWord, cluster.MaxNodes)
		}
		perNode[number-1] = duration
	}
	settings.DiskWrite, settings.DiskWriteOf = all, perNode
	return nil
}

func showDiskWrite(settings cluster.Settings) string {
	words := []string{settings.DiskWrite.String()}
	if settings.DiskWrite == 0 {
		words[0] = "0"
	}
	for i, duration := range settings.DiskWriteOf {
		if duration > 0 {
			words = append(words, fmt.Sprintf("n%d:%v", i+1, duration))
		}
	}
	return strings.Join(words, ",")
}
