package repl

import (
	"fmt"
	"os"
	"strings"
	"time"

	"raftctl/check"
	"raftctl/cluster"
)

// traceLevel says which records scroll by.
type traceLevel uint8

const (
	traceOff traceLevel = iota
	// traceState: role, term and commit changes, faults, violations,
	// client results.
	traceState
	// traceRPC: plus votes, appends and messages other than heartbeats.
	traceRPC
	// traceAll: plus heartbeats, deliveries, applies and timers.
	traceAll
)

var traceLevelNames = []string{"off", "state", "rpc", "all"}

// eventsKept is the size of the ring behind `events`.
const eventsKept = 50

// eventRing keeps the last lines at the rpc level, in a circle of
// eventsKept slots. A record that was not shown as it happened is kept as
// it is and rendered only if `events` asks for it: most are pushed out
// unread, and rendering them all was most of a session's time.
type eventRing struct {
	slots [eventsKept]eventSlot
	// next is the slot the next line goes to; count how many are used.
	next, count int
}

// eventSlot is a rendered line, or a record to render (pending).
type eventSlot struct {
	line    string
	record  cluster.Record
	pending bool
}

func (ring *eventRing) add(line string) {
	ring.put(eventSlot{line: line})
}

// addRecord keeps a record whose line is not needed yet. Only records
// that render the same later (not the core's events, recordLevel) and
// always to a line may be kept so.
func (ring *eventRing) addRecord(record cluster.Record) {
	ring.put(eventSlot{record: record, pending: true})
}

func (ring *eventRing) put(slot eventSlot) {
	ring.slots[ring.next] = slot
	ring.next = (ring.next + 1) % eventsKept
	ring.count = min(ring.count+1, eventsKept)
}

// lines returns the kept lines, oldest first, rendering the pending ones
// with r.
func (ring *eventRing) lines(r *renderer) []string {
	lines := make([]string, 0, ring.count)
	for i := range ring.count {
		slot := &ring.slots[(ring.next-ring.count+i+eventsKept)%eventsKept]
		if slot.pending {
			slot.line, _, _ = r.render(slot.record)
			slot.record, slot.pending = cluster.Record{}, false
		}
		lines = append(lines, slot.line)
	}
	return lines
}

func observationCommands() []Command {
	return []Command{
		{
			Name: "trace", Usage: "trace off|state|rpc|all", Group: groupObservation,
			Summary:   "What scrolls by: state = role/term/commit changes and faults; rpc = plus votes, appends, messages and client requests; all = plus heartbeats, deliveries, applies, timers.",
			Example:   "trace rpc",
			Arguments: []Argument{{Kind: ArgumentWords, Words: traceLevelNames}},
			Run:       runTrace,
		},
		{
			Name: "events", Usage: "events [N]", Group: groupObservation,
			Summary: fmt.Sprintf("The last N events at the rpc level, whatever the trace level (a ring of %d).", eventsKept),
			Example: "events 10",
			Run:     runEvents,
		},
		{
			Name: "set", Usage: "set [OPTION VALUE]", Group: groupObservation,
			Summary:   "Without arguments, list options and values; otherwise change one option for every node (" + strings.Join(optionNames(), ", ") + ").",
			Example:   "set hint off",
			Arguments: []Argument{{Kind: ArgumentSetting}},
			Run:       runSet,
		},
		{
			Name: "check", Usage: "check [--html FILE]", Group: groupObservation, Section: "§3.2",
			Summary: "The safety properties of thesis Figure 3.2, checked after every event, and linearizability of this session's client history (§6.3, porcupine): " +
				"OK lines, or error: lines naming the property and the evidence. --html FILE writes the history's visualization.",
			Example:   "check --html history.html",
			Arguments: []Argument{{Kind: ArgumentWords, Words: []string{"--html"}}},
			Run:       runCheck,
		},
		{
			Name: "help", Usage: "help [COMMAND]", Group: groupObservation,
			Summary:   "Command list, or one command's usage, meaning, thesis section and example.",
			Example:   "help partition",
			Arguments: []Argument{{Kind: ArgumentCommand}},
			Run:       runHelp,
		},
	}
}

func runTrace(s *Session, arguments []string) error {
	if len(arguments) == 0 {
		s.rendering.Lock()
		level := s.level
		s.rendering.Unlock()
		s.printf("  trace %s", traceLevelNames[level])
		return nil
	}
	if len(arguments) > 1 {
		return usageError("trace")
	}
	for level, name := range traceLevelNames {
		if name == arguments[0] {
			s.rendering.Lock()
			s.level = traceLevel(level)
			s.rendering.Unlock()
			return nil
		}
	}
	return invalid("trace level %q: want off, state, rpc or all, e.g. trace rpc", arguments[0])
}

func runEvents(s *Session, arguments []string) error {
	count := eventsKept
	if len(arguments) > 1 {
		return usageError("events")
	}
	if len(arguments) == 1 {
		var err error
		if count, err = parseCount(arguments[0], "event count", eventsKept); err != nil {
			return err
		}
	}
	s.rendering.Lock()
	lines := s.events.lines(s.renderer)
	s.rendering.Unlock()
	if len(lines) == 0 {
		s.println("  no events yet")
		return nil
	}
	for _, line := range lines[max(0, len(lines)-count):] {
		s.println(line)
	}
	return nil
}

func runSet(s *Session, arguments []string) error {
	settings := s.cluster.Settings()
	if len(arguments) == 0 {
		for _, line := range describeSettings(settings) {
			s.println(line)
		}
		return nil
	}
	words := arguments
	if len(arguments) == 2 {
		words = []string{arguments[0] + "=" + arguments[1]}
	} else if len(arguments) != 1 || !strings.Contains(arguments[0], "=") {
		return invalid("usage: set OPTION VALUE, e.g. set prevote off (options: %s)", strings.Join(optionNames(), " "))
	}
	if err := s.applyOptions(&settings, words); err != nil {
		return err
	}
	if err := s.cluster.SetSettings(settings); err != nil {
		return err
	}
	s.rendering.Lock()
	s.renderer.electionMinimum = settings.ElectionMin
	s.rendering.Unlock()
	key, _, _ := strings.Cut(words[0], "=")
	option, _ := findOption(key)
	s.printf("  %s %s", key, option.show(settings))
	return nil
}

func runCheck(s *Session, arguments []string) error {
	htmlPath := ""
	switch {
	case len(arguments) == 2 && arguments[0] == "--html":
		htmlPath = arguments[1]
	case len(arguments) != 0:
		return usageError("check")
	}
	violations := s.cluster.Violations()
	broken := map[check.Property]bool{}
	for _, violation := range violations {
		broken[violation.Property] = true
	}
	counts := s.cluster.CheckCounts()
	for _, property := range check.AllProperties() {
		if broken[property] {
			continue
		}
		s.printf("  OK %s (%s): %d checks", property, property.Section(), counts[property])
	}
	result, err := s.cluster.CheckLinearizability(linearizabilityTimeout)
	if err == nil {
		err = result.Err()
	}
	failed := len(violations) > 0 || err != nil
	if err == nil {
		s.printf("  OK linearizability (§6.3): %d %s on %d %s", result.Operations, plural(result.Operations, "operation"),
			result.Keys, plural(result.Keys, "key"))
	}
	for _, violation := range violations {
		s.println(errorText("error: " + violation.String()))
	}
	if err != nil && result.Err() != nil {
		s.println(errorText("error: " + result.String()))
	} else if err != nil {
		s.println(errorText("error: linearizability: " + err.Error()))
	}
	if htmlPath != "" {
		if err := writeVisualization(htmlPath, result); err != nil {
			s.println(errorText("error: " + err.Error()))
			failed = true
		} else {
			s.printf("  wrote %s (open it in a browser)", htmlPath)
		}
	}
	if failed {
		return &reportedError{}
	}
	return nil
}

// linearizabilityTimeout bounds porcupine's search: past it the answer is
// "inconclusive", never a pass.
const linearizabilityTimeout = 10 * time.Second

// writeVisualization writes porcupine's page for the history.
func writeVisualization(path string, result check.LinearizabilityResult) error {
	file, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cannot write the visualization: %w", err)
	}
	if err := result.WriteVisualization(file); err != nil {
		file.Close()
		return fmt.Errorf("cannot write the visualization to %s: %w", path, err)
	}
	return file.Close()
}

func runHelp(s *Session, arguments []string) error {
	if len(arguments) > 1 {
		return usageError("help")
	}
	if len(arguments) == 1 {
		command, err := lookupCommand(arguments[0])
		if err != nil {
			return err
		}
		s.println("usage: " + command.Usage)
		if len(command.Aliases) > 0 {
			s.println("alias: " + strings.Join(command.Aliases, ", "))
		}
		s.println(command.Summary)
		if s.simulatorOnly(command.Name) {
			s.println("simulator only (a real cluster runs on wall-clock time)" + wallClockAdvice[command.Name])
		}
		if command.Section != "" {
			s.println("thesis: " + command.Section)
		}
		s.println("example: " + command.Example)
		return nil
	}
	for _, group := range groups {
		s.println(group + ":")
		for _, command := range commands {
			if command.Group == group {
				summary := firstSentence(command.Summary)
				if s.simulatorOnly(command.Name) {
					summary = "[simulator only] " + summary
				}
				s.printf("  %-42s %s%s", command.Usage, hangHere, summary)
			}
		}
	}
	s.println("help COMMAND tells more about one command.")
	return nil
}

// simulatorOnly reports whether a command cannot run on this session's
// cluster because it is real (help marks such commands).
func (s *Session) simulatorOnly(name string) bool {
	if _, ok := s.cluster.(cluster.Simulated); ok {
		return false
	}
	_, ok := wallClockAdvice[name]
	return ok || name == "cluster" || name == "reset"
}

// firstSentence cuts a summary at its first sentence.
func firstSentence(text string) string {
	for start := 0; ; {
		i := strings.Index(text[start:], ". ")
		if i < 0 {
			return text
		}
		end := start + i + 1
		// "Fig. 5.3" and "e.g. " do not end a sentence.
		if !strings.HasSuffix(text[:end], "Fig.") && !strings.HasSuffix(text[:end], "e.g.") && !strings.HasSuffix(text[:end], "i.e.") {
			return text[:end]
		}
		start = end
	}
}
