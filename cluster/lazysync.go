package cluster

import (
	"fmt"
	"time"

	"raftctl/raft"
)

// Lazy sync is a storage fault to learn from (thesis §3.8): the disk
// acknowledges a write as soon as it is in its cache, and flushes the cache
// UnsyncedWindow later. The node sends the messages that depend on the
// write at once, as if it were durable; a crash loses whatever was still in
// the cache, so a restarted node may forget a vote it gave or entries it
// acknowledged, and the checker catches the consequences.

// UnsyncedWindow is how long a write stays in the cache under lazy sync.
const UnsyncedWindow = time.Second

// unsyncedSave is one batch still in the disk's cache.
type unsyncedSave struct {
	at      time.Duration
	state   raft.HardState
	entries []raft.Entry
}

// save persists one batch of the node's state: at once, or into the cache
// under lazy sync.
func (c *Local) save(node *localNode, state raft.HardState, entries []raft.Entry) error {
	if !c.settings.LazySync {
		if err := c.flushUnsynced(node, c.now); err != nil {
			return err
		}
		return node.storage.Save(state, entries)
	}
	if err := c.flushUnsynced(node, c.now-UnsyncedWindow); err != nil {
		return err
	}
	node.unsynced = append(node.unsynced, unsyncedSave{at: c.now, state: state, entries: append([]raft.Entry(nil), entries...)})
	return nil
}

// flushUnsynced writes the cached batches made at or before the given time
// to storage, in order.
func (c *Local) flushUnsynced(node *localNode, upTo time.Duration) error {
	flushed := 0
	for _, batch := range node.unsynced {
		if batch.at > upTo {
			break
		}
		if err := node.storage.Save(batch.state, batch.entries); err != nil {
			return err
		}
		flushed++
	}
	node.unsynced = node.unsynced[flushed:]
	if len(node.unsynced) == 0 {
		node.unsynced = nil
	}
	return nil
}

// loseUnsynced is the crash under lazy sync: what the cache flushed by now
// is kept, the rest is gone.
func (c *Local) loseUnsynced(node *localNode) {
	if err := c.flushUnsynced(node, c.now-UnsyncedWindow); err != nil {
		c.publish(Record{Kind: RecordFault, Node: node.id, Text: "storage failed", Err: err})
	}
	if len(node.unsynced) == 0 {
		return
	}
	entries := 0
	for _, batch := range node.unsynced {
		entries += len(batch.entries)
	}
	c.publish(Record{Kind: RecordFault, Node: node.id, Text: fmt.Sprintf(
		"lost %d unsynced %s (%d %s, the last %v of writes): sync is lazy (§3.8)",
		len(node.unsynced), plural(len(node.unsynced), "write", "writes"), entries, plural(entries, "entry", "entries"),
		c.now-node.unsynced[0].at)})
	node.unsynced = nil
}

func plural(count int, one, many string) string {
	if count == 1 {
		return one
	}
	return many
}
