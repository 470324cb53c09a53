package chaos

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Shrinking is delta debugging (Zeller and Hildebrandt, "Simplifying and
// Isolating Failure-Inducing Input", 2002) over the lines of a failing
// script: remove a chunk of lines, replay, keep the removal when the
// script still fails the same way (Outcome.Signature), and halve the
// chunks when no removal works, down to single lines. The first line
// (the comment) and the second (the cluster and its settings) stay; a
// line that bundles a fault with its check (`kill n1; expect safe`) goes
// as a whole. The result fails with the same signature, and removing any
// one of its lines makes that failure go away (or the replay budget ran
// out first).

// ShrinkOptions bound a shrink.
type ShrinkOptions struct {
	// MaxReplays bounds the replays (0: no bound); the result is then
	// smaller but maybe not minimal.
	MaxReplays int
	// Workers replay candidates in parallel (default GOMAXPROCS); the
	// result does not depend on it.
	Workers int
}

// Shrunk is a shrink's result.
type Shrunk struct {
	Script  []string
	Outcome Outcome
	// Replays is how many candidate scripts a shrink on one worker runs
	// (more workers may run a few more, whose results are not needed).
	Replays int
}

// pinned is how many lines at the top shrinking keeps: the comment and
// the cluster line.
const pinned = 2

// Shrink reduces a failing script, keeping its failure's signature.
func Shrink(script []string, failure Outcome, options ShrinkOptions) (Shrunk, error) {
	shrunk, err := shrink(script, failure, options)
	shrunk.Script = noteShrunk(shrunk.Script, len(upTo(script, failure)))
	return shrunk, err
}

func shrink(script []string, failure Outcome, options ShrinkOptions) (Shrunk, error) {
	workers := options.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	signature := failure.Signature()
	best := Shrunk{Script: upTo(script, failure), Outcome: failure}
	if len(best.Script) <= pinned || failure.Status == StatusStuck {
		// A stuck line costs lineTimeout per replay: not worth it.
		return best, nil
	}
	budget := func() int {
		if options.MaxReplays <= 0 {
			return 1 << 30
		}
		return options.MaxReplays - best.Replays
	}

	// try replays the candidates, in batches of workers, and returns the
	// first (in candidate order) that fails the same way.
	type trial struct {
		outcome Outcome
		err     error
	}
	try := func(candidates [][]string) (int, Outcome, error) {
		for start := 0; start < len(candidates); start += workers {
			batch := candidates[start:min(start+workers, len(candidates))]
			if len(batch) > budget() {
				batch = batch[:budget()]
			}
			if len(batch) == 0 {
				return -1, Outcome{}, nil
			}
			trials := make([]trial, len(batch))
			var wait sync.WaitGroup
			for i, candidate := range batch {
				wait.Add(1)
				go func() {
					defer wait.Done()
					outcome, err := Replay(candidate)
					trials[i] = trial{outcome, err}
				}()
			}
			wait.Wait()
			for i, trial := range trials {
				best.Replays++
				if trial.err != nil {
					return -1, Outcome{}, trial.err
				}
				if trial.outcome.Signature() == signature {
					return start + i, trial.outcome, nil
				}
			}
		}
		return -1, Outcome{}, nil
	}

	chunks := 2
	for budget() > 0 {
		body := best.Script[pinned:]
		if len(body) == 0 {
			break
		}
		chunks = min(chunks, len(body))
		size := (len(body) + chunks - 1) / chunks
		var candidates [][]string
		for start := 0; start < len(body); start += size {
			candidate := append([]string(nil), best.Script[:pinned]...)
			candidate = append(candidate, body[:start]...)
			candidate = append(candidate, body[min(start+size, len(body)):]...)
			candidates = append(candidates, candidate)
		}
		index, outcome, err := try(candidates)
		if err != nil {
			return best, err
		}
		if index >= 0 {
			best.Script, best.Outcome = upTo(candidates[index], outcome), outcome
			chunks = max(chunks-1, 2)
			continue
		}
		if size > 1 {
			chunks = min(chunks*2, len(body))
			continue
		}
		// 1-minimal: no single line can go. Try keeping only the check of
		// a fault line (`kill n3; expect safe` becomes `expect safe`).
		var simpler [][]string
		for i, line := range best.Script {
			if i >= pinned && strings.HasSuffix(line, checkSuffix) {
				candidate := slices.Clone(best.Script)
				candidate[i] = strings.TrimPrefix(checkSuffix, "; ")
				simpler = append(simpler, candidate)
			}
		}
		index, outcome, err = try(simpler)
		if err != nil {
			return best, err
		}
		if index < 0 {
			break
		}
		best.Script, best.Outcome = upTo(simpler[index], outcome), outcome
		chunks = 2
	}
	return best, nil
}

// checkSuffix ends every fault line the generator writes.
const checkSuffix = "; expect safe"

// upTo cuts a failing script after its failing line: the rest never ran.
func upTo(script []string, outcome Outcome) []string {
	if outcome.Line > 0 && outcome.Line < len(script) {
		return script[:outcome.Line]
	}
	return script
}

// noteShrunk says in the script's comment line what it was shrunk from.
func noteShrunk(script []string, from int) []string {
	if len(script) == 0 || !strings.HasPrefix(script[0], "#") {
		return script
	}
	script = slices.Clone(script)
	comment, replay, found := strings.Cut(script[0], " (replay:")
	script[0] = fmt.Sprintf("%s, shrunk from %d lines", comment, from)
	if found {
		script[0] += " (replay:" + replay
	}
	return script
}
