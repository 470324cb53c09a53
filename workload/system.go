package workload

import (
	"math"
	"slices"
	"time"
)

// System is one running 3-node cluster with an elected leader.
type System interface {
	// Commit issues the next count commands, keeping at most inFlight
	// outstanding, and returns once the leader has applied all of them.
	// It calls stamps.Issued(j) as it issues the j-th of them (from 0)
	// and stamps.Applied(j) once it sees that command applied; stamps may
	// be nil (the warm-up).
	Commit(count, inFlight int, stamps *Stamps) error
	// Verify checks that the leader applied exactly the commands issued
	// since start and holds the last value written to every key (Verify).
	Verify() error
	Close() error
}

// Target is one thing to measure: a name and a way to start it.
type Target struct {
	Name string
	// Durable targets write to disk: they run Options.DurableOperations
	// per round, and get a fresh directory of their own to write in.
	Durable bool
	// MaxInFlight, when above 0, skips the loads above it (a target that
	// only makes sense one command at a time).
	MaxInFlight int
	// Start builds the cluster and elects its leader; dir is an empty
	// directory for durable targets, "" for the others.
	Start func(seed uint64, dir string) (System, error)
}

// Stamps records when each command of a round was issued and seen
// applied, as offsets from the round's start. Issued and Applied may be
// called from several goroutines, for different commands.
type Stamps struct {
	start           time.Time
	issued, applied []time.Duration
}

// NewStamps returns stamps for count commands, starting the clock now.
func NewStamps(count int) *Stamps {
	return &Stamps{start: time.Now(), issued: make([]time.Duration, count), applied: make([]time.Duration, count)}
}

// Issued stamps command j as issued now.
func (s *Stamps) Issued(j int) {
	if s != nil {
		s.issued[j] = time.Since(s.start)
	}
}

// Applied stamps command j as seen applied now.
func (s *Stamps) Applied(j int) {
	if s != nil {
		s.applied[j] = time.Since(s.start)
	}
}

// Latencies returns every command's latency, sorted.
func (s *Stamps) Latencies() []time.Duration {
	latencies := make([]time.Duration, len(s.issued))
	for j := range latencies {
		latencies[j] = s.applied[j] - s.issued[j]
	}
	slices.Sort(latencies)
	return latencies
}

// Percentile returns the latency below which fraction of the sorted
// latencies lie (nearest rank).
func Percentile(sorted []time.Duration, fraction float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(fraction*float64(len(sorted)))) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// WriteCounter is a System that counts its nodes' storage writes (one
// bbolt transaction each on disk), so a benchmark can report how many
// commands each write carries (group commit, thesis §10.2.2).
type WriteCounter interface {
	Writes() uint64
}
