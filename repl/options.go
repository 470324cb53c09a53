package repl

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"raftctl/cluster"
	"raftctl/raft"
)

// option is one setting of `set` and `cluster N opt=value`.
type option struct {
	name    string
	section string
	meaning string
	// values are offered by completion.
	values []string
	apply  func(s *Session, settings *cluster.Settings, value string) error
	show   func(settings cluster.Settings) string
}

func switchOption(name, section, meaning string, field func(*cluster.Settings) *bool) option {
	return option{
		name: name, section: section, meaning: meaning, values: []string{"on", "off"},
		apply: func(_ *Session, settings *cluster.Settings, value string) error {
			on, err := parseSwitch(name, value)
			*field(settings) = on
			return err
		},
		show: func(settings cluster.Settings) string { return onOff(*field(&settings)) },
	}
}

func durationOption(name, section, meaning, example string, field func(*cluster.Settings) *time.Duration) option {
	return option{
		name: name, section: section, meaning: meaning, values: []string{example},
		apply: func(s *Session, settings *cluster.Settings, value string) error {
			duration, err := s.parseDuration(value)
			*field(settings) = duration
			return err
		},
		show: func(settings cluster.Settings) string { return field(&settings).String() },
	}
}

func countOption(name, section, meaning string, field func(*cluster.Settings) *int) option {
	return option{
		name: name, section: section, meaning: meaning, values: []string{"1", "8", "64"},
		apply: func(_ *Session, settings *cluster.Settings, value string) error {
			count, err := parseCount(value, name, 1<<20)
			*field(settings) = count
			return err
		},
		show: func(settings cluster.Settings) string { return strconv.Itoa(*field(&settings)) },
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

var options = []option{
	switchOption("prevote", "§9.6", "ask for votes before raising the term", func(s *cluster.Settings) *bool { return &s.PreVote }),
	switchOption("checkquorum", "§6.2", "a leader steps down when it stops hearing a majority", func(s *cluster.Settings) *bool { return &s.CheckQuorum }),
	switchOption("noop", "§6.4", "a new leader appends a no-op entry", func(s *cluster.Settings) *bool { return &s.LeaderNoop }),
	switchOption("hint", "§3.5", "rejections carry conflict hints for fast log repair", func(s *cluster.Settings) *bool { return &s.ConflictHint }),
	switchOption("stickiness", "§4.2.3", "followers ignore candidates, and do not campaign, while they hear a leader (leases need it, §6.4.1)", func(s *cluster.Settings) *bool { return &s.Stickiness }),
	{
		name: "election", section: "§3.4", meaning: "election timeout range", values: []string{"150ms-300ms"},
		apply: func(s *Session, settings *cluster.Settings, value string) error {
			low, high, err := s.parseDurationRange(value)
			settings.ElectionMin, settings.ElectionMax = low, high
			return err
		},
		show: func(settings cluster.Settings) string {
			return settings.ElectionMin.String() + "-" + settings.ElectionMax.String()
		},
	},
	durationOption("heartbeat", "§3.4", "leader heartbeat interval", "50ms", func(s *cluster.Settings) *time.Duration { return &s.Heartbeat }),
	durationOption("client-timeout", "§6.3", "how long a client request may take", "3s", func(s *cluster.Settings) *time.Duration { return &s.ClientTimeout }),
	durationOption("tick", "", "virtual time per core tick (only with cluster)", "10ms", func(s *cluster.Settings) *time.Duration { return &s.Tick }),
	{
		name: "sync", section: "§3.8", meaning: "always: writes are durable before messages leave; lazy: the disk acknowledges from its cache and a kill loses the last second of writes",
		values: []string{"always", "lazy"},
		apply: func(_ *Session, settings *cluster.Settings, value string) error {
			switch value {
			case "always", "lazy":
				settings.LazySync = value == "lazy"
				return nil
			}
			return invalid("sync %q: want always or lazy, e.g. set sync lazy", value)
		},
		show: func(settings cluster.Settings) string {
			if settings.LazySync {
				return "lazy"
			}
			return "always"
		},
	},
	countOption("inflight", "§10.2.2", "AppendEntries in flight per follower", func(s *cluster.Settings) *int { return &s.MaxInflight }),
	countOption("batch", "§10.2.2", "entries per AppendEntries", func(s *cluster.Settings) *int { return &s.MaxEntriesPerMessage }),
	{
		name: "bug", section: "§3.6.2", meaning: "teaching bugs: NAME, NAME=on or NAME=off",
		values: bugValues(),
		apply: func(_ *Session, settings *cluster.Settings, value string) error {
			name, state, hasState := strings.Cut(value, "=")
			on := true
			if hasState {
				var err error
				if on, err = parseSwitch("bug "+name, state); err != nil {
					return err
				}
			}
			if err := settings.Bugs.SetBug(name, on); err != nil {
				return invalid("unknown bug %q: want one of %s, e.g. set bug commit-old-term", name, strings.Join(raft.BugNames, ", "))
			}
			return nil
		},
		show: func(settings cluster.Settings) string {
			if enabled := settings.Bugs.Enabled(); len(enabled) > 0 {
				return strings.Join(enabled, ",")
			}
			return "none"
		},
	},
}

func bugValues() []string {
	var values []string
	for _, name := range raft.BugNames {
		values = append(values, name, name+"=off")
	}
	return values
}

func optionNames() []string {
	names := make([]string, len(options))
	for i, option := range options {
		names[i] = option.name
	}
	return names
}

// findOption looks a setting up by name.
func findOption(name string) (*option, error) {
	for i := range options {
		if options[i].name == name {
			return &options[i], nil
		}
	}
	if suggestion := suggest(name, optionNames()); suggestion != "" {
		return nil, invalid("unknown option %q (did you mean %s?)", name, suggestion)
	}
	return nil, invalid("unknown option %q (options: %s)", name, strings.Join(optionNames(), " "))
}

// applyOptions applies key=value words to settings.
func (s *Session) applyOptions(settings *cluster.Settings, words []string) error {
	for _, word := range words {
		key, value, err := splitOption(word)
		if err != nil {
			return err
		}
		option, err := findOption(key)
		if err != nil {
			return err
		}
		if err := option.apply(s, settings, value); err != nil {
			return err
		}
	}
	if err := settings.Validate(); err != nil {
		return invalid("%v", err)
	}
	return nil
}

// describeSettings lists every option and its value, one per line.
func describeSettings(settings cluster.Settings) []string {
	// The columns are as wide as the longest name and value.
	nameWidth, valueWidth := 0, 0
	for _, option := range options {
		nameWidth = max(nameWidth, len(option.name))
		valueWidth = max(valueWidth, len(option.show(settings)))
	}
	var lines []string
	for _, option := range options {
		section := ""
		if option.section != "" {
			section = " (" + option.section + ")"
		}
		lines = append(lines, fmt.Sprintf("  %-*s  %-*s  %s%s", nameWidth, option.name, valueWidth, option.show(settings), option.meaning, section))
	}
	return lines
}
