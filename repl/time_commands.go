package repl

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"raftctl/cluster"
)

// describeLiveError explains the live-pacing commands in a script.
func describeLiveError(command string, err error) error {
	if errors.Is(err, cluster.ErrNotLive) {
		return errors.New(command + " needs live pacing (the interactive terminal); here time moves only with tick, sleep, wait, stabilize and client commands")
	}
	return err
}

func timeCommands() []Command {
	return []Command{
		{
			Name: "tick", Usage: "tick [N]", Group: groupCluster, Section: "§3.4",
			Summary: "Advance the virtual clock by N ticks (default 1).",
			Example: "tick 30",
			Run:     runTick,
		},
		{
			Name: "sleep", Usage: "sleep DURATION", Group: groupCluster, Section: "§3.4",
			Summary: "Advance the virtual clock by DURATION (under live pacing: wait until it has moved that far).",
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
		{
			Name: "pause", Usage: "pause", Group: groupCluster,
			Summary: "Live pacing: freeze the clock; tick and sleep still move it by hand (interactive terminal only).",
			Example: "pause",
			Run:     runPause,
		},
		{
			Name: "resume", Usage: "resume", Group: groupCluster,
			Summary: "Live pacing: unfreeze the clock (interactive terminal only).",
			Example: "resume",
			Run:     runResume,
		},
		{
			Name: "speed", Usage: "speed [X]", Group: groupCluster,
			Summary: "Live pacing: show or scale the speed of time, speed 0.1 is slow motion, 1 real time (interactive terminal only).",
			Example: "speed 0.1",
			Run:     runSpeed,
		},
	}
}

func runTick(s *Session, arguments []string) error {
	if len(arguments) > 1 {
		return usageError("tick")
	}
	simulated, err := s.simulated("tick")
	if err != nil {
		return err
	}
	tick := simulated.Settings().Tick
	count := 1
	if len(arguments) == 1 {
		var err error
		if count, err = parseCount(arguments[0], "tick count", int(s.maximumAdvance/tick)); err != nil {
			return err
		}
	}
	simulated.Tick(count)
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
	simulated, isSimulated := s.cluster.(cluster.Simulated)
	if !isSimulated {
		// A real cluster: wait for real.
		if duration >= time.Second {
			s.printf("  sleeping %v (Ctrl-C stops)", duration)
		}
		s.cluster.WaitFor(func([]cluster.NodeStatus) bool { return false }, duration)
		return nil
	}
	if on, _, _ := simulated.Live(); on {
		if duration >= time.Second {
			s.printf("  sleeping %v of cluster time (Ctrl-C stops)", duration)
		}
		s.sleepLive(simulated, duration)
		return nil
	}
	simulated.Advance(duration)
	return nil
}

func runStabilize(s *Session, arguments []string) error {
	if err := noArguments("stabilize", arguments); err != nil {
		return err
	}
	simulated, err := s.simulated("stabilize")
	if err != nil {
		return err
	}
	delivered, err := simulated.Stabilize()
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
	held := s.cluster.WaitFor(func(statuses []cluster.NodeStatus) bool {
		var ok bool
		ok, found = condition.holds(statuses)
		return ok
	}, timeout)
	if !held && s.interrupted.Load() {
		return nil // exec reports the interrupt
	}
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

func runPause(s *Session, arguments []string) error {
	if err := noArguments("pause", arguments); err != nil {
		return err
	}
	simulated, err := s.simulated("pause")
	if err != nil {
		return err
	}
	if err := simulated.Pause(); err != nil {
		return describeLiveError("pause", err)
	}
	s.printf("  paused at %s: tick and sleep move time by hand, resume goes on", formatTime(s.cluster.Now()))
	return nil
}

func runResume(s *Session, arguments []string) error {
	if err := noArguments("resume", arguments); err != nil {
		return err
	}
	simulated, err := s.simulated("resume")
	if err != nil {
		return err
	}
	if err := simulated.Resume(); err != nil {
		return describeLiveError("resume", err)
	}
	_, speed, _ := simulated.Live()
	s.printf("  running at speed %g", speed)
	return nil
}

func runSpeed(s *Session, arguments []string) error {
	if len(arguments) > 1 {
		return usageError("speed")
	}
	simulated, err := s.simulated("speed")
	if err != nil {
		return err
	}
	on, speed, paused := simulated.Live()
	if !on {
		return describeLiveError("speed", cluster.ErrNotLive)
	}
	if len(arguments) == 1 {
		value, err := strconv.ParseFloat(arguments[0], 64)
		if err != nil || value < minimumSpeed || value > maximumSpeed || math.IsNaN(value) {
			return invalid("speed %q: want a number from %g to %g, e.g. speed 0.1 (slow motion) or speed 1 (real time)", arguments[0], minimumSpeed, maximumSpeed)
		}
		if err := simulated.SetSpeed(value); err != nil {
			return err
		}
		speed = value
	}
	state := ""
	if paused {
		state = " (paused)"
	}
	s.printf("  speed %g%s", speed, state)
	return nil
}

// The range of speed: slower than a thousandth stops the clock for a
// learner; faster than 100 outruns the pacer's 5 ms steps.
const (
	minimumSpeed = 0.001
	maximumSpeed = 100.0
)

// sleepLive waits, under live pacing, until the virtual clock has moved by
// duration, moving it itself in small steps at the live speed (the pacer is
// held while a command runs); a paused clock is moved at once.
func (s *Session) sleepLive(simulated cluster.Simulated, duration time.Duration) {
	const stepWall = 5 * time.Millisecond
	target := simulated.Now() + duration
	for !s.interrupted.Load() {
		_, speed, paused := simulated.Live()
		now := simulated.Now()
		if now >= target {
			return
		}
		if paused {
			simulated.Advance(target - now)
			return
		}
		step := min(target-now, time.Duration(float64(stepWall)*speed))
		time.Sleep(time.Duration(float64(step) / speed))
		simulated.Advance(step)
	}
}
