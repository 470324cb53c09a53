package repl

import (
	"errors"
	"strings"
	"time"

	"raftctl/cluster"
)

// errNeedsLivePacing answers the commands of live pacing, which only the
// interactive terminal will have.
func errNeedsLivePacing(command string) error {
	return errors.New(command + " needs live pacing (the interactive terminal); here time moves only with tick, sleep, wait, stabilize and client commands")
}

func timeCommands() []Command {
	live := func(name, usage, summary, example string) Command {
		return Command{
			Name: name, Usage: usage, Group: groupCluster, Summary: summary, Example: example,
			Run: func(s *Session, arguments []string) error { return errNeedsLivePacing(name) },
		}
	}
	return []Command{
		{
			Name: "tick", Usage: "tick [N]", Group: groupCluster, Section: "§3.4",
			Summary: "Advance the virtual clock by N ticks (default 1).",
			Example: "tick 30",
			Run:     runTick,
		},
		{
			Name: "sleep", Usage: "sleep DURATION", Group: groupCluster, Section: "§3.4",
			Summary: "Advance the virtual clock by DURATION.",
			Example: "sleep 500ms",
			Run:     runSleep,
		},
		{
			Name: "stabilize", Usage: "stabilize", Group: groupCluster, Section: "§3.5",
			Summary: "Deliver in-flight messages, and the messages they cause, until the network is quiet; timers do not advance.",
			Example: "stabilize",
			Run:     runStabilize,
		},
		{
			Name: "campaign", Usage: "campaign NODE", Group: groupCluster, Section: "§3.4",
			Summary:   "Fire NODE's election timer now.",
			Example:   "campaign n1",
			Arguments: []Argument{{Kind: ArgumentNode}},
			Run:       runCampaign,
		},
		{
			Name: "wait", Usage: "wait COND [timeout=D]", Group: groupCluster, Section: "§3.4",
			Summary:   "Advance time until COND holds (leader [NODE], role, term, committed, up, down); fails on timeout (default 10s).",
			Example:   "wait leader timeout=5s",
			Arguments: []Argument{{Kind: ArgumentCondition}},
			Run:       runWait,
		},
		live("pause", "pause", "Live pacing: freeze the clock (interactive terminal only).", "pause"),
		live("resume", "resume", "Live pacing: unfreeze the clock (interactive terminal only).", "resume"),
		live("speed", "speed X", "Live pacing: scale time, speed 0.1 is slow motion (interactive terminal only).", "speed 0.1"),
	}
}

func runTick(s *Session, arguments []string) error {
	if len(arguments) > 1 {
		return usageError("tick")
	}
	tick := s.cluster.Settings().Tick
	count := 1
	if len(arguments) == 1 {
		var err error
		if count, err = parseCount(arguments[0], "tick count", int(s.maximumAdvance/tick)); err != nil {
			return err
		}
	}
	s.cluster.Tick(count)
	return nil
}

func runSleep(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return usageError("sleep")
	}
	duration, err := s.parseDuration(arguments[0])
	if err != nil {
		return err
	}
	s.cluster.Advance(duration)
	return nil
}

func runStabilize(s *Session, arguments []string) error {
	if err := noArguments("stabilize", arguments); err != nil {
		return err
	}
	delivered, err := s.cluster.Stabilize()
	if err != nil {
		return err
	}
	s.printf("  delivered %d %s", delivered, plural(delivered, "message"))
	return nil
}

func runCampaign(s *Session, arguments []string) error {
	if len(arguments) != 1 {
		return usageError("campaign")
	}
	id, err := s.parseNode(arguments[0])
	if err != nil {
		return err
	}
	if err := s.cluster.Campaign(id); err != nil {
		return describeNodeError(err)
	}
	return nil
}

func runWait(s *Session, arguments []string) error {
	timeout := min(defaultWaitTimeout, s.maximumAdvance)
	var words []string
	for _, word := range arguments {
		if value, found := strings.CutPrefix(word, "timeout="); found {
			var err error
			if timeout, err = s.parseDuration(value); err != nil {
				return err
			}
			continue
		}
		words = append(words, word)
	}
	condition, err := s.parseCondition(words, true)
	if err != nil {
		return err
	}
	start := s.cluster.Now()
	var found string
	held := s.cluster.RunUntil(func(view cluster.View) bool {
		var ok bool
		ok, found = condition.holds(view.Status())
		return ok
	}, timeout)
	if !held {
		return failed("wait %s: timed out after %v: found %s", condition.text, timeout, found)
	}
	s.printf("  %s after %v", condition.text, roundDuration(s.cluster.Now()-start))
	return nil
}

// roundDuration drops noise below a microsecond.
func roundDuration(duration time.Duration) time.Duration { return duration.Round(time.Microsecond) }

// describeNodeError turns a cluster error about a node's state into advice.
func describeNodeError(err error) error {
	switch {
	case errors.Is(err, cluster.ErrNodeDown):
		return errors.New(strings.TrimSuffix(err.Error(), ": node is down") + " is down (restart it first)")
	case errors.Is(err, cluster.ErrNodeUp):
		return errors.New(strings.TrimSuffix(err.Error(), ": node is running (kill it first)") + " is running: kill it first, then restart it")
	}
	return err
}
