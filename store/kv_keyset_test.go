package store_test

import (
	"slices"
	"strconv"
	"testing"

	"raftctl/store"
)

// TestKeySetKeepsFirstAddOrder: a key added again is not added twice, and
// Keys lists the keys in the order they were first added, through the
// index's growth.
func TestKeySetKeepsFirstAddOrder(t *testing.T) {
	var set store.KeySet
	if keys := set.Keys(); len(keys) != 0 || set.Len() != 0 {
		t.Fatalf("the zero KeySet holds %q", keys)
	}
	var want []string
	for i := range 5000 {
		key := "key" + strconv.Itoa(i*7919%3000)
		isNew := !slices.Contains(want, key)
		if isNew {
			want = append(want, key)
		}
		if added := set.Add(key); added != isNew {
			t.Fatalf("Add(%q) = %v, want %v", key, added, isNew)
		}
	}
	if !slices.Equal(set.Keys(), want) || set.Len() != len(want) {
		t.Fatalf("Keys() holds %d keys (Len %d), want the %d added, in first-add order", len(set.Keys()), set.Len(), len(want))
	}
	if set.Add("") != true || set.Add("") != false || set.Keys()[len(want)] != "" {
		t.Fatal("the empty key is not kept as a key like any other")
	}
}
