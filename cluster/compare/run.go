package compare

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// Options configure Run. Zero fields take the defaults.
type Options struct {
	// Operations is how many commands each implementation commits in each
	// workload, spread over the rounds (default 2000).
	Operations int
	// Rounds is how many turns each implementation takes per workload
	// (default 4). A turn starts a fresh cluster; only its commands are
	// measured.
	Rounds int
	// Pipeline is how many commands the pipelined workload keeps in
	// flight (default DefaultPipeline).
	Pipeline int
	// Seed seeds raftctl's cluster; the others draw their own randomness.
	Seed uint64
}

func (o Options) withDefaults() (Options, error) {
	if o.Operations < 0 || o.Rounds < 0 || o.Pipeline < 0 {
		return o, fmt.Errorf("options %+v: want operations, rounds and pipeline of 0 (the default) or more", o)
	}
	if o.Operations == 0 {
		o.Operations = 2000
	}
	if o.Rounds == 0 {
		o.Rounds = 4
	}
	if o.Pipeline == 0 {
		o.Pipeline = DefaultPipeline
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Rounds > o.Operations {
		return o, fmt.Errorf("%d rounds of %d operations: want at least one operation per round", o.Rounds, o.Operations)
	}
	return o, nil
}

// Result is what one implementation did in one workload, over all rounds.
type Result struct {
	Workload       string
	Implementation string
	// Operations is the number of commands committed and applied on the
	// leader; Elapsed the wall time they took, start-up excluded.
	Operations int
	Elapsed    time.Duration
	// Mallocs and Bytes are the heap allocations of the whole process
	// while the commands ran (runtime.MemStats deltas).
	Mallocs, Bytes uint64
}

// OpsPerSecond is committed commands per wall-clock second.
func (r Result) OpsPerSecond() float64 { return float64(r.Operations) / r.Elapsed.Seconds() }

// AllocsPerOp is heap allocations per command.
func (r Result) AllocsPerOp() float64 { return float64(r.Mallocs) / float64(r.Operations) }

// BytesPerOp is heap bytes allocated per command.
func (r Result) BytesPerOp() float64 { return float64(r.Bytes) / float64(r.Operations) }

// Ratio is raftctl divided by another implementation, in one workload.
type Ratio struct {
	Workload string
	Against  string
	// Speed is raftctl's ops/s over theirs: above 1, raftctl is faster.
	Speed float64
	// Allocs and Bytes are raftctl's allocations and bytes per command
	// over theirs: below 1, raftctl allocates less.
	Allocs, Bytes float64
}

// Report is the outcome of Run.
type Report struct {
	Options Options
	// Results has one entry per workload and implementation, workload by
	// workload, implementations in the order of Implementations.
	Results []Result
	// Ratios has raftctl against each other implementation, per workload.
	Ratios []Ratio
}

// Result returns the result of one implementation in one workload.
func (r Report) Result(workload, implementation string) (Result, bool) {
	for _, result := range r.Results {
		if result.Workload == workload && result.Implementation == implementation {
			return result, true
		}
	}
	return Result{}, false
}

// Run commits options.Operations commands per workload on each
// implementation, the implementations taking turns in rounds (raftctl,
// hashicorp, etcd, raftctl, ...) so that they share the machine's noise,
// and reports the figures and raftctl's ratios against the others.
func Run(options Options) (Report, error) {
	options, err := options.withDefaults()
	if err != nil {
		return Report{}, err
	}
	report := Report{Options: options}
	for _, workload := range Workloads(options.Pipeline) {
		results := make([]Result, len(Implementations))
		for round := range options.Rounds {
			count := options.Operations*(round+1)/options.Rounds - options.Operations*round/options.Rounds
			for i, implementation := range Implementations {
				results[i].Workload, results[i].Implementation = workload.Name, implementation
				if err := measure(&results[i], workload, count, options.Seed+uint64(round)); err != nil {
					return report, fmt.Errorf("%s, %s, round %d: %w", workload.Name, implementation, round+1, err)
				}
			}
		}
		report.Results = append(report.Results, results...)
	}
	report.Ratios = ratios(report.Results)
	return report, nil
}

// measure starts a cluster, times count commands on it, checks that the
// leader applied them all, and adds the figures to result.
func measure(result *Result, workload Workload, count int, seed uint64) (err error) {
	s, err := start(result.Implementation, seed)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := s.close(); err == nil {
			err = closeErr
		}
	}()
	// A clean heap for every turn, as testing.B does before a benchmark.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	began := time.Now()
	err = s.commit(count, workload.InFlight)
	elapsed := time.Since(began)
	runtime.ReadMemStats(&after)
	if err != nil {
		return err
	}
	if err := verify(s); err != nil {
		return err
	}
	result.Operations += count
	result.Elapsed += elapsed
	result.Mallocs += after.Mallocs - before.Mallocs
	result.Bytes += after.TotalAlloc - before.TotalAlloc
	return nil
}

// ratios divides raftctl's figures by each other implementation's.
func ratios(results []Result) []Ratio {
	var ratios []Ratio
	for _, ours := range results {
		if ours.Implementation != Raftctl {
			continue
		}
		for _, theirs := range results {
			if theirs.Workload != ours.Workload || theirs.Implementation == Raftctl {
				continue
			}
			ratios = append(ratios, Ratio{
				Workload: ours.Workload,
				Against:  theirs.Implementation,
				Speed:    ours.OpsPerSecond() / theirs.OpsPerSecond(),
				Allocs:   ours.AllocsPerOp() / theirs.AllocsPerOp(),
				Bytes:    ours.BytesPerOp() / theirs.BytesPerOp(),
			})
		}
	}
	return ratios
}

// Write prints the report as two aligned tables: the figures, then the
// ratios.
func (r Report) Write(w io.Writer) error {
	figures := [][]string{{"workload", "implementation", "ops/s", "allocs/op", "B/op"}}
	for _, result := range r.Results {
		figures = append(figures, []string{result.Workload, result.Implementation,
			fmt.Sprintf("%.0f", result.OpsPerSecond()), fmt.Sprintf("%.1f", result.AllocsPerOp()), fmt.Sprintf("%.0f", result.BytesPerOp())})
	}
	ratios := [][]string{{"workload", "against", "speed", "allocs", "bytes"}}
	for _, ratio := range r.Ratios {
		ratios = append(ratios, []string{ratio.Workload, ratio.Against, times(ratio.Speed), times(ratio.Allocs), times(ratio.Bytes)})
	}
	var text strings.Builder
	fmt.Fprintf(&text, "%d commands per implementation and workload, in %d rounds; pipelined: %d in flight\n\n",
		r.Options.Operations, r.Options.Rounds, r.Options.Pipeline)
	writeTable(&text, figures)
	text.WriteString("\nraftctl ÷ other: speed above 1, raftctl is faster; allocs and bytes below 1, it allocates less\n\n")
	writeTable(&text, ratios)
	_, err := io.WriteString(w, text.String())
	return err
}

// writeTable writes rows as columns two spaces apart: the first two
// columns (names) aligned left, the others (numbers) aligned right.
func writeTable(text *strings.Builder, rows [][]string) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				text.WriteString("  ")
			}
			if i < 2 {
				text.WriteString(cell + pad)
			} else {
				text.WriteString(pad + cell)
			}
		}
		text.WriteString("\n")
	}
}

// times formats a ratio as "2.50x", or "-" when it is not a number.
func times(ratio float64) string {
	if math.IsNaN(ratio) || math.IsInf(ratio, 0) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", ratio)
}
