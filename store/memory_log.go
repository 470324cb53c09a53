package store

import (
	"bytes"

	"raftctl/raft"
)

// chunkedLog is the log of a Memory store: entries in chunks of a fixed
// size, so that a growing log never copies what it holds (a single slice
// copies the whole log each time it doubles: a stall of milliseconds once
// the log holds a few hundred thousand entries), and a snapshot drops
// whole chunks from the front instead of copying what follows it.
//
// Invariant: every chunk but the last holds chunkEntries entries; the
// log's first entry is chunks[0][skip].
type chunkedLog struct {
	chunks [][]raft.Entry
	skip   int
}

// chunkEntries is the size of a chunk: about 192 KiB of entries.
const chunkEntries = 4096

func (l *chunkedLog) length() int {
	if len(l.chunks) == 0 {
		return 0
	}
	return (len(l.chunks)-1)*chunkEntries + len(l.chunks[len(l.chunks)-1]) - l.skip
}

// at returns the entry at position i (0 is the first after the snapshot).
func (l *chunkedLog) at(i int) raft.Entry {
	i += l.skip
	return l.chunks[i/chunkEntries][i%chunkEntries]
}

// truncate keeps the first n entries.
func (l *chunkedLog) truncate(n int) {
	if n == 0 {
		l.reset()
		return
	}
	end := l.skip + n // positions 0..end-1 of the chunks stay
	keep := (end + chunkEntries - 1) / chunkEntries
	for i := keep; i < len(l.chunks); i++ {
		clear(l.chunks[i])
		l.chunks[i] = nil
	}
	l.chunks = l.chunks[:keep]
	last := l.chunks[keep-1]
	lastLength := end - (keep-1)*chunkEntries
	clear(last[lastLength:]) // let the dropped commands go
	l.chunks[keep-1] = last[:lastLength]
}

// append adds entries at the end, copying the Entry values (not their
// Command bytes: Memory says why).
func (l *chunkedLog) append(entries []raft.Entry) {
	for len(entries) > 0 {
		if len(l.chunks) == 0 || len(l.chunks[len(l.chunks)-1]) == chunkEntries {
			capacity := chunkEntries
			if len(l.chunks) == 0 {
				// A small log (a lesson's) stays small; the first chunk
				// grows up to full size as appends do.
				capacity = min(len(entries), chunkEntries)
			}
			l.chunks = append(l.chunks, make([]raft.Entry, 0, capacity))
		}
		last := &l.chunks[len(l.chunks)-1]
		room := chunkEntries - len(*last)
		taken := min(room, len(entries))
		*last = append(*last, entries[:taken]...)
		entries = entries[taken:]
	}
}

// dropFirst removes the first n entries (a snapshot replaced them).
func (l *chunkedLog) dropFirst(n int) {
	if n >= l.length() {
		l.reset()
		return
	}
	start := l.skip
	l.skip += n
	for l.skip >= chunkEntries {
		clear(l.chunks[0][start:])
		l.chunks[0] = nil
		l.chunks = l.chunks[1:]
		l.skip -= chunkEntries
		start = 0
	}
	clear(l.chunks[0][start:l.skip])
}

func (l *chunkedLog) reset() {
	clear(l.chunks)
	l.chunks, l.skip = nil, 0
}

// clone returns the entries as one slice of copies, Command bytes
// included.
func (l *chunkedLog) clone() []raft.Entry {
	n := l.length()
	if n == 0 {
		return nil
	}
	entries := make([]raft.Entry, 0, n)
	for i, chunk := range l.chunks {
		if i == 0 {
			chunk = chunk[l.skip:]
		}
		for _, entry := range chunk {
			entry.Command = bytes.Clone(entry.Command)
			entries = append(entries, entry)
		}
	}
	return entries
}
