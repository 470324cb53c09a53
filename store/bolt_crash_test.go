package store_test

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

var (
	crashRounds = flag.Int("crash-rounds", 20, "kill points in TestBoltSurvivesKill")
	crashSeed   = flag.Uint64("crash-seed", 1, "seed of TestBoltSurvivesKill's workload and kill points")
)

// crashWorkload is the child's sequence of Saves, a function of a seed and
// of the state the store starts from, so the parent can recompute what
// the child wrote. Batches have random sizes, commands random lengths (up
// to a few pages), and some batches truncate the log's end as a follower
// repairing its log does (thesis §3.5).
type crashWorkload struct {
	random *rand.Rand
	state  raft.HardState
	log    []raft.Entry
}

func newCrashWorkload(seed uint64, state raft.HardState, log []raft.Entry) *crashWorkload {
	return &crashWorkload{random: rand.New(rand.NewPCG(seed, 0x5eed)), state: state, log: log}
}

// next returns the next batch and applies it to the workload's own copy of
// the log.
func (workload *crashWorkload) next() (raft.HardState, []raft.Entry) {
	random := workload.random
	if workload.state.CurrentTerm == 0 || random.IntN(4) == 0 {
		workload.state = raft.HardState{CurrentTerm: workload.state.CurrentTerm + 1, VotedFor: raft.NodeID(random.IntN(4))}
	}
	first := raft.Index(len(workload.log)) + 1
	if len(workload.log) > 0 && random.IntN(5) == 0 {
		first -= raft.Index(1 + random.IntN(min(len(workload.log), 8)))
	}
	entries := make([]raft.Entry, 1+random.IntN(8))
	for i := range entries {
		entry := raft.Entry{Index: first + raft.Index(i), Term: workload.state.CurrentTerm, Kind: raft.EntryCommand}
		switch random.IntN(10) {
		case 0:
			entry.Kind = raft.EntryNoop
		case 1:
			entry.Command = randomBytes(random, 4096+random.IntN(8192))
		default:
			entry.Command = randomBytes(random, random.IntN(300))
		}
		entries[i] = entry
	}
	workload.log = append(workload.log[:first-1], entries...)
	return workload.state, entries
}

func randomBytes(random *rand.Rand, length int) []byte {
	data := make([]byte, length)
	for i := range data {
		data[i] = byte(random.Uint32())
	}
	return data
}

// runCrashChild saves batches until it is killed, printing "durable N"
// after the Nth Save returns: from then on batch N must survive.
func runCrashChild(t *testing.T) {
	seed, err := strconv.ParseUint(os.Getenv(helperSeed), 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", helperSeed, err)
	}
	options := store.BoltOptions{LockTimeout: 10 * time.Second, NoSync: os.Getenv(helperNoSync) == "true"}
	bolt, err := store.OpenBolt(os.Getenv(helperPath), options)
	if err != nil {
		t.Fatal(err)
	}
	defer bolt.Close()
	state, log, err := bolt.InitialState()
	if err != nil {
		t.Fatal(err)
	}
	workload := newCrashWorkload(seed, state, log)
	for batch := 1; batch <= 100_000; batch++ {
		state, entries := workload.next()
		if err := bolt.Save(state, entries); err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		fmt.Printf("durable %d\n", batch)
	}
}

// TestBoltSurvivesKill is thesis §3.8's promise tested with real crashes: a
// child process saves batches and reports each one durable; the parent
// SIGKILLs it at a random point, reopens the file, and demands every batch
// reported durable, and at most the one batch in flight beyond. Each round
// continues on the file the last crash left, so recovery is tested too.
//
// A SIGKILL loses the process, not the kernel's page cache, so every other
// round skips fsync: Saves are then fast enough that kills land anywhere
// in a commit, not mostly while it waits for the disk. What this test
// cannot show is a power cut, which only fsync survives.
func TestBoltSurvivesKill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.db")
	killPoints := rand.New(rand.NewPCG(*crashSeed, 0xdead))
	var state raft.HardState
	var log []raft.Entry
	var inFlightSurvived, batches int
	for round := range *crashRounds {
		seed := *crashSeed*1_000_003 + uint64(round)
		noSync := round%2 == 1
		reported, stderr := runAndKill(t, path, seed, noSync, killPoints.IntN(25))
		batches += reported

		// What the child must have written: everything it reported, and
		// perhaps the batch it was saving when it died.
		workload := newCrashWorkload(seed, state, cloneLog(log))
		for range reported {
			workload.next()
		}
		durableState, durableLog := workload.state, cloneLog(workload.log)
		workload.next()
		inFlightState, inFlightLog := workload.state, workload.log

		bolt, err := store.OpenBolt(path, store.BoltOptions{LockTimeout: time.Second})
		if err != nil {
			t.Fatalf("round %d (seed %d, killed after batch %d): reopen: %v\nchild stderr:\n%s", round, seed, reported, err, stderr)
		}
		gotState, gotLog, err := bolt.InitialState()
		if closeErr := bolt.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			t.Fatalf("round %d: InitialState: %v", round, err)
		}
		switch {
		case gotState == durableState && sameLog(gotLog, durableLog):
			state, log = durableState, durableLog
		case gotState == inFlightState && sameLog(gotLog, inFlightLog):
			state, log = inFlightState, inFlightLog
			inFlightSurvived++
		default:
			t.Fatalf("round %d (seed %d): child reported batch %d durable, but the store holds term %d, %d entries "+
				"(%s); want term %d with %d entries, or term %d with %d entries (the batch in flight)\nchild stderr:\n%s",
				round, seed, reported, gotState.CurrentTerm, len(gotLog), firstDifference(gotLog, durableLog),
				durableState.CurrentTerm, len(durableLog), inFlightState.CurrentTerm, len(inFlightLog), stderr)
		}
	}
	t.Logf("%d kills after %d batches reported durable; the batch in flight survived %d times; the log ends at index %d, term %d",
		*crashRounds, batches, inFlightSurvived, len(log), state.CurrentTerm)
}

// runAndKill starts a crash child on path (saving with NoSync if noSync)
// and SIGKILLs it once it has
// reported killAfter batches (at once when killAfter is 0). It returns the
// last batch the child reported durable, counting lines still in the pipe
// after the kill: the child wrote them, so their Saves had returned.
func runAndKill(t *testing.T, path string, seed uint64, noSync bool, killAfter int) (int, string) {
	t.Helper()
	child, stdout, stderr := startHelper(t, "crash", helperPath+"="+path,
		helperSeed+"="+strconv.FormatUint(seed, 10), helperNoSync+"="+strconv.FormatBool(noSync))
	killed := false
	kill := func() {
		if err := child.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatalf("killing the child: %v", err)
		}
		killed = true
	}
	if killAfter == 0 {
		kill()
	}
	reported := 0
	scanner := bufio.NewScanner(stdout)
	for scanner.Scan() {
		if batch, ok := parseDurable(scanner.Text()); ok {
			reported = batch
		}
		if !killed && reported >= killAfter {
			kill()
		}
	}
	err := child.Wait()
	if !killed {
		t.Fatalf("the child exited before it was killed (%v)\nstderr:\n%s", err, stderr)
	}
	return reported, stderr.String()
}

func cloneLog(log []raft.Entry) []raft.Entry {
	return append([]raft.Entry(nil), log...)
}

// sameLog compares logs field by field; a nil and an empty command are the
// same, as in the contract suite.
func sameLog(got, want []raft.Entry) bool {
	return firstDifference(got, want) == ""
}

// firstDifference describes where got and want first differ, or returns ""
// when they are the same.
func firstDifference(got, want []raft.Entry) string {
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Index != w.Index || g.Term != w.Term || g.Kind != w.Kind || !bytes.Equal(g.Command, w.Command) {
			return fmt.Sprintf("entry %d differs: index %d term %d kind %d, %d command bytes; want index %d term %d kind %d, %d bytes",
				i+1, g.Index, g.Term, g.Kind, len(g.Command), w.Index, w.Term, w.Kind, len(w.Command))
		}
	}
	if len(got) != len(want) {
		return fmt.Sprintf("%d entries, want %d", len(got), len(want))
	}
	return ""
}
