package workload

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"
)

// Options configure Run. Zero fields take the defaults.
type Options struct {
	// Rounds is how many turns each target takes at each load (default 5).
	Rounds int
	// Operations is how many commands a round times on a target in memory
	// (default 10000); DurableOperations on a durable one (default 1000,
	// and at least durableWindows times the load, so that a round reaches
	// its load and holds it).
	Operations, DurableOperations int
	// Warmup is how many commands run untimed before a round's, as a
	// fraction of them (default 0.2; a negative value runs none).
	Warmup float64
	// InFlight lists the loads: commands kept in flight (default 1, 64, 256).
	InFlight []int
	// Seed seeds raftctl's nodes; the round adds its number.
	Seed uint64
	// Dir is where durable targets write (default the system's temporary
	// directory); each start gets a fresh directory inside it, removed after.
	Dir string
	// Progress, when set, gets a line before each measurement.
	Progress io.Writer
}

// DefaultInFlight are the loads measured unless told otherwise.
var DefaultInFlight = []int{1, 64, 256}

func (o Options) withDefaults() (Options, error) {
	if o.Rounds < 0 || o.Operations < 0 || o.DurableOperations < 0 {
		return o, fmt.Errorf("rounds %d, operations %d, durable operations %d: want 0 (the default) or more",
			o.Rounds, o.Operations, o.DurableOperations)
	}
	if o.Rounds == 0 {
		o.Rounds = 5
	}
	if o.Operations == 0 {
		o.Operations = 10000
	}
	if o.DurableOperations == 0 {
		o.DurableOperations = 1000
	}
	if o.Warmup == 0 {
		o.Warmup = 0.2
	}
	if len(o.InFlight) == 0 {
		o.InFlight = DefaultInFlight
	}
	for _, load := range o.InFlight {
		if load < 1 {
			return o, fmt.Errorf("%d in flight: want at least 1", load)
		}
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Dir == "" {
		o.Dir = os.TempDir()
	}
	return o, nil
}

// Round is what one target did at one load in one round.
type Round struct {
	Operations int           `json:"operations"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	P50        time.Duration `json:"p50_ns"`
	P99        time.Duration `json:"p99_ns"`
	// Mallocs and Bytes are the heap allocations of the whole process
	// while the commands ran (runtime.MemStats deltas).
	Mallocs uint64 `json:"mallocs"`
	Bytes   uint64 `json:"bytes"`
}

// OpsPerSecond is committed commands per wall-clock second.
func (r Round) OpsPerSecond() float64 { return float64(r.Operations) / r.Elapsed.Seconds() }

// Measurement is one target at one load: every round, and their medians.
type Measurement struct {
	Target   string  `json:"target"`
	InFlight int     `json:"in_flight"`
	Rounds   []Round `json:"rounds"`
	// Medians over the rounds.
	OpsPerSecond float64       `json:"ops_per_second"`
	P50          time.Duration `json:"p50_ns"`
	P99          time.Duration `json:"p99_ns"`
	AllocsPerOp  float64       `json:"allocs_per_op"`
	BytesPerOp   float64       `json:"bytes_per_op"`
}

// Report is the outcome of Run.
type Report struct {
	Rounds            int      `json:"rounds"`
	Operations        int      `json:"operations"`
	DurableOperations int      `json:"durable_operations"`
	Warmup            float64  `json:"warmup"`
	InFlight          []int    `json:"in_flight"`
	GOMAXPROCS        int      `json:"gomaxprocs"`
	Targets           []string `json:"targets"`
	// Measurements has one entry per target and load, load by load,
	// targets in the order given.
	Measurements []Measurement `json:"measurements"`
	Ratios       []Ratio       `json:"ratios"`
}

// Measurement returns one target's measurement at one load.
func (r *Report) Measurement(target string, inFlight int) (Measurement, bool) {
	for _, measurement := range r.Measurements {
		if measurement.Target == target && measurement.InFlight == inFlight {
			return measurement, true
		}
	}
	return Measurement{}, false
}

// Run measures every target at every load, the targets taking turns in
// rounds, and computes the comparisons' ratios.
func Run(targets []Target, comparisons []Comparison, options Options) (*Report, error) {
	options, err := options.withDefaults()
	if err != nil {
		return nil, err
	}
	report := &Report{Rounds: options.Rounds, Operations: options.Operations, DurableOperations: options.DurableOperations,
		Warmup: options.Warmup, InFlight: options.InFlight, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	index := map[string]int{}
	for _, load := range options.InFlight {
		for _, target := range targets {
			if target.MaxInFlight > 0 && load > target.MaxInFlight {
				continue
			}
			index[fmt.Sprint(target.Name, "/", load)] = len(report.Measurements)
			report.Measurements = append(report.Measurements, Measurement{Target: target.Name, InFlight: load})
		}
	}
	for _, target := range targets {
		report.Targets = append(report.Targets, target.Name)
	}
	for round := range options.Rounds {
		for _, load := range options.InFlight {
			for _, target := range targets {
				i, ok := index[fmt.Sprint(target.Name, "/", load)]
				if !ok {
					continue
				}
				if options.Progress != nil {
					fmt.Fprintf(options.Progress, "round %d/%d: %s, %d in flight\n", round+1, options.Rounds, target.Name, load)
				}
				result, err := measure(target, load, options, options.Seed+uint64(round))
				if err != nil {
					return report, fmt.Errorf("%s, %d in flight, round %d: %w", target.Name, load, round+1, err)
				}
				report.Measurements[i].Rounds = append(report.Measurements[i].Rounds, result)
			}
		}
	}
	for i := range report.Measurements {
		report.Measurements[i].summarize()
	}
	for _, comparison := range comparisons {
		report.Ratios = append(report.Ratios, comparison.ratios(report)...)
	}
	return report, nil
}

// durableWindows is the fewest windows of commands in flight a durable
// round times: 200 commands at 256 in flight never reach the load.
const durableWindows = 4

// measure starts a fresh cluster of target, warms it up, times one
// round's commands, checks the leader applied them all, and closes it.
func measure(target Target, load int, options Options, seed uint64) (result Round, err error) {
	count := options.Operations
	dir := ""
	if target.Durable {
		count = max(options.DurableOperations, durableWindows*load)
		if dir, err = os.MkdirTemp(options.Dir, "raftctl-bench-"); err != nil {
			return result, err
		}
		defer func() { err = errors.Join(err, os.RemoveAll(dir)) }()
	}
	system, err := target.Start(seed, dir)
	if err != nil {
		return result, err
	}
	defer func() { err = errors.Join(err, system.Close()) }()
	if warmup := int(options.Warmup * float64(count)); warmup > 0 {
		if err := system.Commit(warmup, load, nil); err != nil {
			return result, fmt.Errorf("warm-up: %w", err)
		}
	}
	stamps := NewStamps(count)
	// A clean heap for every turn, as testing.B does before a benchmark.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	began := time.Now()
	err = system.Commit(count, load, stamps)
	elapsed := time.Since(began)
	runtime.ReadMemStats(&after)
	if err != nil {
		return result, err
	}
	if err := system.Verify(); err != nil {
		return result, err
	}
	latencies := stamps.Latencies()
	return Round{
		Operations: count,
		Elapsed:    elapsed,
		P50:        Percentile(latencies, 0.50),
		P99:        Percentile(latencies, 0.99),
		Mallocs:    after.Mallocs - before.Mallocs,
		Bytes:      after.TotalAlloc - before.TotalAlloc,
	}, nil
}

// summarize sets the medians from the rounds.
func (m *Measurement) summarize() {
	var speeds, allocs, bytes []float64
	var p50s, p99s []time.Duration
	for _, round := range m.Rounds {
		speeds = append(speeds, round.OpsPerSecond())
		allocs = append(allocs, float64(round.Mallocs)/float64(round.Operations))
		bytes = append(bytes, float64(round.Bytes)/float64(round.Operations))
		p50s = append(p50s, round.P50)
		p99s = append(p99s, round.P99)
	}
	m.OpsPerSecond, m.AllocsPerOp, m.BytesPerOp = median(speeds), median(allocs), median(bytes)
	m.P50, m.P99 = median(p50s), median(p99s)
}

// median returns the middle value (the mean of the two middle ones for
// an even count), 0 for none.
func median[T time.Duration | float64](values []T) T {
	if len(values) == 0 {
		return 0
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	middle := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[middle]
	}
	return (sorted[middle-1] + sorted[middle]) / 2
}
