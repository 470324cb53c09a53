package check

// How a linearizability result reads for a person: the report printed after
// "error: " in the REPL, and the error that carries it.

import (
	"fmt"
	"strings"
)

// String describes the result for a person, as one summary line followed,
// for a violation, by indented lines with the operations involved. It fits
// after "error: " in the REPL, such as:
//
//	not linearizable: no order of the operations on key x matches one copy of the data (thesis §6.3)
//	    these take effect in this order, leaving x = 2:
//	        client 1: put x 1 [0.000s, 0.010s]
//	        client 1: put x 2 [0.020s, 0.030s]
//	    then none of these can take effect next:
//	        client 2: get x -> 1 [0.040s, 0.050s]
func (r LinearizabilityResult) String() string {
	checked := fmt.Sprintf("%s on %s", plural(r.Operations, "operation"), plural(r.Keys, "key"))
	switch r.Outcome {
	case Linearizable:
		return fmt.Sprintf("linearizable: %s (thesis §6.3)", checked)
	case Inconclusive:
		return fmt.Sprintf("inconclusive: the check of %s did not finish within %v, so nothing is proven (try a longer timeout or a shorter history)", checked, r.Timeout)
	case NotLinearizable:
		return r.describeViolations()
	}
	return "linearizability not checked"
}

// Shown in String: more would drown the point of the report.
const (
	maximumShownViolations = 3
	maximumShownLinearized = 6
	maximumShownImpossible = 6
)

func (r LinearizabilityResult) describeViolations() string {
	var text strings.Builder
	if len(r.Violations) == 0 {
		// Porcupine proved a violation, but the time limit cut the
		// search of every key before its explanation.
		fmt.Fprintf(&text, "not linearizable: %s checked, and the check ran out of time before it could show where (thesis §6.3)", plural(r.Operations, "operation"))
		return text.String()
	}
	if len(r.Violations) == 1 {
		fmt.Fprintf(&text, "not linearizable: no order of the operations on key %s matches one copy of the data (thesis §6.3)", showText(r.Violations[0].Key))
	} else {
		keys := make([]string, len(r.Violations))
		for i, violation := range r.Violations {
			keys[i] = showText(violation.Key)
		}
		fmt.Fprintf(&text, "not linearizable: keys %s have operations that no order matches with one copy of the data (thesis §6.3)", strings.Join(keys, ", "))
	}
	if r.TimedOut {
		text.WriteString("\n    (the check ran out of time: some of these keys may only be unfinished)")
	}
	for i, violation := range r.Violations {
		if i == maximumShownViolations {
			fmt.Fprintf(&text, "\n    and %s more", plural(len(r.Violations)-i, "key"))
			break
		}
		violation.describe(&text, len(r.Violations) > 1)
	}
	return text.String()
}

// describe writes the violation's operations as indented lines.
func (v LinearizabilityViolation) describe(text *strings.Builder, nameKey bool) {
	if nameKey {
		fmt.Fprintf(text, "\n    key %s:", showText(v.Key))
	}
	after := describeValue(v.Key, v.After)
	if len(v.Linearized) == 0 {
		fmt.Fprintf(text, "\n    while %s, none of these can take effect first:", after)
	} else {
		fmt.Fprintf(text, "\n    these take effect in this order, leaving %s:", after)
		shown := v.Linearized
		if len(shown) > maximumShownLinearized {
			fmt.Fprintf(text, "\n        ... %s before", plural(len(shown)-maximumShownLinearized, "operation"))
			shown = shown[len(shown)-maximumShownLinearized:]
		}
		for _, operation := range shown {
			text.WriteString("\n        " + operation.String())
		}
		text.WriteString("\n    then none of these can take effect next:")
	}
	for i, operation := range v.Impossible {
		if i == maximumShownImpossible {
			fmt.Fprintf(text, "\n        ... and %d more", len(v.Impossible)-i)
			break
		}
		text.WriteString("\n        " + operation.String())
	}
}

// plural returns "1 operation" or "3 operations".
func plural(count int, noun string) string {
	if count == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", count, noun)
}

// Err returns nil when the history is linearizable, and otherwise an error
// whose message is String(): a violation wraps ErrNotLinearizable and an
// inconclusive check wraps ErrLinearizabilityInconclusive, because a check
// that did not finish proves nothing and must not pass.
func (r LinearizabilityResult) Err() error {
	switch r.Outcome {
	case Linearizable:
		return nil
	case NotLinearizable:
		return &linearizabilityError{r.String(), ErrNotLinearizable}
	}
	return &linearizabilityError{r.String(), ErrLinearizabilityInconclusive}
}

// linearizabilityError carries String() as its message and a sentinel for
// errors.Is.
type linearizabilityError struct {
	message  string
	sentinel error
}

func (e *linearizabilityError) Error() string { return e.message }
func (e *linearizabilityError) Unwrap() error { return e.sentinel }
