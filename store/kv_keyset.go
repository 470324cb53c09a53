package store

// KeySet is a set of strings held without Go pointers, in the table that
// holds KV's data (kv_table.go), for a host that remembers many keys: the
// REPL remembers every key a session wrote, for completion. As a
// map[string]struct{} beside a list, 100,000 keys were 300,000 pointers
// for every collection to follow, and two hash probes per put.
//
// The zero KeySet is empty and ready to use. It is not safe for
// concurrent use.
type KeySet struct {
	table table
}

// Add puts key in the set and reports whether it was new.
func (s *KeySet) Add(key string) bool { return s.table.put(key, "") }

// Len returns the number of keys.
func (s *KeySet) Len() int { return s.table.count }

// Keys returns the keys in the order they were first added. They share
// one string: a single copy of the set, however many keys it holds.
func (s *KeySet) Keys() []string {
	// Keys are never removed and values are empty, so the entries are in
	// the order added and the arena is the keys end to end.
	all := string(s.table.arena)
	keys := make([]string, len(s.table.entries))
	for i, entry := range s.table.entries {
		keys[i] = all[entry.offset : entry.offset+int(entry.keyLength)]
	}
	return keys
}
