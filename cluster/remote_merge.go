package cluster

import (
	"sort"
	"sync"
	"time"
)

// recordMerger merges the records of every node into one stream in time
// order. Records from different nodes arrive late and out of order (each
// on its own connection), so the merger holds each one for mergeWindow
// and releases them sorted by the time the node stamped them. Nodes'
// clocks agree only as well as NTP keeps them: records closer together
// than the clocks' difference may show in either order.
type recordMerger struct {
	started time.Time
	// releasing serializes release, so records go out in order.
	releasing sync.Mutex

	mu      sync.Mutex
	pending []stampedRecord
	arrival uint64
	seq     uint64

	subscribersMu sync.Mutex
	subscribers   subscribers
}

// stampedRecord is a record and the wall time its node gave it.
type stampedRecord struct {
	at      int64
	arrival uint64
	record  Record
}

const (
	// mergeWindow is how long a record waits for earlier ones.
	mergeWindow = 100 * time.Millisecond
	// mergeInterval is how often the merger releases records.
	mergeInterval = 20 * time.Millisecond
)

func newRecordMerger(started time.Time) *recordMerger {
	return &recordMerger{started: started}
}

// add queues a record stamped at (Unix nanoseconds).
func (m *recordMerger) add(at int64, record Record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.arrival++
	m.pending = append(m.pending, stampedRecord{at: at, arrival: m.arrival, record: record})
}

// run releases records until closing closes, then releases the rest.
func (m *recordMerger) run(closing <-chan struct{}) {
	ticker := time.NewTicker(mergeInterval)
	defer ticker.Stop()
	for {
		select {
		case <-closing:
			m.release(time.Now().Add(time.Hour))
			return
		case now := <-ticker.C:
			m.release(now.Add(-mergeWindow))
		}
	}
}

// release hands out, in time order, the records stamped before cutoff.
func (m *recordMerger) release(cutoff time.Time) {
	m.releasing.Lock()
	defer m.releasing.Unlock()
	m.mu.Lock()
	sort.Slice(m.pending, func(i, j int) bool {
		a, b := m.pending[i], m.pending[j]
		if a.at != b.at {
			return a.at < b.at
		}
		return a.arrival < b.arrival
	})
	limit := cutoff.UnixNano()
	count := sort.Search(len(m.pending), func(i int) bool { return m.pending[i].at > limit })
	ready := append([]stampedRecord(nil), m.pending[:count]...)
	m.pending = append(m.pending[:0], m.pending[count:]...)
	m.mu.Unlock()
	if len(ready) == 0 {
		return
	}
	m.subscribersMu.Lock()
	defer m.subscribersMu.Unlock()
	for _, stamped := range ready {
		m.seq++
		record := stamped.record
		record.Seq = m.seq
		record.Time = max(0, time.Duration(stamped.at-m.started.UnixNano()))
		m.subscribers.hand(&record)
	}
}

// subscribe registers f for every record released from now on.
func (m *recordMerger) subscribe(f func(Record)) (cancel func()) {
	m.subscribersMu.Lock()
	defer m.subscribersMu.Unlock()
	return m.subscribers.add(&m.subscribersMu, f)
}
