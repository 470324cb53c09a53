package repl

import "raftctl/cluster"

// `set sessions on|off` (thesis §6.3): with sessions off, clients send no
// session, so the state machine cannot tell a retry from a new request and
// a retried put can apply twice, which `check` then shows as a
// linearizability violation.
var sessionsOption = option{
	name: "sessions", section: "§6.3",
	meaning: "clients number their requests so a retry is answered, not applied again (off: a retried put can apply twice)",
	values:  []string{"on", "off"},
	apply: func(_ *Session, settings *cluster.Settings, value string) error {
		on, err := parseSwitch("sessions", value)
		settings.SessionsOff = !on
		return err
	},
	show: func(settings cluster.Settings) string { return onOff(!settings.SessionsOff) },
}

func init() { options = append(options, sessionsOption) }
