package repl

import (
	"fmt"
	"strconv"
	"strings"

	"raftctl/cluster"
)

// `clock NODE rate=R` (thesis §6.4.1): one node's clock runs fast or slow,
// to break the drift bound a lease assumes.

func clockCommands() []Command {
	return []Command{
		{
			Name: "clock", Usage: "clock NODE [rate=R]", Group: groupFaults, Section: "§6.4.1",
			Summary: "NODE's clock runs at R times real time (1 = correct, 0.5 = half speed, 2 = double); " +
				"a lease assumes clocks drift less than 10%, so a slow leader's lease outlives its leadership. Without rate=, shows the rate.",
			Example:   "clock n1 rate=0.25",
			Arguments: []Argument{{Kind: ArgumentNode}, {Kind: ArgumentWords, Words: []string{"rate=1", "rate=0.5", "rate=0.25", "rate=2"}}},
			Run:       runClock,
		},
	}
}

func runClock(s *Session, arguments []string) error {
	if len(arguments) < 1 || len(arguments) > 2 {
		return usageError("clock")
	}
	id, err := s.parseNode(arguments[0])
	if err != nil {
		return err
	}
	clocks, ok := s.cluster.(cluster.DriftingClocks)
	if !ok {
		return fmt.Errorf("clock needs the simulator: %w (a real node's clock drifts on its own)", cluster.ErrWallClock)
	}
	if len(arguments) == 1 {
		rate, err := clocks.ClockRate(id)
		if err != nil {
			return err
		}
		s.printf("  %v's clock runs at %gx real time", id, rate)
		return nil
	}
	text, found := strings.CutPrefix(arguments[1], "rate=")
	rate, err := strconv.ParseFloat(text, 64)
	if !found || err != nil {
		return invalid("clock %s: want rate=R with R a number, e.g. clock %v rate=0.5", arguments[1], id)
	}
	if err := clocks.SetClockRate(id, rate); err != nil {
		return invalid("%v", err)
	}
	return nil
}
