package raft

// How the log holds its entries in memory. Nothing here is Raft: it is
// the array behind log.go, built so that a long log costs no more per
// entry than a short one.
//
// One array that doubles when full copies the whole log at each doubling,
// and allocating the new array (megabytes, for a long log) makes the
// garbage collector charge the node for it at once: a step that should
// take microseconds took milliseconds. So the log is kept in chunks of
// chunkSize entries: an append that fills a chunk starts a new one, and
// nothing is ever copied to make room.
//
// Entries never change once written (log.go relies on it to share them
// with messages): truncation starts a fresh chunk, or caps the joined
// array, rather than writing over entries that may have been handed out.

// chunkSize is the number of entries in a chunk: 512 entries of 48 bytes,
// 24 KiB, a small allocation.
const chunkSize = 512

// logChunks is a sequence of entries, by position from 0.
type logChunks struct {
	// chunks hold the entries in order: every chunk has capacity
	// chunkSize, and every one but the last is full.
	chunks [][]Entry
	count  int
}

func (c *logChunks) length() int { return c.count }

// locate returns the chunk and the offset in it of position i.
func (c *logChunks) locate(i int) (chunk, offset int) {
	return i / chunkSize, i % chunkSize
}

// at returns the entry at position i, to read.
func (c *logChunks) at(i int) *Entry {
	chunk, offset := c.locate(i)
	return &c.chunks[chunk][offset]
}

// slice returns the entries at positions start <= i < end: part of a
// chunk when they lie in one (capped, so appending to it copies), else a
// copy.
func (c *logChunks) slice(start, end int) []Entry {
	if start >= end {
		return nil
	}
	first, offset := c.locate(start)
	last, lastOffset := c.locate(end - 1)
	if first == last {
		return c.chunks[first][offset : lastOffset+1 : lastOffset+1]
	}
	joined := make([]Entry, 0, end-start)
	for i := start; i < end; {
		chunk, offset := c.locate(i)
		n := min(len(c.chunks[chunk])-offset, end-i)
		joined = append(joined, c.chunks[chunk][offset:offset+n]...)
		i += n
	}
	return joined
}

// push appends entries at the end.
func (c *logChunks) push(entries ...Entry) {
	c.count += len(entries)
	for len(entries) > 0 {
		last := len(c.chunks) - 1
		if last < 0 || len(c.chunks[last]) == chunkSize {
			c.chunks = append(c.chunks, make([]Entry, 0, chunkSize))
			last++
		}
		n := min(chunkSize-len(c.chunks[last]), len(entries))
		c.chunks[last] = append(c.chunks[last], entries[:n]...)
		entries = entries[n:]
	}
}

// truncate keeps the first n entries. The entries removed stay as they
// were in memory, for whoever holds them: a partly kept chunk is copied
// into a fresh one, so that the next append goes elsewhere.
func (c *logChunks) truncate(n int) {
	if n >= c.count {
		return
	}
	c.count = n
	chunk, offset := c.locate(n)
	var fresh []Entry
	if offset > 0 {
		fresh = make([]Entry, offset, chunkSize)
		copy(fresh, c.chunks[chunk])
	}
	clear(c.chunks[chunk:])
	c.chunks = c.chunks[:chunk]
	if fresh != nil {
		c.chunks = append(c.chunks, fresh)
	}
}

// dropFirst removes the first n entries, copying the rest so that the
// memory of the removed ones can be freed (log compaction, snapshot.go).
func (c *logChunks) dropFirst(n int) {
	kept := c.slice(min(n, c.count), c.count)
	c.reset()
	c.push(kept...)
}

// reset empties the log.
func (c *logChunks) reset() {
	c.chunks, c.count = nil, 0
}
