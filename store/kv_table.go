package store

import "hash/maphash"

// table holds the state machine's keys and values without a single Go
// pointer, so the garbage collector has nothing to scan in it.
//
// A map[string]string of 100,000 keys is 200,000 string headers that every
// collection follows, once per replica: a 5-node REPL session over 100,000
// distinct keys spent more time marking its five maps than applying puts,
// and ran a quarter slower than one over 64 keys. Here every key and value
// lives in one byte slice (the arena), an entry records where, and the
// index that finds a key's entry is a slice of integers (open addressing
// with linear probing). Slices of bytes and integers are never scanned.
//
// Invariants:
//   - count is the number of live entries, and the index holds exactly one
//     slot per live entry.
//   - A live entry's key is arena[offset:][:keyLength], and its value
//     the valueLength bytes after it; no two live entries share bytes.
//   - garbage is the number of arena bytes no live entry uses.
//   - The index is never more than three quarters full, so every probe
//     ends at an empty slot.
type table struct {
	arena   []byte
	garbage int
	entries []tableEntry
	// free lists entry numbers ready for reuse. A deleted entry is only
	// freed when the key order lets go of it (kv_keys.go).
	free []uint32
	// index: 0 is an empty slot; otherwise the upper 32 bits are the key's
	// hash, which gives its home slot and rules most keys out without
	// reading the arena, and the lower 32 bits are the entry number + 1.
	index []uint64
	count int
	// seed is chosen when the index is first made: the zero table is an
	// empty one.
	seed maphash.Seed
	// order keeps the entries in key order, for snapshots (kv_keys.go).
	order keyOrder
}

// tableEntry says where one key and its value, which follows it, are in
// the arena. An entry whose offset is deletedEntry holds no key.
type tableEntry struct {
	offset      int
	keyLength   uint32
	valueLength uint32
}

const deletedEntry = -1

// The arena is compacted when more than half of it, and at least this
// many bytes, is garbage (overwritten values, deleted keys): compaction
// copies every live byte, so doing it only then keeps its cost per put
// constant on average.
const minimumGarbageToCompact = 64 << 10

// key returns the bytes of a live entry's key.
func (t *table) key(entry uint32) []byte {
	place := &t.entries[entry]
	return t.arena[place.offset : place.offset+int(place.keyLength)]
}

// value returns the bytes of a live entry's value.
func (t *table) value(entry uint32) []byte {
	place := &t.entries[entry]
	start := place.offset + int(place.keyLength)
	return t.arena[start : start+int(place.valueLength)]
}

func (t *table) hash(key string) uint32 { return uint32(maphash.String(t.seed, key) >> 32) }

// find returns the slot holding key, and whether it holds it; when it does
// not, the slot is the empty one where key belongs.
func (t *table) find(key string, hash uint32) (slot int, found bool) {
	mask := len(t.index) - 1
	for slot = int(hash) & mask; ; slot = (slot + 1) & mask {
		content := t.index[slot]
		if content == 0 {
			return slot, false
		}
		// Converting bytes to a string for a comparison copies nothing.
		if uint32(content>>32) == hash && string(t.key(uint32(content)-1)) == key {
			return slot, true
		}
	}
}

// get returns the entry number of key, and whether the key is present.
func (t *table) get(key string) (uint32, bool) {
	if t.count == 0 {
		return 0, false
	}
	slot, found := t.find(key, t.hash(key))
	return uint32(t.index[slot]) - 1, found
}

// put sets key to value and reports whether the key is new.
func (t *table) put(key, value string) bool {
	if (t.count+1)*4 > len(t.index)*3 {
		t.grow()
	}
	hash := t.hash(key)
	slot, found := t.find(key, hash)
	if found {
		t.setValue(uint32(t.index[slot])-1, value)
		return false
	}
	entry := t.newEntry()
	t.entries[entry] = tableEntry{offset: len(t.arena), keyLength: uint32(len(key)), valueLength: uint32(len(value))}
	t.arena = append(append(doubled(t.arena, len(key)+len(value)), key...), value...)
	t.index[slot] = uint64(hash)<<32 | uint64(entry+1)
	t.count++
	t.order.add(entry)
	return true
}

// setValue replaces a live entry's value, in place when the new one fits;
// otherwise the key and the new value go to the end of the arena.
func (t *table) setValue(entry uint32, value string) {
	place := &t.entries[entry]
	if len(value) <= int(place.valueLength) {
		copy(t.arena[place.offset+int(place.keyLength):], value)
		t.garbage += int(place.valueLength) - len(value)
	} else {
		key := t.key(entry) // still valid if the arena moves: the old array stays
		t.garbage += len(key) + int(place.valueLength)
		place.offset = len(t.arena)
		t.arena = append(append(doubled(t.arena, len(key)+len(value)), key...), value...)
	}
	place.valueLength = uint32(len(value))
	t.maybeCompact()
}

// remove deletes key and returns its value, and whether it was present.
func (t *table) remove(key string) (string, bool) {
	if t.count == 0 {
		return "", false
	}
	slot, found := t.find(key, t.hash(key))
	if !found {
		return "", false
	}
	entry := uint32(t.index[slot]) - 1
	value := string(t.value(entry))
	place := &t.entries[entry]
	t.garbage += int(place.keyLength) + int(place.valueLength)
	*place = tableEntry{offset: deletedEntry}
	t.removeSlot(slot)
	t.count--
	t.order.remove(entry)
	t.maybeCompact()
	if len(t.order.deleted) > t.count+1024 {
		// A key put and deleted over and over: let go of the deleted
		// entries now, so that they stay as few as the live ones.
		t.order.merge(t)
	}
	return value, true
}

// newEntry returns an unused entry number.
func (t *table) newEntry() uint32 {
	if n := len(t.free); n > 0 {
		entry := t.free[n-1]
		t.free = t.free[:n-1]
		return entry
	}
	t.entries = append(doubled(t.entries, 1), tableEntry{})
	return uint32(len(t.entries) - 1)
}

// doubled returns list with room for more elements, doubling its capacity
// when it must grow. append grows a large slice by a quarter at a time,
// which copied the arena and the entries of a table of 100,000 keys
// about 25 times over as it grew.
func doubled[T any](list []T, more int) []T {
	if len(list)+more <= cap(list) {
		return list
	}
	grown := make([]T, len(list), max(2*cap(list), len(list)+more, 64))
	copy(grown, list)
	return grown
}

// removeSlot empties a slot and moves later slots of the same probe run
// back into the gap, so that every key stays reachable from its home slot
// without markers for deleted keys (Knuth's Algorithm R, "deletion with
// linear probing").
func (t *table) removeSlot(gap int) {
	mask := len(t.index) - 1
	for next := (gap + 1) & mask; t.index[next] != 0; next = (next + 1) & mask {
		home := int(uint32(t.index[next]>>32)) & mask
		// The key at next may fill the gap if the gap lies on its probe
		// path: no further from its home than next is.
		if (next-home)&mask >= (next-gap)&mask {
			t.index[gap] = t.index[next]
			gap = next
		}
	}
	t.index[gap] = 0
}

// grow doubles the index (or creates it) and puts every slot back at its
// home, from the hash it keeps: no key is read or hashed again.
func (t *table) grow() {
	old := t.index
	if old == nil {
		t.seed = maphash.MakeSeed()
	}
	t.index = make([]uint64, max(8, 2*len(old)))
	mask := len(t.index) - 1
	for _, content := range old {
		if content == 0 {
			continue
		}
		slot := int(uint32(content>>32)) & mask
		for t.index[slot] != 0 {
			slot = (slot + 1) & mask
		}
		t.index[slot] = content
	}
}

// maybeCompact copies the live keys and values into a new arena once most
// of the arena is garbage.
func (t *table) maybeCompact() {
	if t.garbage < minimumGarbageToCompact || t.garbage < len(t.arena)/2 {
		return
	}
	arena := make([]byte, 0, len(t.arena)-t.garbage)
	for i := range t.entries {
		place := &t.entries[i]
		if place.offset == deletedEntry {
			continue
		}
		record := t.arena[place.offset : place.offset+int(place.keyLength)+int(place.valueLength)]
		place.offset = len(arena)
		arena = append(arena, record...)
	}
	t.arena, t.garbage = arena, 0
}
