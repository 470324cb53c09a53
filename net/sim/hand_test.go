package sim

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"raftctl/raft"
)

// threeOnEachLink sends terms 1, 2, 3 on n1 -> n2 and on n1 -> n3, with
// delays that make term order the delivery order.
func threeOnEachLink(t *testing.T) *Network {
	t.Helper()
	n := New(1, fiveNodes)
	if err := n.SetDefault(fixedDelay(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	for term := raft.Term(1); term <= 3; term++ {
		n.Send(time.Duration(term), message(1, 2, term))
		n.Send(time.Duration(term), message(1, 3, term))
	}
	return n
}

func terms(envelopes []Envelope) []raft.Term {
	var result []raft.Term
	for _, e := range envelopes {
		result = append(result, e.Message.Term)
	}
	return result
}

func TestDeliverLink(t *testing.T) {
	tests := []struct {
		name      string
		count     int
		cut       bool
		want      []raft.Term
		wantAfter []raft.Term // left on n1 -> n2
	}{
		{name: "first one", count: 1, want: []raft.Term{1}, wantAfter: []raft.Term{2, 3}},
		{name: "first two", count: 2, want: []raft.Term{1, 2}, wantAfter: []raft.Term{3}},
		{name: "more than there are", count: 10, want: []raft.Term{1, 2, 3}},
		{name: "zero means all", count: 0, want: []raft.Term{1, 2, 3}},
		{name: "negative means all", count: -1, want: []raft.Term{1, 2, 3}},
		{name: "a cut link delivers nothing", count: 0, cut: true, wantAfter: []raft.Term{1, 2, 3}},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			n := threeOnEachLink(t)
			if test.cut {
				n.Cut(1, 2, false)
			}
			got := n.DeliverLink(1, 2, test.count)
			if !slices.Equal(terms(got), test.want) {
				t.Errorf("DeliverLink delivered terms %v, want %v", terms(got), test.want)
			}
			var left []Envelope
			for _, e := range n.InFlight() {
				if e.Message.To == 2 {
					left = append(left, e)
				}
			}
			if !slices.Equal(terms(left), test.wantAfter) {
				t.Errorf("left on n1 -> n2: terms %v, want %v", terms(left), test.wantAfter)
			}
			if got := n.Len() - len(left); got != 3 {
				t.Errorf("%d left on n1 -> n3, want 3 untouched", got)
			}
			if got := n.Stats().Delivered; got != uint64(len(test.want)) {
				t.Errorf("Delivered = %d, want %d", got, len(test.want))
			}
			checkStats(t, n)
		})
	}
}

func TestDeliverLinkKeepsTheRestInOrder(t *testing.T) {
	n := threeOnEachLink(t)
	before := n.InFlight()
	n.DeliverLink(1, 2, 1)
	after := n.InFlight()
	var want []Envelope
	for _, e := range before {
		if !(e.Message.To == 2 && e.Message.Term == 1) {
			want = append(want, e)
		}
	}
	if !reflect.DeepEqual(after, want) {
		t.Errorf("in flight after DeliverLink:\n%+v\nwant\n%+v", after, want)
	}
}

func TestDropLink(t *testing.T) {
	n := threeOnEachLink(t)
	log := watchDrops(n)
	n.Cut(1, 2, false)
	if got := n.DropLink(1, 2, 2); got != 2 {
		t.Errorf("DropLink(n1, n2, 2) = %d, want 2", got)
	}
	if !slices.Equal(terms(log.envelopes), []raft.Term{1, 2}) || log.reasons[0] != DropByHand {
		t.Errorf("dropped terms %v for %v, want 1 and 2 by hand", terms(log.envelopes), log.reasons)
	}
	if got := n.DropLink(1, 3, 0); got != 3 {
		t.Errorf("DropLink(n1, n3, 0) = %d, want 3", got)
	}
	if got := n.DropLink(4, 5, 0); got != 0 {
		t.Errorf("DropLink on an empty link = %d, want 0", got)
	}
	if n.Len() != 1 {
		t.Errorf("%d in flight, want the term 3 message to n2", n.Len())
	}
	checkStats(t, n)
}

func TestTakeAndDropByID(t *testing.T) {
	n := threeOnEachLink(t)
	log := watchDrops(n)
	inFlight := n.InFlight()
	middle := inFlight[2]

	if e, ok := n.TakeByID(middle.ID); !ok || !reflect.DeepEqual(e, middle) {
		t.Fatalf("TakeByID(%d) = %+v, %v, want %+v", middle.ID, e, ok, middle)
	}
	if _, ok := n.TakeByID(middle.ID); ok {
		t.Error("TakeByID delivered the same envelope twice")
	}
	if n.DropByID(middle.ID) {
		t.Error("DropByID dropped an envelope already taken")
	}

	last := inFlight[len(inFlight)-1]
	n.Cut(last.Message.From, last.Message.To, false)
	if _, ok := n.TakeByID(last.ID); ok {
		t.Error("TakeByID carried an envelope over a cut link")
	}
	if !n.DropByID(last.ID) {
		t.Error("DropByID could not drop an envelope on a cut link")
	}
	if len(log.reasons) != 1 || log.reasons[0] != DropByHand || log.envelopes[0].ID != last.ID {
		t.Errorf("drops %v, want envelope %d by hand", log.reasons, last.ID)
	}
	if got := n.Len(); got != len(inFlight)-2 {
		t.Errorf("%d in flight, want %d", got, len(inFlight)-2)
	}
	// What remains still comes out in order.
	remaining := popAll(n)
	for i := 1; i < len(remaining); i++ {
		if remaining[i].ID < remaining[i-1].ID {
			t.Errorf("order broken after removals: %d before %d", remaining[i-1].ID, remaining[i].ID)
		}
	}
	checkStats(t, n)
}

func TestDropNode(t *testing.T) {
	n := New(1, fiveNodes)
	log := watchDrops(n)
	for _, from := range fiveNodes {
		for _, to := range fiveNodes {
			n.Send(0, message(from, to, 1))
		}
	}
	// 5 nodes send to 4 others: 20 envelopes, 8 of them to or from n3.
	if got := n.DropNode(3); got != 8 {
		t.Errorf("DropNode(n3) = %d, want 8", got)
	}
	for _, reason := range log.reasons {
		if reason != DropNodeDown {
			t.Errorf("reason %v, want node down", reason)
		}
	}
	for _, e := range n.InFlight() {
		if e.Message.From == 3 || e.Message.To == 3 {
			t.Errorf("envelope %d (%v -> %v) survived DropNode(n3)", e.ID, e.Message.From, e.Message.To)
		}
	}
	if got := len(popAll(n)); got != 12 {
		t.Errorf("delivered %d after DropNode, want 12", got)
	}
	if got := n.DropNode(3); got != 0 {
		t.Errorf("second DropNode(n3) = %d, want 0", got)
	}
	checkStats(t, n)
}

// The observer may call back into the network: it sees a consistent state.
func TestOnDropMayCallBack(t *testing.T) {
	n := New(1, fiveNodes)
	var inFlightSeen []int
	n.OnDrop(func(e Envelope, reason DropReason) {
		inFlightSeen = append(inFlightSeen, n.Len())
	})
	n.Send(0, message(1, 2, 1))
	n.Send(0, message(2, 1, 1))
	n.Send(0, message(3, 4, 1))
	n.DropNode(1)
	if len(inFlightSeen) != 2 || inFlightSeen[0] != 1 || inFlightSeen[1] != 1 {
		t.Errorf("observer saw %v in flight, want [1 1]", inFlightSeen)
	}
	n.OnDrop(nil)
	n.DropNode(3) // no observer: must not panic
}
