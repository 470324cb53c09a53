package cluster

import "raftctl/check"

// historyLog holds the client history in chunks of a fixed size: it grows
// by one operation per request up to MaxHistory, and a single slice would
// copy all of it each time it doubled (most of the history's cost at 256
// requests in flight).
type historyLog struct {
	chunks [][]check.Operation
	length int
}

// historyChunk is how many operations one chunk holds (about 112 KiB).
const historyChunk = 1024

func (h *historyLog) len() int { return h.length }

func (h *historyLog) add(operation check.Operation) {
	if h.length%historyChunk == 0 {
		h.chunks = append(h.chunks, make([]check.Operation, 0, historyChunk))
	}
	last := &h.chunks[len(h.chunks)-1]
	*last = append(*last, operation)
	h.length++
}

// all returns a copy of the history, oldest first.
func (h *historyLog) all() []check.Operation {
	operations := make([]check.Operation, 0, h.length)
	for _, chunk := range h.chunks {
		operations = append(operations, chunk...)
	}
	return operations
}
