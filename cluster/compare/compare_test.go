package compare

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestEveryImplementationAppliesEveryCommand: in both workloads, each
// implementation's leader applies exactly the commands issued, and ends
// with the last value written to every key.
func TestEveryImplementationAppliesEveryCommand(t *testing.T) {
	const count = 300
	for _, implementation := range Implementations {
		t.Run(implementation, func(t *testing.T) {
			s, err := start(implementation, 7)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := s.close(); err != nil {
					t.Error(err)
				}
			}()
			for i, workload := range Workloads(DefaultPipeline) {
				if err := s.commit(count, workload.InFlight); err != nil {
					t.Fatalf("%s: %v", workload.Name, err)
				}
				if got, want := s.issued(), (i+1)*count; got != want {
					t.Fatalf("%s: %d commands issued, want %d", workload.Name, got, want)
				}
				if err := verify(s); err != nil {
					t.Fatalf("%s: %v", workload.Name, err)
				}
			}
			// A real value, checked by hand: the last command, number
			// 2*count-1, wrote its number in hex to its key.
			last := 2*count - 1
			value, found, err := s.get(fmt.Sprintf("key%05d", last%keyCount))
			if want := fmt.Sprintf("%08x", last); err != nil || !found || value != want {
				t.Errorf("last key holds %q (found %v, err %v), want %q", value, found, err, want)
			}
		})
	}
}

// TestVerifyCatchesMissingCommands: verify is what makes every benchmark
// a correctness check too, so it must be able to fail.
func TestVerifyCatchesMissingCommands(t *testing.T) {
	s, err := start(Etcd, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.commit(100, 8); err != nil {
		t.Fatal(err)
	}
	s.(*etcdSystem).next++ // one more issued than applied
	if err := verify(s); err == nil {
		t.Error("verify passed with a command issued and never applied")
	}
	s.(*etcdSystem).next--
	s.(*etcdSystem).leader.machine.values["key00007"] = "stale"
	if err := verify(s); err == nil {
		t.Error("verify passed with a wrong value on the leader")
	}
}

// TestRunReportIsConsistent: Run measures every implementation in every
// workload, and its ratios and table agree with its figures.
func TestRunReportIsConsistent(t *testing.T) {
	options := Options{Operations: 200, Rounds: 2, Pipeline: 16}
	report, err := Run(options)
	if err != nil {
		t.Fatal(err)
	}
	workloads := Workloads(16)
	if got, want := len(report.Results), len(workloads)*len(Implementations); got != want {
		t.Fatalf("%d results, want %d", got, want)
	}
	for _, workload := range workloads {
		for _, implementation := range Implementations {
			result, ok := report.Result(workload.Name, implementation)
			switch {
			case !ok:
				t.Errorf("no result for %s %s", workload.Name, implementation)
			case result.Operations != options.Operations:
				t.Errorf("%s %s: %d operations, want %d", workload.Name, implementation, result.Operations, options.Operations)
			case result.Elapsed <= 0 || result.Mallocs == 0 || result.Bytes == 0:
				t.Errorf("%s %s: nothing measured: %+v", workload.Name, implementation, result)
			}
		}
	}
	if got, want := len(report.Ratios), len(workloads)*(len(Implementations)-1); got != want {
		t.Fatalf("%d ratios, want %d", got, want)
	}
	for _, ratio := range report.Ratios {
		ours, _ := report.Result(ratio.Workload, Raftctl)
		theirs, ok := report.Result(ratio.Workload, ratio.Against)
		if !ok || ratio.Against == Raftctl {
			t.Fatalf("ratio against %q: want hashicorp or etcd", ratio.Against)
		}
		for _, check := range []struct {
			name             string
			got, ours, their float64
		}{
			{"speed", ratio.Speed, ours.OpsPerSecond(), theirs.OpsPerSecond()},
			{"allocs", ratio.Allocs, ours.AllocsPerOp(), theirs.AllocsPerOp()},
			{"bytes", ratio.Bytes, ours.BytesPerOp(), theirs.BytesPerOp()},
		} {
			if want := check.ours / check.their; math.Abs(check.got-want) > 1e-9*want || !(want > 0) {
				t.Errorf("%s against %s: %s ratio %v, want %v / %v = %v", ratio.Workload, ratio.Against, check.name, check.got, check.ours, check.their, want)
			}
		}
		// The per-op figures come from the totals.
		if got, want := ours.OpsPerSecond(), float64(ours.Operations)/ours.Elapsed.Seconds(); got != want {
			t.Errorf("ops/s %v, want %v", got, want)
		}
	}

	var text strings.Builder
	if err := report.Write(&text); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	t.Logf("\n%s", out)
	for _, result := range report.Results {
		row := fmt.Sprintf("%.0f", result.OpsPerSecond())
		if !strings.Contains(out, result.Implementation) || !strings.Contains(out, row) {
			t.Errorf("table lacks %s's %s ops/s:\n%s", result.Implementation, row, out)
		}
	}
	for _, ratio := range report.Ratios {
		if !strings.Contains(out, times(ratio.Speed)) {
			t.Errorf("table lacks the speed ratio %s against %s:\n%s", times(ratio.Speed), ratio.Against, out)
		}
	}
	// Aligned: every row of the figures table is as wide as its header.
	lines := strings.Split(out, "\n")
	header := lines[2]
	for _, line := range lines[3 : 3+len(report.Results)] {
		if len([]rune(line)) != len([]rune(header)) {
			t.Errorf("row %q is not as wide as the header %q", line, header)
		}
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	for _, options := range []Options{{Operations: -1}, {Rounds: -2}, {Pipeline: -1}, {Operations: 3, Rounds: 5}} {
		if _, err := Run(options); err == nil {
			t.Errorf("Run(%+v) succeeded, want an error", options)
		}
	}
}
