package check

// The HTML page of a linearizability check, drawn by porcupine: one row of
// boxes per client, one tab per key, and for a violation the longest order
// the search found. Open it in a browser and hover over the boxes.

import (
	"errors"
	"html"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/anishathalye/porcupine"
)

// WriteVisualization writes porcupine's HTML visualization of the checked
// history to w: a self-contained page (no network needed) showing each
// operation as a box on its client's row, and the order found (or, for a
// violation, the longest partial order and where it got stuck). Operations
// left out of the check are drawn on a row of their own, "left out".
func (r LinearizabilityResult) WriteVisualization(w io.Writer) error {
	if r.visualization == nil {
		return errors.New("nothing to visualize: the result does not come from CheckLinearizability")
	}
	r.visualization.mutex.Lock()
	defer r.visualization.mutex.Unlock()
	return porcupine.Visualize(r.visualization.model, r.visualization.info, w)
}

// maximumClientRow bounds the client IDs drawn on the row of their own
// number. Small IDs (the REPL's client 1, a scenario's clients 1 to 5)
// then match the row labels; larger ones would leave pages of empty rows,
// so clients are numbered 0, 1, 2... in ID order instead.
const maximumClientRow = 32

// clientRows returns the visualization row of every client in history.
func clientRows(history []Operation) map[uint64]int {
	rows := make(map[uint64]int)
	small := true
	for _, operation := range history {
		rows[operation.ClientID] = 0
		small = small && operation.ClientID < maximumClientRow
	}
	for rank, id := range slices.Sorted(maps.Keys(rows)) {
		rows[id] = rank
		if small {
			rows[id] = int(id)
		}
	}
	return rows
}

// describeForVisualization returns the text of an operation's box, such as
// "get x -> 1". The client is named only when its row number is not its ID.
func describeForVisualization(operation Operation, rows map[uint64]int) string {
	description := operation.describe()
	if operation.Outcome == MaybeApplied {
		description += " (timed out)"
	}
	if uint64(rows[operation.ClientID]) != operation.ClientID {
		return "client " + strconv.FormatUint(operation.ClientID, 10) + ": " + description
	}
	return description
}

// leftOutAnnotations draws the operations that CheckLinearizability left
// out on a row of their own, so that a learner sees them and why.
func leftOutAnnotations(history []Operation, leftOut []int) []porcupine.Annotation {
	annotations := make([]porcupine.Annotation, 0, len(leftOut))
	for _, position := range leftOut {
		operation := history[position]
		reason := " (not applied)"
		if operation.Outcome == MaybeApplied {
			reason = " (timed out, read nothing)"
		}
		annotations = append(annotations, porcupine.Annotation{
			Tag:         "left out",
			Start:       operation.Call,
			End:         operation.Return,
			Description: operation.describe() + reason,
			Details:     operation.String(),
		})
	}
	return annotations
}

// escapeHTML protects text that porcupine's page inserts as HTML (state
// descriptions and metadata), since keys and values are arbitrary strings.
func escapeHTML(text string) string { return html.EscapeString(text) }
