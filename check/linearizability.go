package check

// Linearizability of a key-value client history (thesis §6.3). This file
// holds what a host records about each client operation; the check itself
// is in linearizability_check.go.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// OperationKind is what a client operation does to the key-value store.
// The zero OperationKind is not an operation, so a forgotten field is
// caught by CheckLinearizability instead of being checked as a put.
type OperationKind uint8

const (
	// PutOperation writes Value to Key.
	PutOperation OperationKind = iota + 1
	// GetOperation reads Key.
	GetOperation
	// DeleteOperation removes Key.
	DeleteOperation
)

// String returns the kind as the REPL command spells it: "put", "get" or
// "del".
func (k OperationKind) String() string {
	switch k {
	case PutOperation:
		return "put"
	case GetOperation:
		return "get"
	case DeleteOperation:
		return "del"
	}
	return fmt.Sprintf("OperationKind(%d)", uint8(k))
}

// OperationOutcome is what the client learned about its operation. The
// zero OperationOutcome is not an outcome, for the same reason as the zero
// OperationKind.
type OperationOutcome uint8

const (
	// Completed: the client got an answer, so the operation took effect
	// exactly once, at some moment between Call and Return.
	Completed OperationOutcome = iota + 1
	// NotApplied: the operation definitely had no effect, for instance a
	// server that is not the leader refused it.
	NotApplied
	// MaybeApplied: the client gave up waiting (a timeout). The operation
	// may have taken effect, or may still take effect at any later moment
	// (thesis §6.3: a retried or delayed command can commit after the
	// client stopped waiting), or may never take effect.
	MaybeApplied
)

// String returns the outcome in words: "completed", "not applied" or
// "maybe applied".
func (o OperationOutcome) String() string {
	switch o {
	case Completed:
		return "completed"
	case NotApplied:
		return "not applied"
	case MaybeApplied:
		return "maybe applied"
	}
	return fmt.Sprintf("OperationOutcome(%d)", uint8(o))
}

// GetOutput is what a get returned.
type GetOutput struct {
	// Value is the value read; meaningless when Found is false.
	Value string
	// Found reports whether the key existed.
	Found bool
}

// Operation is one client operation of a history: what the client asked,
// when, and what it learned.
type Operation struct {
	// ClientID names the client that issued the operation. One client
	// issues one operation at a time.
	ClientID uint64
	Kind     OperationKind
	Key      string
	// Value is the value a put writes; unused by get and del.
	Value string
	// Output is what a completed get returned; unused otherwise. The
	// check does not look at what del or put returned.
	Output GetOutput
	// Call is when the client sent the operation and Return when it got
	// the answer (or gave up), in nanoseconds. All the operations of a
	// history must take their times from one monotonic clock (the
	// simulator's virtual clock, or one process's monotonic clock):
	// comparing times of two clocks is meaningless.
	// Invariant: Call <= Return.
	Call, Return int64
	// CallSequence and ReturnSequence, when set, number the call and the
	// return from one counter of the whole history, in the order they
	// happened. They order events that share an instant: on a virtual
	// clock one command often returns at the very time the next is
	// called, and equal times would make the two concurrent, hiding a
	// stale read (porcupine orders A before B only when A returned
	// strictly before B was called). Zero means unknown: equal times are
	// then concurrent. Invariant: CallSequence < ReturnSequence when set.
	CallSequence, ReturnSequence uint64
	Outcome                      OperationOutcome
}

// String returns the operation in one line with its times in seconds, such
// as "client 2: get x -> 1 [0.120s, 0.135s]" or
// "client 3: put x 3 [0.140s, timed out]".
func (o Operation) String() string {
	return fmt.Sprintf("client %d: %s [%s]", o.ClientID, o.describe(), o.describeInterval())
}

// describe returns what the operation did without client or times, such as
// "get x -> 1", "get x -> not found", "put x 1" or "del x".
func (o Operation) describe() string {
	key := showText(o.Key)
	switch o.Kind {
	case PutOperation:
		return "put " + key + " " + showText(o.Value)
	case GetOperation:
		switch {
		case o.Outcome != Completed:
			return "get " + key + " -> ?"
		case !o.Output.Found:
			return "get " + key + " -> not found"
		}
		return "get " + key + " -> " + showText(o.Output.Value)
	case DeleteOperation:
		return "del " + key
	}
	return o.Kind.String() + " " + key
}

// describeInterval returns the operation's call and return times, or how
// it ended when the client learned no result.
func (o Operation) describeInterval() string {
	switch o.Outcome {
	case MaybeApplied:
		return seconds(o.Call) + ", timed out"
	case NotApplied:
		return seconds(o.Call) + ", " + seconds(o.Return) + ", not applied"
	}
	return seconds(o.Call) + ", " + seconds(o.Return)
}

// seconds renders a time in nanoseconds as seconds, with as many decimals
// as it needs: 3 for whole milliseconds ("0.120s"), 6 for whole
// microseconds, 9 otherwise.
func seconds(nanoseconds int64) string {
	decimals := 9
	switch {
	case nanoseconds%1_000_000 == 0:
		decimals = 3
	case nanoseconds%1_000 == 0:
		decimals = 6
	}
	return strconv.FormatFloat(float64(nanoseconds)/1e9, 'f', decimals, 64) + "s"
}

// showText returns a key or value as it is when it is one plain word, and
// quoted otherwise, so that "put x 1" stays readable and "put x " (an empty
// value) does not hide.
func showText(text string) string {
	if text == "" || len(text) > maximumShownBytes {
		return strconv.Quote(shorten(text))
	}
	for _, character := range text {
		if !unicode.IsPrint(character) || unicode.IsSpace(character) || strings.ContainsRune(`"\`, character) {
			return strconv.Quote(text)
		}
	}
	return text
}

// shorten cuts text to maximumShownBytes (on a character boundary), so
// that one long value does not swamp a report.
func shorten(text string) string {
	if len(text) <= maximumShownBytes {
		return text
	}
	cut := maximumShownBytes
	for cut > 0 && !isCharacterStart(text[cut]) {
		cut--
	}
	return text[:cut] + "..."
}

// isCharacterStart reports whether b begins a UTF-8 encoded character.
func isCharacterStart(b byte) bool { return b&0xC0 != 0x80 }
