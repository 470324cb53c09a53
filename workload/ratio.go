package workload

import (
	"slices"
	"time"
)

// Quantity is what a Comparison divides.
type Quantity string

const (
	// Throughput: Of's ops/s over Over's.
	Throughput Quantity = "throughput"
	// P99: Over's 99th percentile latency over Of's.
	P99 Quantity = "p99"
)

// Comparison asks for the ratio of one target to another at every load
// both were measured at. Either way round, above 1 means Of is better.
type Comparison struct {
	Of, Over string
	Quantity Quantity
	// Goal, when above 0, is the ratio Of should reach, at the loads in
	// GoalInFlight (every load when empty).
	Goal         float64
	GoalInFlight []int
}

// Ratio is one comparison at one load: the median of the rounds' ratios,
// round i of Of against round i of Over.
type Ratio struct {
	Of       string   `json:"of"`
	Over     string   `json:"over"`
	Quantity Quantity `json:"quantity"`
	InFlight int      `json:"in_flight"`
	Value    float64  `json:"value"`
	// Goal is 0 when the comparison sets none at this load.
	Goal float64 `json:"goal,omitempty"`
}

// Met reports whether the ratio reaches its goal (true when it has none).
func (r Ratio) Met() bool { return r.Value >= r.Goal }

func (c Comparison) ratios(report *Report) []Ratio {
	var ratios []Ratio
	for _, load := range report.InFlight {
		of, ok := report.Measurement(c.Of, load)
		over, found := report.Measurement(c.Over, load)
		if !ok || !found {
			continue
		}
		var values []float64
		for i := range min(len(of.Rounds), len(over.Rounds)) {
			values = append(values, c.divide(of.Rounds[i], over.Rounds[i]))
		}
		ratio := Ratio{Of: c.Of, Over: c.Over, Quantity: c.quantity(), InFlight: load, Value: median(values)}
		if c.Goal > 0 && (len(c.GoalInFlight) == 0 || slices.Contains(c.GoalInFlight, load)) {
			ratio.Goal = c.Goal
		}
		ratios = append(ratios, ratio)
	}
	return ratios
}

func (c Comparison) quantity() Quantity {
	if c.Quantity == "" {
		return Throughput
	}
	return c.Quantity
}

func (c Comparison) divide(of, over Round) float64 {
	if c.quantity() == P99 {
		return seconds(over.P99) / seconds(of.P99)
	}
	return of.OpsPerSecond() / over.OpsPerSecond()
}

func seconds(d time.Duration) float64 { return d.Seconds() }
