package cluster

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"raftctl/net/sim"
	"raftctl/raft"
	"raftctl/store"
)

// history runs a fixed workload with faults and returns every record the
// cluster produced, one line each.
func history(t *testing.T, seed uint64) []byte {
	t.Helper()
	c, err := New(5, seed, DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	c.Subscribe(func(record Record) { fmt.Fprintf(&out, "%+v\n", record) })
	config := sim.DefaultLinkConfig()
	config.Drop, config.Duplicate, config.DelayMax = 0.05, 0.05, 20*time.Millisecond
	must(t, c.SetNetwork(config))
	for i := range 30 {
		if _, err := c.Submit(uint64(i%3+1), store.Command{Op: store.OpPut, Key: fmt.Sprint("k", i%4), Value: fmt.Sprint(i)}, raft.None); err != nil {
			t.Fatal(err)
		}
		c.Advance(37 * time.Millisecond)
		switch i {
		case 5:
			must(t, c.Kill(c.Leaders()[0]))
		case 12:
			must(t, c.Partition([][]NodeID{{1, 2}}))
		case 20:
			c.Heal()
			for _, status := range c.Status() {
				if !status.Up {
					must(t, c.Restart(status.ID, false))
				}
			}
		}
	}
	c.Advance(2 * time.Second)
	return out.Bytes()
}

func TestSameSeedSameHistory(t *testing.T) {
	first, second := history(t, 42), history(t, 42)
	if !bytes.Equal(first, second) {
		t.Fatalf("two runs of seed 42 differ (%d and %d bytes)", len(first), len(second))
	}
	if bytes.Count(first, []byte("\n")) < 1000 {
		t.Fatalf("only %d records: the workload did not run", bytes.Count(first, []byte("\n")))
	}
	if other := history(t, 43); bytes.Equal(first, other) {
		t.Fatal("seeds 42 and 43 gave the same history: the seed is not used")
	}
}
