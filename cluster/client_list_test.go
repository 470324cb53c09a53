package cluster

import (
	"slices"
	"testing"
)

// TestCallListKeepsLaunchOrder: calls leave the list of calls in flight in
// any order, and the ones left stay in the order they were launched (the
// order clients are woken in), across the squeezes that drop the holes.
func TestCallListKeepsLaunchOrder(t *testing.T) {
	var list callList
	var want []*Call
	calls := make([]*Call, 200)
	for i := range calls {
		calls[i] = &Call{}
		list.add(calls[i])
		want = append(want, calls[i])
	}
	// Remove every call whose number is not a multiple of 3, from the
	// newest down, then one twice and one never added.
	for i := len(calls) - 1; i >= 0; i-- {
		if i%3 != 0 {
			list.remove(calls[i])
			want = slices.DeleteFunc(want, func(call *Call) bool { return call == calls[i] })
		}
	}
	list.remove(calls[1])
	list.remove(&Call{})
	if got := list.active(); !slices.Equal(got, want) {
		t.Fatalf("active() holds %d calls, want the %d left in launch order", len(got), len(want))
	}
	if list.holes >= 16 && 2*list.holes >= len(list.slots) {
		t.Errorf("%d holes in %d slots: the list was never squeezed", list.holes, len(list.slots))
	}
	late := &Call{}
	list.add(late)
	list.remove(calls[0])
	want = append(want[1:], late)
	if got := list.active(); !slices.Equal(got, want) {
		t.Errorf("after adding one call and removing the oldest: %d calls, want %d in launch order", len(got), len(want))
	}
}
