package cluster

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"raftctl/raft"
	"raftctl/store"
)

// FuzzControlRequest sends a node's control endpoint any payload after a
// proper hello: whatever it is (garbage, a request of an unknown kind,
// absurd fields), the node neither panics nor stops answering, so a
// status request on a new connection still gets its answer. The payload
// arrives already authenticated (net/tcp checks the frame; FuzzReadFrame
// and FuzzParseHandshake cover the bytes before it).
func FuzzControlRequest(f *testing.F) {
	for _, request := range []controlRequest{
		{ID: 2, Op: opStatus}, {ID: 2, Op: opLog, From: 1}, {ID: 2, Op: opKV},
		{ID: 2, Op: opKill}, {ID: 2, Op: opRestart, Wipe: true}, {ID: 2, Op: opCampaign},
		{ID: 2, Op: opRules, Rules: &LinkRules{}},
		{ID: 2, Op: opPropose, Command: store.Command{Op: store.OpPut, Key: "x", Value: "1"}, Timeout: time.Millisecond},
		{ID: 2, Op: opRead, Key: "x", Read: ReadLease, Timeout: time.Millisecond},
		{ID: 2, Op: opLocalRead, Key: "x"}, {ID: 2, Op: opSubscribe, Messages: true},
		{ID: 2, Op: "no-such-op"}, {ID: 0, Op: opStatus},
	} {
		f.Add(encodeControl(request))
	}
	f.Add([]byte(`{"id":2,"op":"rules","rules":{"cut":[-1],"drop":{"n9":7}}}`))
	f.Add([]byte(`{"id":2,"op":"log","from":18446744073709551615}`))
	f.Add([]byte(`{"id":2,"op":"propose","timeout":-5}`))
	f.Add([]byte("\x00\xff not json"))

	host := startFuzzHost(f)
	connect := func(t *testing.T) pipeEnd {
		client, server := newPipe()
		go host.ServeControl(server)
		send(t, client, controlRequest{ID: 1, Op: opHello, Version: ControlVersion})
		if response := receive(t, client); response.Hello == nil {
			t.Fatalf("no hello back: %+v", response)
		}
		return client
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		fuzzed := connect(t)
		defer fuzzed.Close()
		if err := fuzzed.Send(payload); err != nil {
			t.Fatal(err)
		}
		// The node still answers, on a connection of its own.
		checker := connect(t)
		defer checker.Close()
		send(t, checker, controlRequest{ID: 7, Op: opStatus})
		for {
			response := receive(t, checker)
			if response.ID == 7 {
				if response.Status == nil && response.Error == "" {
					t.Fatalf("an empty answer to status: %+v", response)
				}
				return
			}
		}
	})
}

func send(t *testing.T, conn pipeEnd, request controlRequest) {
	t.Helper()
	if err := conn.Send(encodeControl(request)); err != nil {
		t.Fatal(err)
	}
}

// receive waits for the next message; a node that stops answering fails
// the test after a generous bound (a fuzz input must not hang it).
func receive(t *testing.T, conn pipeEnd) controlResponse {
	t.Helper()
	type result struct {
		payload []byte
		err     error
	}
	done := make(chan result, 1)
	go func() {
		payload, err := conn.Receive()
		done <- result{payload, err}
	}()
	select {
	case got := <-done:
		if got.err != nil {
			t.Fatalf("the node closed the connection: %v", got.err)
		}
		var response controlResponse
		if err := json.Unmarshal(got.payload, &response); err != nil {
			t.Fatalf("the node sent something that is not a response: %v", err)
		}
		return response
	case <-time.After(10 * time.Second):
		t.Fatal("the node did not answer within 10s")
		return controlResponse{}
	}
}

// injecting is a control connection that slips one payload from the node
// in after the hello answer, as a broken or hostile node could.
type injecting struct {
	pipeEnd
	payload  []byte
	answered int
}

func (c *injecting) Receive() ([]byte, error) {
	if c.answered == 1 && c.payload != nil {
		payload := c.payload
		c.payload = nil
		return payload, nil
	}
	c.answered++
	return c.pipeEnd.Receive()
}

// FuzzControlResponse hands the REPL's side (Remote) any payload from a
// node, in the middle of a real conversation: it never panics, and the
// cluster still answers status, reads and writes.
func FuzzControlResponse(f *testing.F) {
	for _, response := range []controlResponse{
		{ID: 0, Record: &controlRecord{Kind: RecordEvent, Node: 1, Event: &raft.Event{Kind: raft.EventRoleChanged, Role: raft.Leader, Term: 9}}},
		{ID: 0, Record: &controlRecord{Kind: RecordViolation, Node: 1}},
		{ID: 0, Record: &controlRecord{Kind: RecordApply, Node: 1, Entry: &raft.Entry{Index: 1 << 62, Term: 3}}},
		{ID: 99, Error: "unknown request"},
		{ID: 2, Status: &controlStatus{}},
	} {
		f.Add(encodeControl(response))
	}
	f.Add([]byte(`{"record":{"kind":200,"node":255,"event":{"Kind":250,"Role":9,"Reason":77}}}`))
	f.Add([]byte(`{"id":18446744073709551615}`))
	f.Add([]byte("not json at all"))
	host := startFuzzHost(f)
	f.Fuzz(func(t *testing.T, payload []byte) {
		injected := false
		dial := func(ctx context.Context, address string) (ControlConn, error) {
			client, server := newPipe()
			go host.ServeControl(server)
			if injected {
				return client, nil
			}
			injected = true
			return &injecting{pipeEnd: client, payload: payload}, nil
		}
		remote, err := Connect(context.Background(), RemoteConfig{Nodes: map[NodeID]string{1: "n1"}, Dial: dial, RetryInterval: 10 * time.Millisecond})
		if err != nil {
			return // the payload spoiled the handshake: refusing to connect is fine
		}
		defer remote.Close()
		remote.Collect()
		_ = remote.Status()
		if !remote.WaitFor(func(rows []NodeStatus) bool { return len(rows) == 1 && rows[0].Role == raft.Leader }, 10*time.Second) {
			t.Fatalf("no leader after the payload: %+v", remote.Status())
		}
		call, err := remote.Put("x", "1", raft.None)
		if err != nil || call.Err != nil {
			t.Fatalf("put after the payload: %v %v", err, call)
		}
	})
}

// startFuzzHost starts a one-node Host on memory storage for a fuzz test.
func startFuzzHost(f *testing.F) *Host {
	ids := []raft.NodeID{1}
	network := newMemoryNetwork(ids)
	host, err := StartHost(HostConfig{ID: 1, Peers: ids, Settings: testHostSettings(),
		Storage: memoryStorage{store.NewMemory()}, Transport: network.endpoint(1), Seed: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = host.Close() })
	return host
}
