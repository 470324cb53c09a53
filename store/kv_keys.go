package store

import "slices"

// sortedKeys keeps the state machine's keys in sorted order for snapshots
// (kv_snapshot.go), which must encode them sorted so that every replica
// writes the same bytes. Sorting every key at every snapshot made a
// session over 100,000 distinct keys twice as slow as one over 64 keys;
// instead the keys added since the last snapshot are sorted and merged
// into the list the last one left.
//
// Invariant: every key of data is in sorted or in added; sorted is in
// order and holds no key twice; a key of sorted that is not in data was
// deleted, and deleted counts such deletions (0: sorted holds only keys
// of data, and no key of added is in sorted).
type sortedKeys struct {
	sorted  []string
	added   []string
	deleted int
}

// put notes a key that was not in data before.
func (k *sortedKeys) put(key string, data map[string]string) {
	k.added = append(k.added, key)
	if len(k.added) > len(data)+1024 {
		// A key put and deleted over and over: merge now, so that added
		// stays as small as the data.
		k.merge(data)
	}
}

// remove notes that a key was deleted.
func (k *sortedKeys) remove() { k.deleted++ }

// merge folds added into sorted and drops the deleted keys.
func (k *sortedKeys) merge(data map[string]string) {
	if len(k.added) == 0 && k.deleted == 0 {
		return
	}
	slices.Sort(k.added)
	merged := make([]string, 0, len(data))
	i, j := 0, 0
	for i < len(k.sorted) || j < len(k.added) {
		var key string
		if j == len(k.added) || i < len(k.sorted) && k.sorted[i] < k.added[j] {
			key, i = k.sorted[i], i+1
		} else {
			key, j = k.added[j], j+1
		}
		if k.deleted > 0 {
			// A key deleted and put again is in both lists; a key deleted
			// for good is in neither data nor the merged list.
			if n := len(merged); n > 0 && merged[n-1] == key {
				continue
			}
			if _, present := data[key]; !present {
				continue
			}
		}
		merged = append(merged, key)
	}
	clear(k.added)
	k.sorted, k.added, k.deleted = merged, k.added[:0], 0
}
