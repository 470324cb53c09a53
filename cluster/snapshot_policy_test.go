package cluster

import (
	"fmt"
	"strings"
	"testing"

	"raftctl/raft"
)

// snapshotsTaken writes count puts through n1 and returns how many
// snapshots n1 took on its own.
func snapshotsTaken(t *testing.T, growth, count int, key func(i int) string) int {
	t.Helper()
	settings := basicSettings()
	settings.SnapshotThreshold = 10
	settings.SnapshotGrowth = growth
	c := newCluster(t, 3, settings)
	campaign(t, c, 1)
	taken := 0
	c.Subscribe(func(record Record) {
		if record.Kind == RecordEvent && record.Node == 1 && record.Event.Kind == raft.EventSnapshotTaken {
			taken++
		}
	})
	for i := range count {
		if call, err := c.Put(key(i), strings.Repeat("v", 100), 1); err != nil || call.Err != nil {
			t.Fatalf("put %d: %v %v", i, err, call.Err)
		}
	}
	return taken
}

// With few keys the snapshot stays small, so the entry count decides
// whatever the expansion factor; with a new key on every put the snapshot
// grows, and the factor of thesis §5.1.2 spaces snapshots out.
func TestSnapshotGrowthSpacesOutSnapshotsOfALargeState(t *testing.T) {
	oneKey := func(int) string { return "k" }
	distinct := func(i int) string { return fmt.Sprint("k", i) }
	if off, on := snapshotsTaken(t, 0, 200, oneKey), snapshotsTaken(t, 4, 200, oneKey); off < 15 || on != off {
		t.Errorf("one key, 200 puts, threshold 10: %d snapshots without the factor, %d with it; want the same, about 20", off, on)
	}
	off, on := snapshotsTaken(t, 0, 200, distinct), snapshotsTaken(t, 4, 200, distinct)
	if off < 15 || on > 6 {
		t.Errorf("200 distinct keys, threshold 10: %d snapshots without the factor, %d with it; want about 20, and a few", off, on)
	}
	t.Logf("200 distinct keys: %d snapshots by entry count alone, %d with the factor 4", off, on)
}
