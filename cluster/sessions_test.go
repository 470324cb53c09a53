package cluster

import (
	"testing"
	"time"

	"raftctl/check"
	"raftctl/raft"
	"raftctl/store"
)

// retriedPut runs the scenario of thesis §6.3: client A's put x=1 commits,
// but its leader never learns it, so A gives up on that leader and sends
// the same request to the new one. Meanwhile other requests read x=1,
// write x=2 and read x=2. It returns the value read after A's retry and
// the linearizability verdict of the whole history.
func retriedPut(t *testing.T, sessionsOff bool) (string, check.LinearizabilityResult) {
	t.Helper()
	settings := DefaultSettings()
	settings.SessionsOff = sessionsOff
	c := newCluster(t, 3, settings)
	campaign(t, c, 1)
	// n1's AppendEntries reach n2 and n3, but their answers never come
	// back: n1 cannot commit, steps down (CheckQuorum, thesis §6.2), and a
	// new leader commits the entry.
	must(t, c.Cut(2, 1, false))
	must(t, c.Cut(3, 1, false))
	retried, err := c.Submit(10, store.Command{Op: store.OpPut, Key: "x", Value: "1"}, raft.None)
	must(t, err)
	c.Advance(time.Second)
	if retried.Done {
		t.Fatalf("client A finished early: %+v", retried)
	}
	read := func(want string) {
		t.Helper()
		call, err := c.Get("x", raft.None)
		must(t, err)
		if call.Err != nil || call.Result.Value != want {
			t.Fatalf("get x = %q, %v; want %q", call.Result.Value, call.Err, want)
		}
	}
	read("1")
	put, err := c.Put("x", "2", raft.None)
	must(t, err)
	if put.Err != nil {
		t.Fatal(put.Err)
	}
	read("2")
	c.Wait(retried)
	if retried.Err != nil {
		t.Fatalf("client A's retry: %v", retried.Err)
	}
	final, err := c.Get("x", raft.None)
	must(t, err)
	result, err := c.CheckLinearizability(10 * time.Second)
	must(t, err)
	return final.Result.Value, result
}

// TestSessionsStopDuplicates: with sessions, the retry is answered from
// the session and x stays 2 (thesis §6.3).
func TestSessionsStopDuplicates(t *testing.T) {
	value, result := retriedPut(t, false)
	if value != "2" || result.Outcome != check.Linearizable {
		t.Errorf("with sessions: x = %q, %v; want 2, linearizable", value, result.Outcome)
	}
}

// TestWithoutSessionsARetryAppliesTwice: without sessions the retried put
// executes again, x goes back to 1 after a read saw 2, and the
// linearizability checker proves the history impossible.
func TestWithoutSessionsARetryAppliesTwice(t *testing.T) {
	value, result := retriedPut(t, true)
	if value != "1" || result.Outcome != check.NotLinearizable {
		t.Errorf("without sessions: x = %q, %v; want 1, not linearizable", value, result.Outcome)
	}
}
