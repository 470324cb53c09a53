package store

import (
	"bytes"
	"slices"
)

// keyOrder keeps the table's entries in key order for snapshots
// (kv_snapshot.go), which must encode the keys sorted so that every
// replica writes the same bytes. Sorting every key at every snapshot made
// a session over 100,000 distinct keys twice as slow as one over 64 keys;
// instead the keys added since the last snapshot are sorted and merged
// into the list the last one left.
//
// Invariant: every live entry of the table is in sorted or in added, once;
// sorted is in key order; an entry of sorted or added that is not live was
// deleted, and is in deleted. A deleted entry is freed for reuse only by
// merge, so until then no list can hold an entry number that now means
// another key.
type keyOrder struct {
	sorted  []uint32
	added   []uint32
	deleted []uint32
	// spare is the array of the list before last, reused by merge.
	spare []uint32
}

// add notes a new entry.
func (o *keyOrder) add(entry uint32) { o.added = append(o.added, entry) }

// remove notes that an entry was deleted.
func (o *keyOrder) remove(entry uint32) { o.deleted = append(o.deleted, entry) }

// merge folds added into sorted, drops the deleted entries and frees them.
func (o *keyOrder) merge(t *table) {
	if len(o.added) == 0 && len(o.deleted) == 0 {
		return
	}
	live := func(entry uint32) bool { return t.entries[entry].offset != deletedEntry }
	compare := func(a, b uint32) int { return bytes.Compare(t.key(a), t.key(b)) }
	added := o.added
	if len(o.deleted) > 0 {
		added = slices.DeleteFunc(added, func(entry uint32) bool { return !live(entry) })
	}
	slices.SortFunc(added, compare)
	merged := slices.Grow(o.spare[:0], len(o.sorted)+len(added))
	i, j := 0, 0
	for i < len(o.sorted) || j < len(added) {
		var entry uint32
		if j == len(added) || i < len(o.sorted) && (!live(o.sorted[i]) || compare(o.sorted[i], added[j]) < 0) {
			entry, i = o.sorted[i], i+1
		} else {
			entry, j = added[j], j+1
		}
		if len(o.deleted) > 0 && !live(entry) {
			continue
		}
		merged = append(merged, entry)
	}
	t.free = append(t.free, o.deleted...)
	o.spare, o.sorted = o.sorted, merged
	o.added, o.deleted = o.added[:0], o.deleted[:0]
}
