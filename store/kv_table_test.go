package store

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestTableMatchesMap: a random mix of puts of new and old keys, values
// that grow and shrink (so values move and the arena is compacted), and
// deletions (so probe runs close up and entries are reused) leaves the
// table holding exactly what a map holds, with its invariants intact.
func TestTableMatchesMap(t *testing.T) {
	random := rand.New(rand.NewPCG(3, 9))
	var data table
	model := map[string]string{}
	compactions := 0
	for step := range 60000 {
		key := "k" + strconv.Itoa(random.IntN(2000))
		arenaBefore := len(data.arena)
		switch random.IntN(10) {
		case 0, 1, 2:
			value, found := data.remove(key)
			want, wantFound := model[key]
			if value != want || found != wantFound {
				t.Fatalf("step %d: remove(%q) = %q, %v, want %q, %v", step, key, value, found, want, wantFound)
			}
			delete(model, key)
		default:
			value := strings.Repeat(strconv.Itoa(step), 1+random.IntN(40))
			_, existed := model[key]
			if added := data.put(key, value); added == existed {
				t.Fatalf("step %d: put(%q) reported new=%v, but the key existed: %v", step, key, added, existed)
			}
			model[key] = value
		}
		if len(data.arena) < arenaBefore { // only compaction shrinks it
			compactions++
		}
		if step%997 == 0 {
			checkTable(t, &data, model)
		}
	}
	checkTable(t, &data, model)
	if compactions == 0 {
		t.Fatal("the arena was never compacted: the test does not reach maybeCompact")
	}
}

// checkTable compares the table with model and checks its invariants.
func checkTable(t *testing.T, data *table, model map[string]string) {
	t.Helper()
	if data.count != len(model) {
		t.Fatalf("count %d, want %d", data.count, len(model))
	}
	for key, want := range model {
		entry, found := data.get(key)
		if !found || string(data.value(entry)) != want {
			t.Fatalf("get(%q): found %v, want value %q", key, found, want)
		}
	}
	if _, found := data.get("absent"); found {
		t.Fatal(`get("absent") found a key never put`)
	}
	slots, used := 0, 0
	for _, content := range data.index {
		if content != 0 {
			slots++
		}
	}
	for entry := range data.entries {
		if data.entries[entry].offset != deletedEntry {
			used += len(data.key(uint32(entry))) + len(data.value(uint32(entry)))
		}
	}
	if slots != len(model) {
		t.Fatalf("the index holds %d slots, want one per key: %d", slots, len(model))
	}
	if used+data.garbage != len(data.arena) {
		t.Fatalf("live bytes %d + garbage %d != arena length %d", used, data.garbage, len(data.arena))
	}
	data.order.merge(data)
	var keys []string
	for _, entry := range data.order.sorted {
		keys = append(keys, string(data.key(entry)))
	}
	if want := slices.Sorted(maps.Keys(model)); !slices.Equal(keys, want) {
		t.Fatalf("key order holds %d keys, want the %d keys sorted", len(keys), len(want))
	}
	if !slices.IsSortedFunc(data.order.sorted, func(a, b uint32) int { return bytes.Compare(data.key(a), data.key(b)) }) {
		t.Fatal("key order is not sorted")
	}
}

// TestTableDeletedKeysDoNotPileUp: a key put and deleted over and over,
// with no snapshot to merge the key order, keeps the entries and the
// arena as small as the data.
func TestTableDeletedKeysDoNotPileUp(t *testing.T) {
	var data table
	data.put("kept", "1")
	for range 100000 {
		data.put("churn", strings.Repeat("v", 100))
		if _, found := data.remove("churn"); !found {
			t.Fatal("remove did not find the key just put")
		}
	}
	if len(data.entries) > 2000 || len(data.arena) > 2*minimumGarbageToCompact+200 {
		t.Fatalf("after 100,000 puts and deletions of one key: %d entries, %d arena bytes", len(data.entries), len(data.arena))
	}
	checkTable(t, &data, map[string]string{"kept": "1"})
}
