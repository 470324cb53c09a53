package check

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"
	"time"
)

// The histories below are written in milliseconds of one virtual clock.

// millisecond converts a time in milliseconds to the nanoseconds of
// Operation.Call and Operation.Return.
func millisecond(ms int64) int64 { return ms * int64(time.Millisecond) }

func put(client uint64, key, value string, call, returned int64) Operation {
	return Operation{ClientID: client, Kind: PutOperation, Key: key, Value: value,
		Call: millisecond(call), Return: millisecond(returned), Outcome: Completed}
}

func get(client uint64, key, value string, call, returned int64) Operation {
	return Operation{ClientID: client, Kind: GetOperation, Key: key, Output: GetOutput{Value: value, Found: true},
		Call: millisecond(call), Return: millisecond(returned), Outcome: Completed}
}

func getNotFound(client uint64, key string, call, returned int64) Operation {
	return Operation{ClientID: client, Kind: GetOperation, Key: key,
		Call: millisecond(call), Return: millisecond(returned), Outcome: Completed}
}

func del(client uint64, key string, call, returned int64) Operation {
	return Operation{ClientID: client, Kind: DeleteOperation, Key: key,
		Call: millisecond(call), Return: millisecond(returned), Outcome: Completed}
}

func withOutcome(operation Operation, outcome OperationOutcome) Operation {
	operation.Outcome = outcome
	return operation
}

// checkHistory runs the check with a generous timeout and fails the test on
// an invalid history.
func checkHistory(t *testing.T, history []Operation) LinearizabilityResult {
	t.Helper()
	result, err := CheckLinearizability(history, 10*time.Second)
	if err != nil {
		t.Fatalf("CheckLinearizability: %v", err)
	}
	return result
}

func expectLinearizable(t *testing.T, result LinearizabilityResult, operations, keys int) {
	t.Helper()
	if result.Outcome != Linearizable || result.Err() != nil {
		t.Fatalf("outcome %v, want linearizable; report:\n%s", result.Outcome, result)
	}
	if result.Operations != operations || result.Keys != keys {
		t.Errorf("checked %d operations on %d keys, want %d on %d", result.Operations, result.Keys, operations, keys)
	}
	if len(result.Violations) != 0 {
		t.Errorf("violations %v on a linearizable history", result.Violations)
	}
}

func expectNotLinearizable(t *testing.T, result LinearizabilityResult) {
	t.Helper()
	if result.Outcome != NotLinearizable {
		t.Fatalf("outcome %v, want not linearizable; report:\n%s", result.Outcome, result)
	}
	if err := result.Err(); !errors.Is(err, ErrNotLinearizable) || err.Error() != result.String() {
		t.Errorf("Err() = %v, want ErrNotLinearizable with the report as message", err)
	}
	if result.TimedOut {
		t.Errorf("TimedOut on a small history")
	}
}

// staleRead is a stale read (thesis §6.4): an old leader cut off from the
// others answers a read from its own state machine (read=local) after the
// new leader has committed a newer write.
func staleRead() []Operation {
	return []Operation{
		put(1, "x", "1", 0, 10),
		put(1, "x", "2", 20, 30),
		get(2, "x", "1", 40, 50),
	}
}

func TestStaleReadIsNotLinearizable(t *testing.T) { // thesis §6.3, §6.4
	history := staleRead()
	result := checkHistory(t, history)
	expectNotLinearizable(t, result)
	if result.Operations != 3 || result.Keys != 1 || len(result.Violations) != 1 {
		t.Fatalf("checked %d operations on %d keys with %d violations, want 3, 1, 1",
			result.Operations, result.Keys, len(result.Violations))
	}
	violation := result.Violations[0]
	if violation.Key != "x" {
		t.Errorf("violation on key %q, want x", violation.Key)
	}
	if !slices.Equal(violation.Linearized, history[:2]) {
		t.Errorf("linearized %v, want both puts in order", violation.Linearized)
	}
	if violation.After != (GetOutput{Value: "2", Found: true}) {
		t.Errorf("after the puts the key is %+v, want 2", violation.After)
	}
	if !slices.Equal(violation.Impossible, history[2:]) {
		t.Errorf("impossible %v, want the stale get", violation.Impossible)
	}
	want := `not linearizable: no order of the operations on key x matches one copy of the data (thesis §6.3)
    these take effect in this order, leaving x = 2:
        client 1: put x 1 [0.000s, 0.010s]
        client 1: put x 2 [0.020s, 0.030s]
    then none of these can take effect next:
        client 2: get x -> 1 [0.040s, 0.050s]`
	if got := result.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
}

func TestConcurrentPutAndGetMayReadEitherValue(t *testing.T) { // thesis §6.3
	// The get overlaps the second put, so it may take effect before or
	// after it: both answers are linearizable, a third value is not.
	for _, read := range []string{"1", "2"} {
		t.Run("reads "+read, func(t *testing.T) {
			history := []Operation{
				put(1, "x", "1", 0, 10),
				put(1, "x", "2", 20, 40),
				get(2, "x", read, 25, 35),
			}
			expectLinearizable(t, checkHistory(t, history), 3, 1)
		})
	}
	t.Run("reads a value never written", func(t *testing.T) {
		history := []Operation{
			put(1, "x", "1", 0, 10),
			put(1, "x", "2", 20, 40),
			get(2, "x", "3", 25, 35),
		}
		result := checkHistory(t, history)
		expectNotLinearizable(t, result)
		if len(result.Violations) != 1 || !slices.Equal(result.Violations[0].Impossible, history[2:]) {
			t.Errorf("violations %+v, want the get of 3 as impossible", result.Violations)
		}
	})
}

func TestGetAfterDeleteFindsNothing(t *testing.T) {
	history := []Operation{
		put(1, "x", "1", 0, 10),
		del(1, "x", 20, 30),
		getNotFound(2, "x", 40, 50),
	}
	expectLinearizable(t, checkHistory(t, history), 3, 1)

	history[2] = get(2, "x", "1", 40, 50)
	result := checkHistory(t, history)
	expectNotLinearizable(t, result)
	if violation := result.Violations[0]; violation.After.Found || !slices.Equal(violation.Impossible, history[2:]) {
		t.Errorf("violation %+v, want x not found and the get of 1 impossible", violation)
	}
	if !strings.Contains(result.String(), "leaving x not found:") {
		t.Errorf("report does not say x was deleted:\n%s", result)
	}
}

func TestTimedOutWriteMayTakeEffectLater(t *testing.T) { // thesis §6.3
	// The client gave up on put x 1 at 10ms, yet the put was still in the
	// log and committed later: the first get misses it, the second sees it.
	history := []Operation{
		withOutcome(put(1, "x", "1", 0, 10), MaybeApplied),
		getNotFound(2, "x", 20, 30),
		get(2, "x", "1", 40, 50),
	}
	expectLinearizable(t, checkHistory(t, history), 3, 1)

	// A timed-out write that never took effect is fine too.
	history = []Operation{
		withOutcome(put(1, "x", "1", 0, 10), MaybeApplied),
		getNotFound(2, "x", 20, 30),
	}
	expectLinearizable(t, checkHistory(t, history), 2, 1)

	// A timed-out delete may also take effect later.
	history = []Operation{
		put(1, "x", "1", 0, 10),
		withOutcome(del(1, "x", 20, 30), MaybeApplied),
		get(2, "x", "1", 40, 50),
		getNotFound(2, "x", 60, 70),
	}
	expectLinearizable(t, checkHistory(t, history), 4, 1)
}

func TestTimedOutGetIsLeftOut(t *testing.T) {
	// What a timed-out get holds is meaningless: it constrains nothing.
	history := []Operation{
		put(1, "x", "1", 0, 10),
		withOutcome(get(2, "x", "garbage", 20, 30), MaybeApplied),
	}
	expectLinearizable(t, checkHistory(t, history), 1, 1)
}

func TestNotAppliedWriteMustNotBeRead(t *testing.T) {
	// A refused put (not leader) had no effect: reading its value is a
	// violation even though the operations overlap.
	history := []Operation{
		withOutcome(put(1, "x", "1", 0, 10), NotApplied),
		get(2, "x", "1", 5, 20),
	}
	result := checkHistory(t, history)
	expectNotLinearizable(t, result)
	if result.Operations != 1 {
		t.Errorf("checked %d operations, want 1: the refused put is left out", result.Operations)
	}
	violation := result.Violations[0]
	if len(violation.Linearized) != 0 || !slices.Equal(violation.Impossible, history[1:]) {
		t.Errorf("violation %+v, want the get impossible from the start", violation)
	}
	if want := "\n    while x not found, none of these can take effect first:\n        client 2: get x -> 1 [0.005s, 0.020s]"; !strings.HasSuffix(result.String(), want) {
		t.Errorf("report:\n%s\nwant it to end with:%s", result, want)
	}

	// The same refused put, not read: linearizable.
	history[1] = getNotFound(2, "x", 5, 20)
	expectLinearizable(t, checkHistory(t, history), 1, 1)
}

func TestViolationNamesTheBadKey(t *testing.T) {
	history := []Operation{
		put(1, "x", "1", 0, 10),
		put(2, "y", "a", 0, 10),
		put(3, "z", "z1", 0, 10),
		get(1, "x", "1", 20, 30),
		put(2, "y", "b", 20, 30),
		del(3, "z", 20, 30),
		getNotFound(1, "z", 40, 50),
		get(2, "y", "a", 40, 50), // stale
		get(3, "x", "1", 40, 50),
	}
	result := checkHistory(t, history)
	expectNotLinearizable(t, result)
	if result.Operations != 9 || result.Keys != 3 {
		t.Errorf("checked %d operations on %d keys, want 9 on 3", result.Operations, result.Keys)
	}
	if len(result.Violations) != 1 || result.Violations[0].Key != "y" {
		t.Fatalf("violations %+v, want one on key y", result.Violations)
	}
	if !slices.Equal(result.Violations[0].Impossible, []Operation{history[7]}) {
		t.Errorf("impossible %v, want the stale get of y", result.Violations[0].Impossible)
	}
	if first := strings.SplitN(result.String(), "\n", 2)[0]; !strings.Contains(first, "key y") {
		t.Errorf("summary %q does not name key y", first)
	}

	// Two bad keys: both reported, in key order.
	history = append(history, get(1, "z", "z1", 60, 70))
	result = checkHistory(t, history)
	expectNotLinearizable(t, result)
	var keys []string
	for _, violation := range result.Violations {
		keys = append(keys, violation.Key)
	}
	if !slices.Equal(keys, []string{"y", "z"}) {
		t.Errorf("violated keys %v, want [y z]", keys)
	}
	if first := strings.SplitN(result.String(), "\n", 2)[0]; !strings.Contains(first, "keys y, z") {
		t.Errorf("summary %q does not name keys y and z", first)
	}
}

func TestEmptyHistoryIsLinearizable(t *testing.T) {
	result := checkHistory(t, nil)
	expectLinearizable(t, result, 0, 0)
	if got, want := result.String(), "linearizable: 0 operations on 0 keys (thesis §6.3)"; got != want {
		t.Errorf("report %q, want %q", got, want)
	}
}

// exhaustingHistory is reliably slow to check: many concurrent puts of
// distinct values and a concurrent get of a value none of them wrote. The
// get fits nowhere, and proving it means trying every subset of the puts
// before it (about 2^puts orders).
func exhaustingHistory(puts int) []Operation {
	history := []Operation{get(uint64(puts), "x", "never written", 0, 100)}
	for client := range puts {
		history = append(history, put(uint64(client), "x", fmt.Sprint(client), 0, 100))
	}
	return history
}

func TestTimeoutIsInconclusiveNotAPass(t *testing.T) {
	history := exhaustingHistory(24)
	result, err := CheckLinearizability(history, time.Millisecond)
	if err != nil {
		t.Fatalf("CheckLinearizability: %v", err)
	}
	if result.Outcome == NotLinearizable {
		t.Skip("porcupine finished 2^24 orders within 1ms; the timeout cannot be shown on this machine")
	}
	if result.Outcome != Inconclusive || !result.TimedOut {
		t.Fatalf("outcome %v (timed out %v), want inconclusive", result.Outcome, result.TimedOut)
	}
	if err := result.Err(); !errors.Is(err, ErrLinearizabilityInconclusive) {
		t.Errorf("Err() = %v, want ErrLinearizabilityInconclusive", err)
	}
	want := "inconclusive: the check of 25 operations on 1 key did not finish within 1ms, so nothing is proven (try a longer timeout or a shorter history)"
	if got := result.String(); got != want {
		t.Errorf("report %q, want %q", got, want)
	}
}

// readableVisualization undoes the escapes of the page's embedded data:
// JSON writes "<", ">" and "&" as \u003c, \u003e and \u0026, and tooltips
// are HTML.
func readableVisualization(page string) string {
	page = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(page)
	return html.UnescapeString(page)
}

func TestVisualizationShowsTheOperations(t *testing.T) {
	history := append(staleRead(), withOutcome(put(3, "x", "refused", 60, 70), NotApplied))
	result := checkHistory(t, history)
	var page bytes.Buffer
	if err := result.WriteVisualization(&page); err != nil {
		t.Fatalf("WriteVisualization: %v", err)
	}
	text := readableVisualization(page.String())
	if !strings.HasPrefix(strings.ToLower(text), "<!doctype html>") || !strings.Contains(text, "</html>") {
		t.Errorf("not an HTML document: %.200s", text)
	}
	for _, want := range []string{
		`"put x 1"`, `"put x 2"`, `"get x -> 1"`, // the boxes
		"client 2: get x -> 1 [0.040s, 0.050s]",   // the tooltip
		"x = 2",                                   // a state
		"put x refused (not applied)", "left out", // the operation left out
	} {
		if !strings.Contains(text, want) {
			t.Errorf("visualization lacks %q", want)
		}
	}

	var unchecked LinearizabilityResult
	if err := unchecked.WriteVisualization(&page); err == nil {
		t.Errorf("WriteVisualization of a zero result succeeded, want an error")
	}
}

func TestVisualizationEscapesKeysAndValues(t *testing.T) {
	// Porcupine inserts states and tooltips as HTML: a value must not
	// become markup.
	history := []Operation{put(1, "x", "<b>bold</b>", 0, 10), get(2, "x", "<b>bold</b>", 20, 30)}
	result := checkHistory(t, history)
	var page bytes.Buffer
	if err := result.WriteVisualization(&page); err != nil {
		t.Fatalf("WriteVisualization: %v", err)
	}
	data := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(page.String())
	if !strings.Contains(data, "x = &lt;b&gt;bold&lt;/b&gt;") {
		t.Errorf("visualization lacks the escaped state x = &lt;b&gt;bold&lt;/b&gt;")
	}
	if strings.Contains(data, "x = <b>") {
		t.Errorf("visualization holds an unescaped value in a state")
	}
}

func TestVisualizationNamesClientsWithLargeIDs(t *testing.T) {
	history := []Operation{put(1<<40, "x", "1", 0, 10), get(7, "x", "1", 20, 30)}
	result := checkHistory(t, history)
	var page bytes.Buffer
	if err := result.WriteVisualization(&page); err != nil {
		t.Fatalf("WriteVisualization: %v", err)
	}
	text := readableVisualization(page.String())
	for _, want := range []string{`"client 1099511627776: put x 1"`, `"client 7: get x -> 1"`} {
		if !strings.Contains(text, want) {
			t.Errorf("visualization lacks %s", want)
		}
	}
}

func TestInvalidHistoryIsRejected(t *testing.T) {
	for _, test := range []struct {
		name      string
		operation Operation
		want      string
	}{
		{"zero kind", Operation{ClientID: 1, Key: "x", Outcome: Completed}, "unknown kind 0"},
		{"zero outcome", withOutcome(put(1, "x", "1", 0, 10), 0), "unknown outcome 0"},
		{"return before call", put(1, "x", "1", 10, 5), "returns at 5000000 ns, before its call at 10000000 ns"},
	} {
		t.Run(test.name, func(t *testing.T) {
			history := []Operation{put(2, "y", "1", 0, 10), test.operation}
			_, err := CheckLinearizability(history, time.Second)
			if !errors.Is(err, ErrInvalidHistory) || !strings.Contains(err.Error(), "operation 1 (") ||
				!strings.Contains(err.Error(), test.want) {
				t.Errorf("error %v, want ErrInvalidHistory naming operation 1 and %q", err, test.want)
			}
		})
	}
}

func TestOperationString(t *testing.T) {
	for _, test := range []struct {
		operation Operation
		want      string
	}{
		{put(1, "x", "1", 0, 10), "client 1: put x 1 [0.000s, 0.010s]"},
		{get(2, "x", "1", 120, 135), "client 2: get x -> 1 [0.120s, 0.135s]"},
		{getNotFound(2, "x", 120, 135), "client 2: get x -> not found [0.120s, 0.135s]"},
		{del(3, "x", 1000, 2500), "client 3: del x [1.000s, 2.500s]"},
		{withOutcome(put(4, "x", "3", 140, 200), MaybeApplied), "client 4: put x 3 [0.140s, timed out]"},
		{withOutcome(get(4, "x", "3", 140, 200), MaybeApplied), "client 4: get x -> ? [0.140s, timed out]"},
		{withOutcome(put(5, "x", "3", 140, 150), NotApplied), "client 5: put x 3 [0.140s, 0.150s, not applied]"},
		{put(1, "my key", "", 0, 10), `client 1: put "my key" "" [0.000s, 0.010s]`},
		{Operation{ClientID: 1, Kind: GetOperation, Key: "x", Call: 1500, Return: 2_000_123, Outcome: Completed},
			"client 1: get x -> not found [0.000001500s, 0.002000123s]"},
		{Operation{ClientID: 1, Kind: PutOperation, Key: "x", Value: "1", Call: 1000, Return: 2000, Outcome: Completed},
			"client 1: put x 1 [0.000001s, 0.000002s]"},
	} {
		if got := test.operation.String(); got != test.want {
			t.Errorf("String() = %q, want %q", got, test.want)
		}
	}
}

// TestSequenceOrdersOperationsAtOneInstant: on a virtual clock `put x 1`
// can return at the very time `put x 2` is called. With equal times
// porcupine sees the two as concurrent and may order put x 2 first, so a
// later read of 1 passes; the sequence numbers keep the real order (thesis
// §6.3: each operation takes effect between its invocation and response).
func TestSequenceOrdersOperationsAtOneInstant(t *testing.T) { // thesis §6.3
	history := []Operation{
		put(1, "x", "1", millisecond(0), millisecond(5)),
		put(1, "x", "2", millisecond(5), millisecond(9)),
		get(2, "x", "1", millisecond(20), millisecond(20)),
	}
	if result := checkHistory(t, history); result.Outcome != Linearizable {
		t.Fatalf("without sequence numbers the puts are concurrent and the read of 1 passes; got %v", result.Outcome)
	}
	for i, sequences := range [][2]uint64{{1, 2}, {3, 4}, {5, 6}} {
		history[i].CallSequence, history[i].ReturnSequence = sequences[0], sequences[1]
	}
	expectNotLinearizable(t, checkHistory(t, history))
	// Sequence numbers break ties only: an earlier time still comes first.
	history[1].CallSequence = 0
	history[1].ReturnSequence = 7
	if _, err := CheckLinearizability(history, 0); err != nil {
		t.Fatalf("a history with some sequence numbers missing: %v", err)
	}
}

func TestReturnSequenceMustFollowCall(t *testing.T) {
	operation := put(1, "x", "1", millisecond(0), millisecond(5))
	operation.CallSequence, operation.ReturnSequence = 4, 3
	if _, err := CheckLinearizability([]Operation{operation}, 0); !errors.Is(err, ErrInvalidHistory) {
		t.Fatalf("return sequence before the call's: %v, want ErrInvalidHistory", err)
	}
}
