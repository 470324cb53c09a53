package chaos

import (
	"runtime"
	"sync"
	"time"
)

// Campaign runs many seeds.
type Campaign struct {
	Options
	// FirstSeed is the first seed (default 1); Seeds how many to run.
	FirstSeed uint64
	Seeds     int
	// Workers run seeds in parallel (default GOMAXPROCS); the results do
	// not depend on it.
	Workers int
	// Progress, when set, is called after each seed with how many have
	// finished, from the goroutine that called Run.
	Progress func(done, total int)
}

// Summary adds up the seeds of a campaign, up to and including the first
// failing one.
type Summary struct {
	Nodes        int
	Seeds        int
	Operations   int
	Acknowledged int
	Faults       int
	Elections    int
	Violations   int
	Elapsed      time.Duration
	// Failure is the lowest failing seed's result, nil when all passed.
	Failure *Result
}

// SeedsPerSecond is the campaign's speed.
func (s Summary) SeedsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Seeds) / s.Elapsed.Seconds()
}

// Run runs the seeds and stops at the first failure: the lowest failing
// seed, whatever the number of workers.
func (c Campaign) Run() (Summary, error) {
	options, err := c.Options.normalize()
	if err != nil {
		return Summary{}, err
	}
	first := max(c.FirstSeed, 1)
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(min(workers, c.Seeds), 1)
	start := time.Now()

	type outcome struct {
		result Result
		err    error
	}
	var (
		mu sync.Mutex
		// limit: no seed at or past it starts (the lowest failure so far).
		limit = first + uint64(c.Seeds)
		next  = first
	)
	take := func() (uint64, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next >= limit {
			return 0, false
		}
		seed := next
		next++
		return seed, true
	}
	results := make(chan outcome)
	var wait sync.WaitGroup
	for range workers {
		wait.Add(1)
		go func() {
			defer wait.Done()
			for {
				seed, ok := take()
				if !ok {
					return
				}
				result, err := Run(options, seed)
				if err == nil && result.Outcome.Failed() {
					mu.Lock()
					limit = min(limit, seed+1)
					mu.Unlock()
				}
				results <- outcome{result, err}
			}
		}()
	}
	go func() {
		wait.Wait()
		close(results)
	}()

	byseed := map[uint64]Result{}
	var failure error
	done := 0
	for outcome := range results {
		done++
		if c.Progress != nil {
			c.Progress(done, c.Seeds)
		}
		if outcome.err != nil && failure == nil {
			failure = outcome.err
		}
		byseed[outcome.result.Seed] = outcome.result
	}
	if failure != nil {
		return Summary{}, failure
	}

	summary := Summary{Nodes: options.Nodes, Elapsed: time.Since(start)}
	for seed := first; seed < first+uint64(c.Seeds); seed++ {
		result, ok := byseed[seed]
		if !ok {
			break
		}
		summary.Seeds++
		summary.Operations += result.Operations
		summary.Acknowledged += result.Acknowledged
		summary.Faults += result.Faults
		summary.Elections += result.Elections
		if result.Outcome.Failed() {
			summary.Violations++
			summary.Failure = &result
			break
		}
	}
	return summary, nil
}
