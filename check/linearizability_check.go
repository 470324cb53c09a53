package check

// The linearizability check of a key-value history (thesis §6.3), with the
// porcupine checker. Thesis §6.3:
// > Our goal for Raft is to implement linearizable semantics (each
// > operation appears to execute instantaneously, exactly once, at some
// > point between its invocation and its response).

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// LinearizabilityOutcome is the verdict of CheckLinearizability. The zero
// value is no verdict, so an unset result never reads as a pass.
type LinearizabilityOutcome uint8

const (
	// Linearizable: there is an order of all the operations, each taking
	// effect at one moment between its call and its return, that a single
	// copy of the store would produce.
	Linearizable LinearizabilityOutcome = iota + 1
	// NotLinearizable: there is no such order; Violations says where.
	NotLinearizable
	// Inconclusive: the check ran out of time (porcupine's Unknown)
	// before it found either an order or a proof that none exists.
	// Nothing is proven: this is not a pass.
	Inconclusive
)

// String returns the outcome in words: "linearizable", "not linearizable"
// or "inconclusive".
func (o LinearizabilityOutcome) String() string {
	switch o {
	case Linearizable:
		return "linearizable"
	case NotLinearizable:
		return "not linearizable"
	case Inconclusive:
		return "inconclusive"
	}
	return "unchecked"
}

// Errors returned by LinearizabilityResult.Err, for errors.Is.
var (
	ErrNotLinearizable             = errors.New("not linearizable")
	ErrLinearizabilityInconclusive = errors.New("linearizability check inconclusive")
)

// ErrInvalidHistory is wrapped by CheckLinearizability when an operation is
// malformed; the message names the operation and what is wrong with it.
var ErrInvalidHistory = errors.New("invalid history")

// LinearizabilityResult is what CheckLinearizability found.
type LinearizabilityResult struct {
	Outcome LinearizabilityOutcome
	// Operations is the number of operations checked: the history less
	// the operations left out (see CheckLinearizability).
	Operations int
	// Keys is the number of distinct keys among the checked operations.
	// Each key is checked on its own.
	Keys int
	// Timeout is the time limit the check was given (0: none).
	Timeout time.Duration
	// TimedOut reports that the time limit passed before every key was
	// checked. It is always true when Outcome is Inconclusive. When
	// Outcome is NotLinearizable a violation is proven, but a key in
	// Violations may then be one whose check was cut short.
	TimedOut bool
	// Violations explains each key whose operations cannot be ordered, in
	// key order. Set only when Outcome is NotLinearizable.
	Violations []LinearizabilityViolation

	visualization *linearizabilityVisualization
}

// LinearizabilityViolation explains why the operations on one key are not
// linearizable, in the way porcupine searched for an order: it places
// operations one after another, each one allowed next only if no other
// remaining operation returned before it was called, and keeps an order
// only while every get in it reads the value written last.
type LinearizabilityViolation struct {
	Key string
	// Linearized is the longest order of the key's operations that the
	// search found, before it got stuck.
	Linearized []Operation
	// After is the key's value once Linearized has taken effect.
	After GetOutput
	// Impossible are the operations that real time allows to take effect
	// next, after Linearized, but whose result contradicts After: a get
	// that reads a value the key cannot hold at that point.
	Impossible []Operation
}

// CheckLinearizability reports whether history is linearizable (thesis
// §6.3), giving up after timeout (0 means no limit). The history may list
// operations in any order. It returns an error wrapping ErrInvalidHistory
// when an operation has an unknown kind or outcome, or returns before its
// call.
//
// How each outcome is treated, as linearizability checkers usually do:
//
//   - Completed operations are checked as they are.
//   - NotApplied operations are left out: they had no effect, so no order
//     needs a place for them. A get that reads a value written only by a
//     NotApplied put is then a violation.
//   - A MaybeApplied put or del is kept, with its return moved to +infinity
//     (math.MaxInt64): it may take effect at any moment after its call,
//     even after every other operation, or never (a write placed after
//     everything else changes no read, so "never" is covered).
//   - A MaybeApplied get is left out: it observed nothing, so it constrains
//     nothing.
//
// Keys are independent in a key-value store, so the history is split by
// key and each key is checked on its own (the search is exponential in the
// number of concurrent operations, so one big history would explode).
func CheckLinearizability(history []Operation, timeout time.Duration) (LinearizabilityResult, error) {
	for position, operation := range history {
		if err := validateOperation(operation); err != nil {
			return LinearizabilityResult{}, fmt.Errorf("%w: operation %d (%v): %w", ErrInvalidHistory, position, operation, err)
		}
	}
	rows := clientRows(history)
	checked, leftOut := prepareOperations(history, rows)
	model := keyValueModel(history, rows)
	keys := partitionByKey(checked)

	started := time.Now()
	verdict, info := porcupine.CheckOperationsVerbose(model, checked, timeout)
	ranOutOfTime := timeout > 0 && time.Since(started) >= timeout
	info.AddAnnotations(leftOutAnnotations(history, leftOut))

	result := LinearizabilityResult{
		Operations:    len(checked),
		Keys:          len(keys.keys),
		Timeout:       timeout,
		visualization: &linearizabilityVisualization{model: model, info: info},
	}
	switch verdict {
	case porcupine.Ok:
		result.Outcome = Linearizable
	case porcupine.Unknown:
		result.Outcome, result.TimedOut = Inconclusive, true
	default:
		result.Outcome, result.TimedOut = NotLinearizable, ranOutOfTime
		result.Violations = explainViolations(history, keys, info)
	}
	return result, nil
}

// validateOperation reports what is malformed in one operation.
func validateOperation(operation Operation) error {
	switch {
	case operation.Kind < PutOperation || operation.Kind > DeleteOperation:
		return fmt.Errorf("unknown kind %d (want PutOperation, GetOperation or DeleteOperation)", uint8(operation.Kind))
	case operation.Outcome < Completed || operation.Outcome > MaybeApplied:
		return fmt.Errorf("unknown outcome %d (want Completed, NotApplied or MaybeApplied)", uint8(operation.Outcome))
	case operation.Return < operation.Call:
		return fmt.Errorf("returns at %d ns, before its call at %d ns (take both times from one monotonic clock)", operation.Return, operation.Call)
	case operation.ReturnSequence != 0 && operation.ReturnSequence <= operation.CallSequence:
		return fmt.Errorf("return sequence %d is not after call sequence %d", operation.ReturnSequence, operation.CallSequence)
	}
	return nil
}

// prepareOperations turns the history into porcupine's operations, less
// the ones left out (see CheckLinearizability), which it returns by
// position. Each porcupine operation's Input is the Operation itself and
// its Metadata is the operation's position in history.
func prepareOperations(history []Operation, rows map[uint64]int) (checked []porcupine.Operation, leftOut []int) {
	calls, returns := realTimeOrder(history)
	for position, operation := range history {
		returned := returns[position]
		switch {
		case operation.Outcome == NotApplied:
			leftOut = append(leftOut, position)
			continue
		case operation.Outcome == MaybeApplied && operation.Kind == GetOperation:
			leftOut = append(leftOut, position)
			continue
		case operation.Outcome == MaybeApplied:
			returned = math.MaxInt64
		}
		checked = append(checked, porcupine.Operation{
			ClientId: rows[operation.ClientID],
			Input:    operation,
			Call:     calls[position],
			Return:   returned,
			Metadata: position,
		})
	}
	return checked, leftOut
}

// realTimeOrder gives every call and return its rank in real-time order:
// by time, then by sequence number (Operation.CallSequence). Events with
// the same time and sequence share a rank, so porcupine sees them as
// concurrent; events that share only a time are ordered by their sequence.
func realTimeOrder(history []Operation) (calls, returns []int64) {
	type moment struct {
		time     int64
		sequence uint64
		position int
		isReturn bool
	}
	moments := make([]moment, 0, 2*len(history))
	for position, operation := range history {
		moments = append(moments,
			moment{operation.Call, operation.CallSequence, position, false},
			moment{operation.Return, operation.ReturnSequence, position, true})
	}
	slices.SortStableFunc(moments, func(a, b moment) int {
		if a.time != b.time {
			return cmp.Compare(a.time, b.time)
		}
		return cmp.Compare(a.sequence, b.sequence)
	})
	calls, returns = make([]int64, len(history)), make([]int64, len(history))
	rank := int64(0)
	for i, m := range moments {
		if i > 0 && (m.time != moments[i-1].time || m.sequence != moments[i-1].sequence) {
			rank++
		}
		if m.isReturn {
			returns[m.position] = rank
		} else {
			calls[m.position] = rank
		}
	}
	return calls, returns
}

// keyState is the model's state of one key: porcupine checks each key on
// its own, so the state is one value, not a map.
type keyState struct {
	key     string
	value   string
	present bool
}

// keyValueModel is the sequential specification of the store, one key at a
// time: put sets the value, del removes it, get must read it.
func keyValueModel(history []Operation, rows map[uint64]int) porcupine.Model {
	return porcupine.Model{
		Partition: func(operations []porcupine.Operation) [][]porcupine.Operation {
			return partitionByKey(operations).operations
		},
		Init: func() any { return keyState{} },
		Step: func(state, input, _ any) (bool, any) {
			return step(state.(keyState), input.(Operation))
		},
		Hash: func(state any) uint64 {
			s := state.(keyState)
			hash := fnv.New64a()
			hash.Write([]byte(s.value))
			if s.present {
				hash.Write([]byte{1})
			}
			return hash.Sum64()
		},
		DescribeOperation: func(input, _ any) string {
			return describeForVisualization(input.(Operation), rows)
		},
		DescribeState: func(state any) string {
			s := state.(keyState)
			return escapeHTML(describeValue(s.key, GetOutput{Value: s.value, Found: s.present}))
		},
		DescribeOperationMetadata: func(metadata any) string {
			position, ok := metadata.(int)
			if !ok {
				return ""
			}
			return escapeHTML(history[position].String())
		},
	}
}

// step applies one operation to a key's state and reports whether its
// result is possible there.
func step(state keyState, operation Operation) (bool, keyState) {
	switch operation.Kind {
	case PutOperation:
		return true, keyState{key: operation.Key, value: operation.Value, present: true}
	case DeleteOperation:
		return true, keyState{key: operation.Key}
	}
	read := operation.Output
	if read.Found != state.present || (read.Found && read.Value != state.value) {
		return false, state
	}
	return true, keyState{key: operation.Key, value: state.value, present: state.present}
}

// describeValue renders a key's value, such as "x = 2" or "x not found".
func describeValue(key string, value GetOutput) string {
	if !value.Found {
		return showText(key) + " not found"
	}
	return showText(key) + " = " + showText(value.Value)
}

// keyPartitions is a history split by key, in key order.
type keyPartitions struct {
	keys       []string
	operations [][]porcupine.Operation
}

// partitionByKey splits operations by key, in key order, keeping their
// order within a key. Porcupine calls it too, so partition i of its
// LinearizationInfo is keys[i].
func partitionByKey(operations []porcupine.Operation) keyPartitions {
	byKey := make(map[string][]porcupine.Operation)
	for _, operation := range operations {
		key := operation.Input.(Operation).Key
		byKey[key] = append(byKey[key], operation)
	}
	partitions := keyPartitions{}
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		partitions.keys = append(partitions.keys, key)
		partitions.operations = append(partitions.operations, byKey[key])
	}
	return partitions
}

// explainViolations explains every key for which porcupine found no
// complete order.
func explainViolations(history []Operation, partitions keyPartitions, info porcupine.LinearizationInfo) []LinearizabilityViolation {
	var violations []LinearizabilityViolation
	partials := info.PartialLinearizationsOperations()
	for partition, key := range partitions.keys {
		if partition >= len(partials) {
			break
		}
		violation, found := explainKey(history, key, partitions.operations[partition], partials[partition])
		if found {
			violations = append(violations, violation)
		}
	}
	return violations
}

// explainKey explains why one key's operations have no complete order, from
// the longest partial order porcupine found (its dead end). It reports
// false when the key does have a complete order, or when the search of the
// key was cut short before it reached a contradiction.
func explainKey(history []Operation, key string, operations []porcupine.Operation, partials [][]porcupine.Operation) (LinearizabilityViolation, bool) {
	longest := longestPartial(partials)
	if len(longest) == len(operations) {
		return LinearizabilityViolation{}, false
	}
	violation := LinearizabilityViolation{Key: key}
	state := keyState{key: key}
	placed := make(map[int]bool, len(longest))
	for _, operation := range longest {
		position := operation.Metadata.(int)
		_, state = step(state, history[position])
		placed[position] = true
		violation.Linearized = append(violation.Linearized, history[position])
	}
	violation.After = GetOutput{Value: state.value, Found: state.present}

	// Real time allows an operation next when it was called no later than
	// the earliest return among the operations not yet placed (porcupine
	// treats [Call, Return] as a closed interval).
	var remaining []porcupine.Operation
	earliestReturn := int64(math.MaxInt64)
	for _, operation := range operations {
		if !placed[operation.Metadata.(int)] {
			remaining = append(remaining, operation)
			earliestReturn = min(earliestReturn, operation.Return)
		}
	}
	for _, operation := range remaining {
		position := operation.Metadata.(int)
		if operation.Call > earliestReturn {
			continue
		}
		if possible, _ := step(state, history[position]); !possible {
			violation.Impossible = append(violation.Impossible, history[position])
		}
	}
	return violation, len(violation.Impossible) > 0
}

// longestPartial picks the longest partial order; among equally long ones
// the first by history positions, so the report is the same every run.
func longestPartial(partials [][]porcupine.Operation) []porcupine.Operation {
	var longest []porcupine.Operation
	for _, partial := range partials {
		if longest == nil || len(partial) > len(longest) ||
			(len(partial) == len(longest) && slices.CompareFunc(partial, longest, comparePositions) < 0) {
			longest = partial
		}
	}
	return longest
}

func comparePositions(a, b porcupine.Operation) int {
	return a.Metadata.(int) - b.Metadata.(int)
}

// linearizabilityVisualization keeps what porcupine.Visualize needs.
// Visualize sorts the info's partial orders in place, hence the mutex.
type linearizabilityVisualization struct {
	mutex sync.Mutex
	model porcupine.Model
	info  porcupine.LinearizationInfo
}
