package sim

import (
	"reflect"
	"testing"
	"time"

	"raftctl/raft"
)

func TestDropProbability(t *testing.T) {
	const sends = 10_000
	tests := []struct {
		drop             float64
		minLost, maxLost int
	}{
		{drop: 0, minLost: 0, maxLost: 0},
		{drop: 1, minLost: sends, maxLost: sends},
		// Binomial(10000, 0.5) has a standard deviation of 50: the bounds
		// are four of them, and the seed is fixed anyway.
		{drop: 0.5, minLost: 4800, maxLost: 5200},
		{drop: 0.1, minLost: 880, maxLost: 1120},
	}
	for _, test := range tests {
		n := New(42, fiveNodes)
		log := watchDrops(n)
		if err := n.SetDefault(LinkConfig{DelayMin: time.Millisecond, DelayMax: time.Millisecond, Drop: test.drop}); err != nil {
			t.Fatal(err)
		}
		for i := range sends {
			n.Send(0, message(1, 2, raft.Term(i)))
		}
		lost := len(log.reasons)
		if lost < test.minLost || lost > test.maxLost {
			t.Errorf("drop %v: lost %d of %d, want %d..%d", test.drop, lost, sends, test.minLost, test.maxLost)
		}
		for _, reason := range log.reasons {
			if reason != DropLoss {
				t.Fatalf("drop %v: reason %v, want loss", test.drop, reason)
			}
		}
		if got := len(popAll(n)); got != sends-lost {
			t.Errorf("drop %v: delivered %d, want %d", test.drop, got, sends-lost)
		}
		checkStats(t, n)
	}
}

func TestDuplicate(t *testing.T) {
	const sends = 10_000
	tests := []struct {
		duplicate      float64
		minDup, maxDup uint64
	}{
		{duplicate: 0, minDup: 0, maxDup: 0},
		{duplicate: 1, minDup: sends, maxDup: sends},
		{duplicate: 0.5, minDup: 4800, maxDup: 5200},
	}
	for _, test := range tests {
		n := New(7, fiveNodes)
		if err := n.SetDefault(LinkConfig{DelayMin: 0, DelayMax: time.Second, Duplicate: test.duplicate}); err != nil {
			t.Fatal(err)
		}
		for i := range sends {
			n.Send(0, message(1, 2, raft.Term(i)))
		}
		duplicated := n.Stats().Duplicated
		if duplicated < test.minDup || duplicated > test.maxDup {
			t.Errorf("duplicate %v: %d duplicates, want %d..%d", test.duplicate, duplicated, test.minDup, test.maxDup)
		}
		delivered := popAll(n)
		if got := uint64(len(delivered)); got != sends+duplicated {
			t.Errorf("duplicate %v: delivered %d, want %d", test.duplicate, got, sends+duplicated)
		}
		// Every duplicate has an ID of its own and, almost always over a
		// one-second range, a latency of its own.
		ids := map[uint64]bool{}
		copies := map[raft.Term][]time.Duration{}
		for _, e := range delivered {
			if ids[e.ID] {
				t.Fatalf("ID %d delivered twice", e.ID)
			}
			ids[e.ID] = true
			copies[e.Message.Term] = append(copies[e.Message.Term], e.DeliverAt)
		}
		sameLatency := 0
		for term, arrivals := range copies {
			switch len(arrivals) {
			case 1:
			case 2:
				if arrivals[0] == arrivals[1] {
					sameLatency++
				}
			default:
				t.Fatalf("message %d arrived %d times", term, len(arrivals))
			}
		}
		if sameLatency > 5 {
			t.Errorf("duplicate %v: %d duplicates share their original's latency", test.duplicate, sameLatency)
		}
		checkStats(t, n)
	}
}

func TestDelayBounds(t *testing.T) {
	tests := []struct {
		name     string
		min, max time.Duration
	}{
		{name: "default", min: time.Millisecond, max: 5 * time.Millisecond},
		{name: "fixed", min: 3 * time.Millisecond, max: 3 * time.Millisecond},
		{name: "zero", min: 0, max: 0},
		{name: "two values", min: 10, max: 11},
		{name: "wide", min: 0, max: time.Hour},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			n := New(3, fiveNodes)
			if err := n.SetDefault(LinkConfig{DelayMin: test.min, DelayMax: test.max}); err != nil {
				t.Fatal(err)
			}
			const now = 100 * time.Millisecond
			for i := range 5000 {
				n.Send(now, message(1, 2, raft.Term(i)))
			}
			seenMin, seenMax := false, false
			for _, e := range n.InFlight() {
				if e.SentAt != now {
					t.Fatalf("SentAt = %v, want %v", e.SentAt, now)
				}
				delay := e.DeliverAt - e.SentAt
				if delay < test.min || delay > test.max {
					t.Fatalf("delay %v outside %v..%v", delay, test.min, test.max)
				}
				seenMin = seenMin || delay == test.min
				seenMax = seenMax || delay == test.max
			}
			// Both ends are included, and reached when the range is small.
			if test.max-test.min < 100 && (!seenMin || !seenMax) {
				t.Errorf("saw min %v, max %v: want both ends of %v..%v", seenMin, seenMax, test.min, test.max)
			}
		})
	}
}

func TestDeliveryOrder(t *testing.T) {
	n := New(5, fiveNodes)
	if err := n.SetDefault(LinkConfig{DelayMin: 0, DelayMax: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		now := time.Duration(i) * time.Millisecond / 10
		n.Send(now, message(raft.NodeID(1+i%5), raft.NodeID(1+(i+1)%5), raft.Term(i)))
	}
	inFlight := n.InFlight()
	delivered := popAll(n)
	if !reflect.DeepEqual(inFlight, delivered) {
		t.Fatal("PopNext does not deliver in the order InFlight lists")
	}
	reordered := false
	for i := 1; i < len(delivered); i++ {
		previous, e := delivered[i-1], delivered[i]
		if e.DeliverAt < previous.DeliverAt || (e.DeliverAt == previous.DeliverAt && e.ID < previous.ID) {
			t.Fatalf("envelope %d (at %v) delivered after %d (at %v)", e.ID, e.DeliverAt, previous.ID, previous.DeliverAt)
		}
		reordered = reordered || e.ID < previous.ID
	}
	if !reordered {
		t.Error("random latency never reordered a message")
	}
}

func TestEqualDeliveryTimesGoByID(t *testing.T) {
	n := New(1, fiveNodes)
	if err := n.SetDefault(fixedDelay(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		n.Send(0, message(2, 1, raft.Term(i)))
	}
	for i, e := range popAll(n) {
		if e.ID != uint64(i+1) {
			t.Fatalf("delivery %d is envelope %d, want %d", i, e.ID, i+1)
		}
	}
}

func TestPopDueWaitsForDeliveryTime(t *testing.T) {
	n := New(1, fiveNodes)
	if err := n.SetLink(1, 2, fixedDelay(10*time.Millisecond), false); err != nil {
		t.Fatal(err)
	}
	if err := n.SetLink(1, 3, fixedDelay(20*time.Millisecond), false); err != nil {
		t.Fatal(err)
	}
	n.Send(0, message(1, 3, 1))
	n.Send(0, message(1, 2, 1))
	if next, ok := n.NextDeliveryTime(); !ok || next != 10*time.Millisecond {
		t.Fatalf("NextDeliveryTime() = %v, %v, want 10ms", next, ok)
	}
	if e, ok := n.PopDue(9 * time.Millisecond); ok {
		t.Fatalf("PopDue(9ms) delivered %+v early", e)
	}
	if e, ok := n.PopDue(10 * time.Millisecond); !ok || e.Message.To != 2 {
		t.Fatalf("PopDue(10ms) = %+v, %v, want the message to n2", e, ok)
	}
	if _, ok := n.PopDue(10 * time.Millisecond); ok {
		t.Fatal("PopDue(10ms) delivered the message due at 20ms")
	}
	if next, _ := n.NextDeliveryTime(); next != 20*time.Millisecond {
		t.Fatalf("NextDeliveryTime() = %v, want 20ms", next)
	}
	if e, ok := n.PopDue(time.Second); !ok || e.Message.To != 3 {
		t.Fatalf("PopDue(1s) = %+v, %v, want the message to n3", e, ok)
	}
	if _, ok := n.NextDeliveryTime(); ok {
		t.Error("NextDeliveryTime() reports a message on an empty network")
	}
}

func TestCutWhileInFlightDropsAtDelivery(t *testing.T) {
	tests := []struct {
		name       string
		fault      func(n *Network)
		wantReason DropReason
	}{
		{name: "cut", fault: func(n *Network) { n.Cut(1, 2, false) }, wantReason: DropCut},
		{name: "partition", fault: func(n *Network) {
			if err := n.Partition([][]raft.NodeID{{2}}); err != nil {
				t.Fatal(err)
			}
		}, wantReason: DropPartition},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			for _, pop := range []string{"PopDue", "PopNext"} {
				n := New(1, fiveNodes)
				log := watchDrops(n)
				n.Send(0, message(1, 2, 1))
				n.Send(0, message(3, 4, 1))
				test.fault(n)
				if n.Len() != 2 {
					t.Fatal("a fault removed messages already in flight")
				}
				var e Envelope
				var ok bool
				if pop == "PopDue" {
					e, ok = n.PopDue(time.Second)
				} else {
					e, ok = n.PopNext()
				}
				if !ok || e.Message.From != 3 {
					t.Fatalf("%s = %+v, %v, want the message n3 -> n4", pop, e, ok)
				}
				if len(log.reasons) != 1 || log.reasons[0] != test.wantReason || log.envelopes[0].Message.From != 1 {
					t.Errorf("%s: drops %v, want n1 -> n2 dropped for %v", pop, log.reasons, test.wantReason)
				}
				if n.Len() != 0 {
					t.Errorf("%s: %d left in flight, want 0", pop, n.Len())
				}
				checkStats(t, n)
			}
		})
	}
}

func TestMessageToSelfIsIgnored(t *testing.T) {
	n := New(1, fiveNodes)
	n.Send(0, message(3, 3, 1))
	if n.Len() != 0 || n.Stats() != (Stats{}) {
		t.Errorf("a message to oneself entered the network: %d in flight, stats %+v", n.Len(), n.Stats())
	}
}

func TestMessageToUnknownNodeIsDropped(t *testing.T) {
	n := New(1, fiveNodes)
	log := watchDrops(n)
	n.Send(0, message(1, 9, 1))
	n.Send(0, message(200, 1, 1))
	if n.Len() != 0 || len(log.reasons) != 2 || log.reasons[0] != DropUnknownNode {
		t.Errorf("%d in flight, drops %v: want both dropped as unknown node", n.Len(), log.reasons)
	}
	checkStats(t, n)
}

// run drives a network through a fixed mix of every call that draws or
// reorders, and returns every envelope it delivered or dropped, in order.
func run(seed uint64) []Envelope {
	n := New(seed, fiveNodes)
	var seen []Envelope
	n.OnDrop(func(e Envelope, reason DropReason) { seen = append(seen, e) })
	if err := n.SetDefault(LinkConfig{DelayMin: 0, DelayMax: 30 * time.Millisecond, Drop: 0.2, Duplicate: 0.2}); err != nil {
		panic(err)
	}
	for step := range 2000 {
		now := time.Duration(step) * time.Millisecond
		from := raft.NodeID(1 + step%5)
		n.Send(now, message(from, raft.NodeID(1+(step*3+1)%5), raft.Term(step)))
		switch step {
		case 500:
			_ = n.Partition([][]raft.NodeID{{1, 2}})
		case 900:
			n.Cut(3, 4, false)
		case 1200:
			n.Heal()
		case 1500:
			n.DropNode(4)
		}
		for {
			e, ok := n.PopDue(now)
			if !ok {
				break
			}
			seen = append(seen, e)
		}
	}
	return append(seen, popAll(n)...)
}

func TestDeterminism(t *testing.T) {
	first, second := run(99), run(99)
	if len(first) == 0 {
		t.Fatal("the run saw no envelopes")
	}
	if !reflect.DeepEqual(first, second) {
		t.Error("two networks with the same seed and calls saw different envelopes")
	}
	if reflect.DeepEqual(first, run(100)) {
		t.Error("a different seed gave the very same run")
	}
}

// A change on one link must not shift the random draws of the others, so
// a lesson can show the same seed with a fault on and off.
func TestFaultOnOneLinkLeavesOtherDrawsAlone(t *testing.T) {
	latencies := func(cut bool) []time.Duration {
		n := New(11, fiveNodes)
		if cut {
			n.Cut(1, 2, true)
			if err := n.SetLink(1, 3, LinkConfig{Drop: 1, Duplicate: 1}, false); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 300 {
			n.Send(0, message(raft.NodeID(1+i%3), raft.NodeID(1+(i+1)%3), raft.Term(i)))
		}
		var delays []time.Duration
		for _, e := range n.InFlight() {
			if e.Message.From == 2 && e.Message.To == 3 {
				delays = append(delays, e.DeliverAt)
			}
		}
		return delays
	}
	if !reflect.DeepEqual(latencies(false), latencies(true)) {
		t.Error("cutting n1 <-> n2 changed the latencies on n2 -> n3")
	}
}

func TestNewPanicsOnBadNodes(t *testing.T) {
	for _, nodes := range [][]raft.NodeID{{1, 0}, {1, 2, 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%v) did not panic", nodes)
				}
			}()
			New(1, nodes)
		}()
	}
}
