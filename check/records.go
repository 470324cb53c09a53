package check

import (
	"bytes"
	"math"
	"slices"

	"raftctl/raft"
)

// indexRecords is what the checker remembers about each index of the
// history, beyond the nodes' logs: the entry seen committed there (Leader
// Completeness) and the first entry applied there (State Machine Safety).
//
// The records lie in pages of consecutive indexes, not in a map: the
// indexes a run touches are consecutive, an observation reads the records
// of neighbouring indexes one after another, and a page is allocated once,
// never copied as the history grows. The records hold no pointers (their
// commands are positions in an arena), so the garbage collector need not
// scan them.
//
// The pages below every node's snapshot are dropped once no check can need
// them any more (Checker.forgetRecords): the memory follows the span of
// indexes some node may still hold, not the length of the history.
type indexRecords struct {
	// pages[k] holds the records of page number firstPage+k, the indexes
	// (firstPage+k)*pageRecords+1 and on; nil where nothing was recorded.
	pages     []*recordPage
	firstPage raft.Index
	// low and high bound the indexes recorded in pages (0 for none).
	low, high raft.Index
	// far holds the records of indexes too far from the pages to make room
	// for (a stray index from a real cluster's record stream, such as
	// 1<<62, must not allocate every page up to it); nil in a normal run.
	far map[raft.Index]*indexRecord
	// others holds, per index, the entries seen committed there that
	// differ from the first one: only ever after a safety violation.
	others map[raft.Index][]committedEntry
	// forgotten is the last index forgotten for good: no record is kept at
	// it or below (Checker.forgetRecords).
	forgotten raft.Index
	commands  commandArena
}

// pageRecords is how many indexes a page of records holds.
const pageRecords = 128

// maximumGapPages is how many empty pages the records grow by at once to
// reach a new index, beyond as many as they hold; an index further away
// gets a record of its own in far.
const maximumGapPages = 128

// recordPage is the records of pageRecords consecutive indexes.
type recordPage struct {
	records [pageRecords]indexRecord
	// lowestCommand is the lowest arena position of a command the page's
	// records refer to.
	lowestCommand int64
}

// indexRecord is what is remembered about one index.
type indexRecord struct {
	// committed is the first entry seen committed at the index, when
	// committedSeen; indexRecords.others holds the different ones.
	committed     committedEntry
	applied       appliedEntry
	committedSeen bool
	// appliedSeen: applied is the first entry any node applied there.
	appliedSeen bool
}

// page returns the page of index from pages and its position there, or
// nil.
func (w *indexRecords) page(index raft.Index) (*recordPage, int) {
	number := (index - 1) / pageRecords
	if index == 0 || number < w.firstPage || number-w.firstPage >= raft.Index(len(w.pages)) {
		return nil, 0
	}
	return w.pages[number-w.firstPage], int((index - 1) % pageRecords)
}

// paged returns the record of index in the pages, or nil.
func (w *indexRecords) paged(index raft.Index) *indexRecord {
	if index <= w.forgotten {
		return nil
	}
	page, position := w.page(index)
	if page == nil {
		return nil
	}
	return &page.records[position]
}

// find returns the record of index, or nil when there is none.
func (w *indexRecords) find(index raft.Index) *indexRecord {
	if w.far != nil {
		if record, found := w.far[index]; found {
			return record
		}
	}
	return w.paged(index)
}

// slot returns the record of index, making room for it. It returns nil for
// index 0 and for forgotten indexes (at or below forgotten, see
// forgetThrough).
func (w *indexRecords) slot(index raft.Index) *indexRecord {
	if index == 0 || index <= w.forgotten {
		return nil
	}
	if w.far != nil {
		if record, found := w.far[index]; found {
			return record
		}
	}
	number := (index - 1) / pageRecords
	held := raft.Index(len(w.pages))
	switch {
	case held == 0:
		w.pages, w.firstPage = append(w.pages[:0], nil), number
	case number < w.firstPage && w.firstPage-number <= max(held, maximumGapPages):
		w.pages = slices.Insert(w.pages, 0, make([]*recordPage, w.firstPage-number)...)
		w.firstPage = number
	case number >= w.firstPage && number < w.firstPage+held:
		// The page's place is there already.
	case number >= w.firstPage+held && number-w.firstPage-held < max(held, maximumGapPages):
		for number >= w.firstPage+raft.Index(len(w.pages)) {
			w.pages = append(w.pages, nil)
		}
	default:
		if w.far == nil {
			w.far = make(map[raft.Index]*indexRecord)
		}
		record := &indexRecord{}
		w.far[index] = record
		return record
	}
	page := &w.pages[number-w.firstPage]
	if *page == nil {
		*page = &recordPage{lowestCommand: math.MaxInt64}
	}
	if w.low == 0 || index < w.low {
		w.low = index
	}
	w.high = max(w.high, index)
	return &(*page).records[(index-1)%pageRecords]
}

// keepCommand copies a command into the arena for the record of index,
// which slot made.
func (w *indexRecords) keepCommand(index raft.Index, command []byte) commandRef {
	reference := w.commands.add(command)
	if page, _ := w.page(index); page != nil {
		page.lowestCommand = min(page.lowestCommand, reference.at)
	}
	return reference
}

// committedCount returns how many different entries were seen committed at
// index, whose record is r.
func (w *indexRecords) committedCount(index raft.Index, r *indexRecord) int {
	if !r.committedSeen {
		return 0
	}
	return 1 + len(w.others[index])
}

// committedEntry returns the k-th entry seen committed at index, whose
// record is r; k < committedCount.
func (w *indexRecords) committedEntry(index raft.Index, r *indexRecord, k int) *committedEntry {
	if k == 0 {
		return &r.committed
	}
	return &w.others[index][k-1]
}

// addCommitted records another entry seen committed at index.
func (w *indexRecords) addCommitted(index raft.Index, r *indexRecord, e committedEntry) {
	if !r.committedSeen {
		r.committed, r.committedSeen = e, true
		return
	}
	if w.others == nil {
		w.others = make(map[raft.Index][]committedEntry)
	}
	w.others[index] = append(w.others[index], e)
}

// farIndexes returns the indexes from from on that have a record in far,
// in order.
func (w *indexRecords) farIndexes(from raft.Index) []raft.Index {
	if len(w.far) == 0 {
		return nil
	}
	var indexes []raft.Index
	for index := range w.far {
		if index >= from {
			indexes = append(indexes, index)
		}
	}
	slices.Sort(indexes)
	return indexes
}

// forgetThrough forgets the records of index and the indexes below it, for
// good: slot refuses them from now on. Whole pages are released, and the
// arena's commands that no kept record refers to.
func (w *indexRecords) forgetThrough(index raft.Index) {
	if index <= w.forgotten {
		return
	}
	w.forgotten = index
	lowest := w.commands.next
	for far, record := range w.far {
		if far <= index {
			delete(w.far, far)
			continue
		}
		if record.committedSeen {
			lowest = min(lowest, record.committed.command.at)
		}
		if record.appliedSeen {
			lowest = min(lowest, record.applied.command.at)
		}
	}
	for other, entries := range w.others {
		if other <= index {
			delete(w.others, other)
			continue
		}
		for _, e := range entries {
			lowest = min(lowest, e.command.at)
		}
	}
	for len(w.pages) > 0 && (w.firstPage+1)*pageRecords <= index {
		w.pages[0] = nil
		w.pages = w.pages[1:]
		w.firstPage++
	}
	for _, page := range w.pages {
		if page != nil {
			lowest = min(lowest, page.lowestCommand)
		}
	}
	w.low = max(w.low, index+1)
	if len(w.pages) == 0 || w.low > w.high {
		w.pages, w.low, w.high = nil, 0, 0
	}
	w.commands.forgetBelow(lowest)
}

// commandRef is where a command lies in a commandArena.
type commandRef struct {
	at     int64
	length uint32
}

// commandArena holds commands one after another in chunks, so that
// remembering one costs no allocation of its own and no pointer for the
// garbage collector to follow. Positions count bytes from the first one
// ever added; chunks wholly below the lowest position still referred to
// are released.
type commandArena struct {
	// chunks[k] holds the positions first+k*arenaChunkBytes and on.
	chunks [][]byte
	first  int64
	// next is the position of the next byte added.
	next int64
	// large holds the commands too large for a chunk, by position.
	large map[int64][]byte
}

// arenaChunkBytes is the size of a chunk; a command larger than a quarter
// of it is kept on its own. Small chunks keep a new checker small: a
// lesson or a campaign run makes thousands.
const arenaChunkBytes = 8 << 10

// add copies command into the arena.
func (a *commandArena) add(command []byte) commandRef {
	length := len(command)
	if length > arenaChunkBytes/4 {
		// Kept apart, under a position of its own (one byte of the arena).
		if a.large == nil {
			a.large = make(map[int64][]byte)
		}
		reference := a.add([]byte{0})
		reference.length = uint32(length)
		a.large[reference.at] = bytes.Clone(command)
		return reference
	}
	last := len(a.chunks) - 1
	if last < 0 || arenaChunkBytes-len(a.chunks[last]) < length {
		if last >= 0 {
			a.next = a.first + int64(len(a.chunks))*arenaChunkBytes
		} else {
			a.first = a.next
		}
		a.chunks = append(a.chunks, make([]byte, 0, arenaChunkBytes))
		last++
	}
	reference := commandRef{at: a.next, length: uint32(length)}
	a.chunks[last] = append(a.chunks[last], command...)
	a.next += int64(length)
	return reference
}

// bytes returns the command at reference. The slice aliases the arena.
func (a *commandArena) bytes(reference commandRef) []byte {
	switch {
	case reference.length == 0:
		return nil
	case reference.length > arenaChunkBytes/4:
		return a.large[reference.at]
	}
	offset := reference.at - a.first
	chunk := a.chunks[offset/arenaChunkBytes]
	start := int(offset % arenaChunkBytes)
	return chunk[start : start+int(reference.length)]
}

// truncate drops the commands at position at and after it, which must be
// the position of a command added (the commands of a log copy are added in
// index order, so truncating the log truncates its arena).
func (a *commandArena) truncate(at int64) {
	if at >= a.next || len(a.chunks) == 0 {
		return
	}
	chunk := min(int((at-a.first)/arenaChunkBytes), len(a.chunks)-1)
	clear(a.chunks[chunk+1:])
	a.chunks = a.chunks[:chunk+1]
	a.chunks[chunk] = a.chunks[chunk][:at-a.first-int64(chunk)*arenaChunkBytes]
	a.next = at
	for position := range a.large {
		if position >= at {
			delete(a.large, position)
		}
	}
}

// forgetBelow releases the chunks that hold only positions below at, and
// the large commands there.
func (a *commandArena) forgetBelow(at int64) {
	for len(a.chunks) > 1 && a.first+arenaChunkBytes <= at {
		a.chunks[0] = nil
		a.chunks = a.chunks[1:]
		a.first += arenaChunkBytes
	}
	for position := range a.large {
		if position < at {
			delete(a.large, position)
		}
	}
}
