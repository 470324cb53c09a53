package workload

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// TestEveryTargetAppliesEveryCommand: at one and at many commands in
// flight, every target's leader applies exactly the commands issued and
// ends with the last value written to every key; the stamps of every
// command are set, applied after issued.
func TestEveryTargetAppliesEveryCommand(t *testing.T) {
	for _, target := range Targets() {
		t.Run(target.Name, func(t *testing.T) {
			count := 300
			if target.Durable {
				count = 20
			}
			dir := ""
			if target.Durable {
				dir = t.TempDir()
			}
			system, err := target.Start(7, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := system.Close(); err != nil {
					t.Error(err)
				}
			}()
			for _, load := range []int{1, 64} {
				if target.MaxInFlight > 0 && load > target.MaxInFlight {
					continue
				}
				stamps := NewStamps(count)
				if err := system.Commit(count, load, stamps); err != nil {
					t.Fatalf("%d in flight: %v", load, err)
				}
				if err := system.Verify(); err != nil {
					t.Fatalf("%d in flight: %v", load, err)
				}
				for j := range count {
					if stamps.issued[j] <= 0 || stamps.applied[j] < stamps.issued[j] {
						t.Fatalf("%d in flight: command %d issued at %v, applied at %v", load, j, stamps.issued[j], stamps.applied[j])
					}
				}
			}
		})
	}
}

// TestVerifyCatchesMissingCommands: Verify is what makes every round a
// correctness check too, so it must be able to fail.
func TestVerifyCatchesMissingCommands(t *testing.T) {
	machine := NewStateMachine()
	for i := range 100 {
		machine.Apply(Payload(i))
	}
	if err := Verify(100, machine.Applied(), machine.Get); err != nil {
		t.Fatalf("a correct state machine fails: %v", err)
	}
	if err := Verify(101, machine.Applied(), machine.Get); err == nil {
		t.Error("Verify passed with a command issued and never applied")
	}
	machine.Set(Key(7), "stale")
	if err := Verify(100, machine.Applied(), machine.Get); err == nil {
		t.Error("Verify passed with a wrong value on the leader")
	}
	// Command 99 wrote its number in hexadecimal to key 99 % 64.
	if value, found, _ := machine.Get("key00035"); !found || value != "00000063" {
		t.Errorf("key00035 = %q (found %v), want 00000063", value, found)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 200; i++ {
		sorted = append(sorted, time.Duration(i))
	}
	for _, check := range []struct {
		fraction float64
		want     time.Duration
	}{{0.5, 100}, {0.99, 198}, {1, 200}, {0, 1}} {
		if got := Percentile(sorted, check.fraction); got != check.want {
			t.Errorf("percentile %v of 1..200 = %v, want %v", check.fraction, got, check.want)
		}
	}
	if got := Percentile(nil, 0.5); got != 0 {
		t.Errorf("percentile of nothing = %v, want 0", got)
	}
}

func TestMedian(t *testing.T) {
	if got := median([]float64{5, 1, 3}); got != 3 {
		t.Errorf("median of 5 1 3 = %v, want 3", got)
	}
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median of 4 1 3 2 = %v, want 2.5", got)
	}
}

// TestRunReportIsConsistent: Run measures every target at every load it
// accepts, its medians and ratios agree with its rounds, and the table
// prints them.
func TestRunReportIsConsistent(t *testing.T) {
	options := Options{Rounds: 3, Operations: 200, DurableOperations: 5, InFlight: []int{1, 16}, Dir: t.TempDir()}
	report, err := Run(Targets(), Comparisons(), options)
	if err != nil {
		t.Fatal(err)
	}
	// fdatasync-pair runs at one in flight only.
	if got, want := len(report.Measurements), 2*len(Targets())-1; got != want {
		t.Fatalf("%d measurements, want %d", got, want)
	}
	if _, ok := report.Measurement("fdatasync-pair", 16); ok {
		t.Error("fdatasync-pair measured at 16 in flight, above its limit of 1")
	}
	for _, m := range report.Measurements {
		want := options.Operations
		if strings.HasSuffix(m.Target, "bbolt") || m.Target == "fdatasync-pair" {
			// At least four windows of the load on disk.
			want = max(options.DurableOperations, durableWindows*m.InFlight)
		}
		if len(m.Rounds) != options.Rounds {
			t.Fatalf("%s at %d: %d rounds, want %d", m.Target, m.InFlight, len(m.Rounds), options.Rounds)
		}
		var speeds []float64
		for _, round := range m.Rounds {
			if round.Operations != want || round.Elapsed <= 0 || round.P50 <= 0 || round.P99 < round.P50 {
				t.Errorf("%s at %d: round %+v", m.Target, m.InFlight, round)
			}
			speeds = append(speeds, round.OpsPerSecond())
		}
		if got := median(speeds); m.OpsPerSecond != got {
			t.Errorf("%s at %d: median %v ops/s, want %v", m.Target, m.InFlight, m.OpsPerSecond, got)
		}
	}
	if got, want := len(report.Ratios), 2+2+1; got != want {
		t.Fatalf("%d ratios, want %d: %+v", got, want, report.Ratios)
	}
	for _, ratio := range report.Ratios {
		of, _ := report.Measurement(ratio.Of, ratio.InFlight)
		over, _ := report.Measurement(ratio.Over, ratio.InFlight)
		var values []float64
		for i := range of.Rounds {
			values = append(values, of.Rounds[i].OpsPerSecond()/over.Rounds[i].OpsPerSecond())
		}
		if want := median(values); math.Abs(ratio.Value-want) > 1e-9*want || !(want > 0) {
			t.Errorf("%s ÷ %s at %d: %v, want %v", ratio.Of, ratio.Over, ratio.InFlight, ratio.Value, want)
		}
		if ratio.Of == "local" && ratio.Goal != 0.67 {
			t.Errorf("local ÷ core at %d: goal %v, want 0.67", ratio.InFlight, ratio.Goal)
		}
		if ratio.Over == "fdatasync-pair" && ratio.InFlight != 1 {
			t.Errorf("a ratio against fdatasync-pair at %d in flight, where it was not measured", ratio.InFlight)
		}
	}

	var text strings.Builder
	if err := report.Write(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	t.Logf("\n%s", out)
	for _, m := range report.Measurements {
		if row := fmt.Sprintf("%.0f", m.OpsPerSecond); !strings.Contains(out, row) {
			t.Errorf("table lacks %s's %s ops/s", m.Target, row)
		}
	}
	for _, ratio := range report.Ratios {
		if !strings.Contains(out, Times(ratio.Value)) {
			t.Errorf("table lacks the ratio %s of %s ÷ %s", Times(ratio.Value), ratio.Of, ratio.Over)
		}
	}
	var encoded strings.Builder
	if err := report.WriteJSON(&encoded); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"ops_per_second"`, `"p99_ns"`, `"in_flight": 16`, `"target": "local-bbolt"`} {
		if !strings.Contains(encoded.String(), field) {
			t.Errorf("JSON lacks %s", field)
		}
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, options := range []Options{{Operations: -1}, {Rounds: -2}, {DurableOperations: -1}, {InFlight: []int{1, 0}}} {
		if _, err := Run(Targets(), nil, options); err == nil {
			t.Errorf("Run(%+v) succeeded, want an error", options)
		}
	}
}
