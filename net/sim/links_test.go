package sim

import (
	"errors"
	"math"
	"testing"
	"time"

	"raftctl/raft"
)

func TestCut(t *testing.T) {
	tests := []struct {
		name     string
		bothWays bool
		// wantBack is whether n2 -> n1 stays open.
		wantBack bool
	}{
		{name: "one way closes only from -> to", bothWays: false, wantBack: true},
		{name: "both ways closes the two directions", bothWays: true, wantBack: false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			n := New(1, fiveNodes)
			log := watchDrops(n)
			n.Cut(1, 2, test.bothWays)
			if n.Connected(1, 2) {
				t.Error("n1 -> n2 is open after the cut")
			}
			if got := n.Connected(2, 1); got != test.wantBack {
				t.Errorf("Connected(n2, n1) = %v, want %v", got, test.wantBack)
			}
			if !n.Connected(1, 3) || !n.Connected(3, 2) {
				t.Error("a cut closed a link it does not name")
			}
			n.Send(0, message(1, 2, 1))
			n.Send(0, message(2, 1, 1))
			wantInFlight := 0
			if test.wantBack {
				wantInFlight = 1
			}
			if got := n.Len(); got != wantInFlight {
				t.Errorf("%d in flight, want %d", got, wantInFlight)
			}
			if len(log.reasons) == 0 || log.reasons[0] != DropCut {
				t.Errorf("drop reasons %v, want cut first", log.reasons)
			}
			checkStats(t, n)
		})
	}
}

func TestCutIgnoresUnknownNodesAndSelf(t *testing.T) {
	n := New(1, fiveNodes)
	n.Cut(1, 9, true)
	n.Cut(3, 3, true)
	if !n.Connected(3, 3) {
		t.Error("a node cannot reach itself after Cut(n3, n3)")
	}
	if n.Connected(1, 9) || n.Connected(9, 9) {
		t.Error("an unknown node is connected")
	}
}

func TestHeal(t *testing.T) {
	n := New(1, fiveNodes)
	if err := n.Partition([][]raft.NodeID{{1, 2}}); err != nil {
		t.Fatal(err)
	}
	n.Cut(3, 4, true)
	lossy := LinkConfig{DelayMin: time.Second, DelayMax: 2 * time.Second, Drop: 1}
	if err := n.SetDefault(lossy); err != nil {
		t.Fatal(err)
	}
	if err := n.SetLink(4, 5, lossy, false); err != nil {
		t.Fatal(err)
	}
	n.Send(0, message(1, 2, 1)) // lost by Drop 1, but sent

	n.Heal()

	for _, from := range fiveNodes {
		for _, to := range fiveNodes {
			if !n.Connected(from, to) {
				t.Errorf("%v -> %v is closed after Heal", from, to)
			}
			if got := n.Link(from, to); got != DefaultLinkConfig() {
				t.Errorf("Link(%v, %v) = %v after Heal, want the default", from, to, got)
			}
		}
		if got := n.Group(from); got != 0 {
			t.Errorf("Group(%v) = %d after Heal, want 0", from, got)
		}
	}
	if got := n.Default(); got != DefaultLinkConfig() {
		t.Errorf("Default() = %v after Heal, want %v", got, DefaultLinkConfig())
	}
	if got := n.Stats().Sent; got != 1 {
		t.Errorf("Heal reset the stats: Sent = %d, want 1", got)
	}
}

func TestHealLetsInFlightMessagesArrive(t *testing.T) {
	n := New(1, fiveNodes)
	n.Send(0, message(1, 2, 1))
	n.Cut(1, 2, false)
	n.Heal()
	if _, ok := n.PopNext(); !ok {
		t.Error("a message sent before a cut and healed before arrival was not delivered")
	}
}

func TestLinkConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		config LinkConfig
		valid  bool
	}{
		{name: "default", config: DefaultLinkConfig(), valid: true},
		{name: "zero", config: LinkConfig{}, valid: true},
		{name: "certain loss and duplication", config: LinkConfig{Drop: 1, Duplicate: 1}, valid: true},
		{name: "fixed delay", config: fixedDelay(time.Second), valid: true},
		{name: "negative min", config: LinkConfig{DelayMin: -1, DelayMax: 5}, valid: false},
		{name: "min above max", config: LinkConfig{DelayMin: 5, DelayMax: 1}, valid: false},
		{name: "drop above 1", config: LinkConfig{Drop: 1.5}, valid: false},
		{name: "negative drop", config: LinkConfig{Drop: -0.1}, valid: false},
		{name: "drop NaN", config: LinkConfig{Drop: math.NaN()}, valid: false},
		{name: "duplicate above 1", config: LinkConfig{Duplicate: 2}, valid: false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			err := test.config.Validate()
			if test.valid && err != nil {
				t.Errorf("Validate() = %v, want nil", err)
			}
			if !test.valid && !errors.Is(err, ErrInvalidLinkConfig) {
				t.Errorf("Validate() = %v, want ErrInvalidLinkConfig", err)
			}
			n := New(1, fiveNodes)
			if err := n.SetDefault(test.config); (err == nil) != test.valid {
				t.Errorf("SetDefault() = %v, want valid %v", err, test.valid)
			}
			if !test.valid && n.Default() != DefaultLinkConfig() {
				t.Error("a rejected SetDefault changed the default")
			}
			if err := n.SetLink(1, 2, test.config, true); (err == nil) != test.valid {
				t.Errorf("SetLink() = %v, want valid %v", err, test.valid)
			}
			if !test.valid && n.Link(1, 2) != DefaultLinkConfig() {
				t.Error("a rejected SetLink changed the link")
			}
		})
	}
}

func TestSetLink(t *testing.T) {
	slow := fixedDelay(time.Second)
	tests := []struct {
		name     string
		bothWays bool
		wantBack LinkConfig
	}{
		{name: "one way", bothWays: false, wantBack: DefaultLinkConfig()},
		{name: "both ways", bothWays: true, wantBack: slow},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			n := New(1, fiveNodes)
			if err := n.SetLink(1, 2, slow, test.bothWays); err != nil {
				t.Fatal(err)
			}
			if got := n.Link(1, 2); got != slow {
				t.Errorf("Link(n1, n2) = %v, want %v", got, slow)
			}
			if got := n.Link(2, 1); got != test.wantBack {
				t.Errorf("Link(n2, n1) = %v, want %v", got, test.wantBack)
			}
			n.Send(10*time.Millisecond, message(1, 2, 1))
			if e := n.InFlight()[0]; e.DeliverAt != 10*time.Millisecond+time.Second {
				t.Errorf("DeliverAt = %v, want 1.01s", e.DeliverAt)
			}
		})
	}
}

func TestSetLinkSurvivesSetDefault(t *testing.T) {
	n := New(1, fiveNodes)
	slow := fixedDelay(time.Second)
	if err := n.SetLink(1, 2, slow, false); err != nil {
		t.Fatal(err)
	}
	fast := fixedDelay(time.Millisecond)
	if err := n.SetDefault(fast); err != nil {
		t.Fatal(err)
	}
	if got := n.Link(1, 2); got != slow {
		t.Errorf("Link(n1, n2) = %v, want its own %v", got, slow)
	}
	if got := n.Link(1, 3); got != fast {
		t.Errorf("Link(n1, n3) = %v, want the new default %v", got, fast)
	}
}

func TestSetLinkErrors(t *testing.T) {
	n := New(1, fiveNodes)
	if err := n.SetLink(1, 9, DefaultLinkConfig(), false); !errors.Is(err, ErrUnknownNode) {
		t.Errorf("SetLink(n1, n9) = %v, want ErrUnknownNode", err)
	}
	if err := n.SetLink(2, 2, DefaultLinkConfig(), false); err == nil {
		t.Error("SetLink(n2, n2) = nil, want an error")
	}
}

func TestDropReasonString(t *testing.T) {
	want := map[DropReason]string{
		DropPartition:   "partition",
		DropCut:         "cut",
		DropLoss:        "loss",
		DropNodeDown:    "node down",
		DropByHand:      "by hand",
		DropUnknownNode: "unknown node",
		0:               "DropReason(0)",
		99:              "DropReason(99)",
	}
	for reason, name := range want {
		if got := reason.String(); got != name {
			t.Errorf("DropReason(%d).String() = %q, want %q", uint8(reason), got, name)
		}
	}
}

func TestLinkConfigString(t *testing.T) {
	c := LinkConfig{DelayMin: time.Millisecond, DelayMax: 5 * time.Millisecond, Drop: 0.1, Duplicate: 0.07}
	if got, want := c.String(), "delay 1ms..5ms, drop 10%, duplicate 7%"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
