package cluster

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"raftctl/check"
	"raftctl/net/sim"
	"raftctl/raft"
)

// TestRemoteDrivesHosts: a Remote finds the leader of three Hosts, writes,
// reads in every mode and deletes; the logs agree, the safety checker and
// the linearizability check are clean.
func TestRemoteDrivesHosts(t *testing.T) {
	c := startMemoryCluster(t, 3)
	remote := c.connect()
	waitLeader(t, remote)
	put, err := remote.Put("x", "1", raft.None)
	if err != nil || put.Err != nil {
		t.Fatalf("put x 1: %v %v", err, put.Err)
	}
	for _, mode := range []ReadMode{ReadThroughLog, ReadIndex, ReadLease} {
		get, err := remote.Read("x", raft.None, mode)
		if err != nil || get.Err != nil || get.Result.Value != "1" || !get.Result.Found {
			t.Fatalf("get x read=%v: %v %v %+v", mode, err, get.Err, get.Result)
		}
	}
	del, err := remote.Delete("x", raft.None)
	if err != nil || del.Err != nil || del.Result.Value != "1" {
		t.Fatalf("del x: %v %v %+v", err, del.Err, del.Result)
	}
	waitLogsAgree(t, remote)
	for _, id := range c.ids {
		if _, found, err := remote.GetLocal("x", id); err != nil || found {
			t.Errorf("local read of x on %v after del: found %v, %v", id, found, err)
		}
	}
	if violations := remote.Violations(); len(violations) > 0 {
		t.Errorf("violations: %v", violations)
	}
	if counts := remote.CheckCounts(); counts[check.LogMatching] == 0 {
		t.Errorf("the checker ran no Log Matching check: %v", counts)
	}
	result, err := remote.CheckLinearizability(5 * time.Second)
	if err != nil || result.Outcome != check.Linearizable {
		t.Errorf("linearizability: %+v %v", result, err)
	}
	if history := remote.History(); len(history) != 8 {
		t.Errorf("history has %d operations, want 8 (put, 3 gets, del, 3 local reads)", len(history))
	}
}

// TestRemoteKillRestartHost: the control endpoint crashes a leader's core
// (the host stays up); the others elect a new leader and commit; the
// restarted core recovers its log from storage and catches up.
func TestRemoteKillRestartHost(t *testing.T) {
	c := startMemoryCluster(t, 3)
	remote := c.connect()
	var mu sync.Mutex
	var faults []string
	cancel := remote.Subscribe(func(record Record) {
		if record.Kind == RecordFault {
			mu.Lock()
			faults = append(faults, record.Node.String()+" "+record.Text)
			mu.Unlock()
		}
	})
	defer cancel()
	leader := waitLeader(t, remote)
	if _, err := remote.Put("a", "1", raft.None); err != nil {
		t.Fatal(err)
	}
	if err := remote.Kill(leader); err != nil {
		t.Fatal(err)
	}
	if err := remote.Kill(leader); !errors.Is(err, ErrNodeDown) {
		t.Errorf("kill of a killed node: %v, want ErrNodeDown", err)
	}
	if status := remote.Status()[leader-1]; status.Up || status.LastIndex == 0 {
		t.Errorf("killed %v: %+v, want down with its stored log", leader, status)
	}
	put, err := remote.Put("b", "2", raft.None)
	if err != nil || put.Err != nil || put.ServedBy == leader {
		t.Fatalf("put after the leader's crash: %v %+v", err, put)
	}
	if err := remote.Restart(leader, false); err != nil {
		t.Fatal(err)
	}
	waitLogsAgree(t, remote)
	contents, err := remote.KV(leader)
	if err != nil || contents["a"] != "1" || contents["b"] != "2" {
		t.Errorf("restarted %v holds %v (%v), want a=1 b=2", leader, contents, err)
	}
	remote.Close() // flushes the merged stream
	mu.Lock()
	defer mu.Unlock()
	joined := strings.Join(faults, "\n")
	if !strings.Contains(joined, leader.String()+" killed") || !strings.Contains(joined, leader.String()+" restarted") {
		t.Errorf("fault records:\n%s\nwant %v killed and restarted", joined, leader)
	}
}

// TestRemotePartitionByRules: the nodes enforce a partition on their own
// traffic; the majority elects a new leader and commits, the isolated old
// leader cannot; after heal everyone agrees.
func TestRemotePartitionByRules(t *testing.T) {
	c := startMemoryCluster(t, 3)
	remote := c.connect()
	leader := waitLeader(t, remote)
	if err := remote.Partition([][]NodeID{{leader}}); err != nil {
		t.Fatal(err)
	}
	if group := remote.Status()[leader-1].Group; group != 1 {
		t.Errorf("isolated %v is in group %d, want 1", leader, group)
	}
	oldTerm := remote.Status()[leader-1].Term
	if !remote.WaitFor(func(rows []NodeStatus) bool {
		for _, row := range rows {
			if row.ID != leader && row.Role == raft.Leader && row.Term > oldTerm {
				return true
			}
		}
		return false
	}, 10*time.Second) {
		t.Fatalf("the majority elected no leader: %v", remote.Status())
	}
	put, err := remote.Put("p", "1", raft.None)
	if err != nil || put.Err != nil || put.ServedBy == leader {
		t.Fatalf("put in the majority: %v %+v", err, put)
	}
	stranded, err := remote.Put("q", "1", leader)
	if err != nil || stranded.Err == nil {
		t.Errorf("put @%v (isolated): %v %+v, want an error", leader, err, stranded)
	}
	remote.Heal()
	waitLeader(t, remote)
	if _, err := remote.Put("r", "1", raft.None); err != nil {
		t.Fatal(err)
	}
	waitLogsAgree(t, remote)
	if violations := remote.Violations(); len(violations) > 0 {
		t.Errorf("violations: %v", violations)
	}
	result, err := remote.CheckLinearizability(5 * time.Second)
	if err != nil || result.Outcome != check.Linearizable {
		t.Errorf("linearizability: %+v %v", result, err)
	}
}

// TestRemoteReportsUnreachableOnce: a node whose control endpoint cannot
// be reached is reported once, shows as unreachable, and is welcomed back
// (and told the current rules) when it answers again.
func TestRemoteReportsUnreachableOnce(t *testing.T) {
	c := startMemoryCluster(t, 3)
	remote := c.connect()
	var mu sync.Mutex
	var texts []string
	cancel := remote.Subscribe(func(record Record) {
		if record.Kind == RecordFault && record.Node == 3 {
			mu.Lock()
			texts = append(texts, record.Text)
			mu.Unlock()
		}
	})
	defer cancel()
	c.cutControl(3)
	if !remote.WaitFor(func(rows []NodeStatus) bool { return rows[2].Unreachable }, 5*time.Second) {
		t.Fatal("n3 never showed as unreachable")
	}
	if err := remote.Kill(3); !errors.Is(err, ErrUnreachable) {
		t.Errorf("kill n3 while unreachable: %v, want ErrUnreachable", err)
	}
	if err := remote.Partition([][]NodeID{{3}}); err != nil {
		t.Fatal(err)
	}
	// Let several reconnection attempts fail.
	remote.WaitFor(func([]NodeStatus) bool { return false }, 300*time.Millisecond)
	c.restoreControl(3)
	// Back: reported, and told the rules (in that order).
	var rules LinkRules
	if !remote.WaitFor(func(rows []NodeStatus) bool {
		if err := c.hosts[3].do(func() { rules = c.hosts[3].rules }); err != nil {
			t.Fatal(err)
		}
		return !rows[2].Unreachable && len(rules.BlockOut) > 0
	}, 5*time.Second) {
		t.Fatalf("n3 never came back with its rules: %+v", rules)
	}
	remote.Collect()
	remote.Close()
	mu.Lock()
	defer mu.Unlock()
	unreachable, back := 0, 0
	for _, text := range texts {
		if strings.HasPrefix(text, "unreachable") {
			unreachable++
		}
		if strings.HasPrefix(text, "reachable again") {
			back++
		}
	}
	if unreachable != 1 || back != 1 {
		t.Errorf("n3's fault records %q: want one unreachable and one reachable again", texts)
	}
	// n3 was told the partition when it came back.
	if len(rules.BlockOut) != 2 || len(rules.BlockIn) != 2 {
		t.Errorf("n3's rules after it came back: %+v, want n1 and n2 blocked both ways", rules)
	}
}

// TestHostPersistsBeforeSending: no message leaves a host with a term its
// storage does not hold yet (thesis §3.8).
func TestHostPersistsBeforeSending(t *testing.T) {
	c := startMemoryCluster(t, 3)
	var mu sync.Mutex
	var problems []string
	c.network.mu.Lock()
	c.network.sent = func(message raft.Message) {
		if message.Type == raft.MsgPreVote || message.Type == raft.MsgPreVoteResp {
			return // a PreVote carries the term the sender would campaign in (thesis §9.6)
		}
		state, _, err := c.storages[message.From].InitialState()
		if err != nil || state.CurrentTerm < message.Term {
			mu.Lock()
			problems = append(problems, message.Type.String()+" from "+message.From.String())
			mu.Unlock()
		}
	}
	c.network.mu.Unlock()
	remote := c.connect()
	leader := waitLeader(t, remote)
	if _, err := remote.Put("x", "1", raft.None); err != nil {
		t.Fatal(err)
	}
	_ = remote.Kill(leader)
	waitLeader(t, remote)
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("messages sent before their term was stored: %v", problems)
	}
}

// TestControlWantsHelloFirst: a connection that does not start with hello
// of this protocol version is answered with an error and closed; nothing
// changes on the node.
func TestControlWantsHelloFirst(t *testing.T) {
	c := startMemoryCluster(t, 1)
	for _, first := range []controlRequest{
		{ID: 1, Op: opKill},
		{ID: 1, Op: opHello, Version: ControlVersion + 1},
	} {
		client, server := newPipe()
		done := make(chan struct{})
		go func() {
			c.hosts[1].ServeControl(server)
			close(done)
		}()
		if err := client.Send(encodeControl(first)); err != nil {
			t.Fatal(err)
		}
		payload, err := client.Receive()
		if err != nil {
			t.Fatal(err)
		}
		var response controlResponse
		if err := json.Unmarshal(payload, &response); err != nil || !strings.Contains(response.Error, "want hello") {
			t.Errorf("answer to %+v: %s, want an error asking for hello", first, payload)
		}
		<-done
		client.Close()
	}
	if status, err := c.hosts[1].status(); err != nil || !status.Up {
		t.Errorf("node after refused requests: %+v %v, want up", status, err)
	}
}

// TestHostLinkRulesDropAndDelay: a node carries out the loss and delay
// rules on its own outgoing traffic, and heal lifts them.
func TestHostLinkRulesDropAndDelay(t *testing.T) {
	c := startMemoryCluster(t, 3)
	remote := c.connect()
	waitLeader(t, remote)
	var mu sync.Mutex
	sends, lost := 0, 0
	cancel := remote.Subscribe(func(record Record) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case record.Kind == RecordSend:
			sends++
		case record.Kind == RecordDrop && record.Text == "lost (rule)":
			lost++
		}
	})
	defer cancel()
	if err := remote.SetNetwork(sim.LinkConfig{Drop: 1}); err != nil {
		t.Fatal(err)
	}
	// Count from when every node has the rule.
	remote.Collect()
	mu.Lock()
	sends, lost = 0, 0
	mu.Unlock()
	remote.WaitFor(func([]NodeStatus) bool { return false }, 300*time.Millisecond)
	remote.Collect()
	mu.Lock()
	if sends == 0 || lost != sends {
		t.Errorf("with drop=1 everywhere: %d sends, %d lost by the rule; want every one lost", sends, lost)
	}
	mu.Unlock()
	if put, err := remote.Put("x", "1", raft.None); err != nil || put.Err == nil {
		t.Errorf("a put with every message lost: %v %+v, want a timeout", err, put)
	}
	remote.Heal()
	if err := remote.SetNetwork(sim.LinkConfig{DelayMin: 20 * time.Millisecond, DelayMax: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	waitLeader(t, remote)
	put, err := remote.Put("y", "1", raft.None)
	if err != nil || put.Err != nil {
		t.Fatalf("put with 20ms links: %v %+v", err, put)
	}
	// Committing needs the AppendEntries out and an answer back: one
	// delayed link at least (the answer's), so no less than 20ms.
	if took := put.Returned - put.Invoked; took < 20*time.Millisecond {
		t.Errorf("a put over 20ms links took %v", took)
	}
}

// TestLogPages: a log answer is cut into pages that fit a frame, and the
// pages put together are the log.
func TestLogPages(t *testing.T) {
	var entries []raft.Entry
	for i := 1; i <= 40; i++ {
		entries = append(entries, raft.Entry{Index: raft.Index(i), Term: 1, Command: make([]byte, 64<<10)})
	}
	var joined []raft.Entry
	pages := 0
	for {
		page, more := logPage(entries, raft.Index(len(joined)+1))
		pages++
		size := 0
		for _, entry := range page {
			size += len(entry.Command)
		}
		if size > logPageBytes {
			t.Errorf("page %d holds %d bytes of commands, over %d", pages, size, logPageBytes)
		}
		joined = append(joined, page...)
		if !more {
			break
		}
	}
	if len(joined) != len(entries) || pages < 2 {
		t.Errorf("%d entries in %d pages, want %d in more than one", len(joined), pages, len(entries))
	}
	for i, entry := range joined {
		if entry.Index != raft.Index(i+1) {
			t.Fatalf("entry %d has index %d", i, entry.Index)
		}
	}
	if page, more := logPage(nil, 1); len(page) != 0 || more {
		t.Errorf("an empty log gives %v, %v", page, more)
	}
}

// TestRemoteCatchesTwoLeadersInTheStream: a second leader of one term,
// reported by the stream, is an Election Safety violation, as a record
// and in Violations.
func TestRemoteCatchesTwoLeadersInTheStream(t *testing.T) {
	c := startMemoryCluster(t, 3)
	remote := c.connect()
	var mu sync.Mutex
	var shown []string
	cancel := remote.Subscribe(func(record Record) {
		if record.Kind == RecordViolation {
			mu.Lock()
			shown = append(shown, record.Text)
			mu.Unlock()
		}
	})
	defer cancel()
	won := func(id NodeID) Record {
		return Record{Kind: RecordEvent, Node: id, Event: raft.Event{Node: id, Kind: raft.EventRoleChanged, Role: raft.Leader, Term: 42}}
	}
	remote.watch(won(1))
	remote.watch(won(1))
	remote.checkerMu.Lock()
	early := remote.allViolations()
	remote.checkerMu.Unlock()
	if violations := early; len(violations) != 0 {
		t.Fatalf("one leader reported twice: %v", violations)
	}
	remote.watch(won(2))
	remote.Collect()
	violations := remote.Violations()
	if len(violations) != 1 || violations[0].Property != check.ElectionSafety || !strings.Contains(violations[0].Evidence, "term 42") {
		t.Errorf("violations: %v, want Election Safety in term 42", violations)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(shown) != 1 {
		t.Errorf("violation records: %q, want one", shown)
	}
}
