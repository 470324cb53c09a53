package cluster

import (
	"strings"
	"testing"
	"time"

	"raftctl/raft"
)

// crashEveryoneAfterAPut: a put is acknowledged, every node is killed at
// once and restarted, and a new leader takes another put.
func crashEveryoneAfterAPut(t *testing.T, c *Local) {
	t.Helper()
	campaign(t, c, 1)
	for _, value := range []string{"1", "2"} {
		call, err := c.Put("x", value, raft.None)
		must(t, err)
		if call.Err != nil {
			t.Fatalf("put x %s: %v", value, call.Err)
		}
		c.Advance(2 * UnsyncedWindow) // x=1 is on every disk whatever the sync
	}
	for _, id := range c.IDs() {
		must(t, c.Kill(id))
	}
	for _, id := range c.IDs() {
		must(t, c.Restart(id, false))
	}
	campaign(t, c, 2)
	call, err := c.Put("x", "3", raft.None)
	must(t, err)
	if call.Err != nil {
		t.Fatalf("put x 3: %v", call.Err)
	}
}

func TestSyncAlwaysSurvivesCrashOfEveryNode(t *testing.T) { // thesis §3.8
	c := newCluster(t, 3, basicSettings())
	crashEveryoneAfterAPut(t, c)
	if violations := c.Violations(); len(violations) != 0 {
		t.Fatal(violations)
	}
}

func TestLazySyncLossIsCaught(t *testing.T) { // thesis §3.8, the rule broken
	for _, durable := range []bool{false, true} {
		name := "memory"
		if durable {
			name = "bbolt"
		}
		t.Run(name, func(t *testing.T) {
			settings := basicSettings()
			var c *Local
			var err error
			if durable {
				c, err = Open(3, 1, settings, t.TempDir())
				must(t, err)
				defer c.Close()
			} else {
				c = newCluster(t, 3, settings)
			}
			var lost []string
			c.Subscribe(func(record Record) {
				if record.Kind == RecordFault && strings.Contains(record.Text, "unsynced") {
					lost = append(lost, record.Node.String()+" "+record.Text)
				}
			})
			campaign(t, c, 1)
			call, err := c.Put("x", "1", raft.None)
			must(t, err)
			if call.Err != nil {
				t.Fatal(call.Err)
			}
			c.Advance(2 * UnsyncedWindow)
			settings.LazySync = true
			must(t, c.SetSettings(settings))
			call, err = c.Put("x", "2", raft.None)
			must(t, err)
			if call.Err != nil {
				t.Fatal(call.Err)
			}
			for _, id := range c.IDs() {
				must(t, c.Kill(id))
			}
			if len(lost) == 0 {
				t.Fatal("no node lost an unsynced write")
			}
			t.Log(strings.Join(lost, "\n"))
			for _, id := range c.IDs() {
				must(t, c.Restart(id, false))
			}
			campaign(t, c, 2)
			c.Put("x", "3", raft.None)
			c.Advance(time.Second)
			violations := c.Violations()
			if len(violations) == 0 {
				t.Fatal("the checker saw no violation after acknowledged writes were lost")
			}
			t.Log(violations[0])
		})
	}
}

func TestCleanCloseFlushesTheCache(t *testing.T) { // a clean exit loses nothing
	directory := t.TempDir()
	settings := basicSettings()
	settings.LazySync = true
	c, err := Open(3, 1, settings, directory)
	must(t, err)
	campaign(t, c, 1)
	call, err := c.Put("x", "1", raft.None)
	must(t, err)
	if call.Err != nil {
		t.Fatal(call.Err)
	}
	must(t, c.Close())
	c, err = Open(3, 1, settings, directory)
	must(t, err)
	defer c.Close()
	for _, id := range c.IDs() {
		log, err := c.Log(id)
		must(t, err)
		if len(log) != 1 || string(log[0].Command) == "" {
			t.Fatalf("%v log after reopening: %v, want the put", id, log)
		}
	}
}
