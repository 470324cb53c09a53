package raft

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// The log shares its memory with messages and Ready batches (log_chunks.go), so
// what it hands out must never change afterwards.

func TestHandedOutEntriesSurviveTruncation(t *testing.T) { // thesis §3.5
	node, err := NewNode(DefaultConfig(2, []NodeID{1, 2, 3}, 1), &testStorage{})
	if err != nil {
		t.Fatal(err)
	}
	for i := Index(1); i <= 3; i++ {
		node.log.append(Entry{Index: i, Term: 1, Command: []byte{byte(i)}})
	}
	ready := node.Ready()
	handed := slices.Clone(ready.Entries)
	kept := node.Log()
	// A leader of term 2 replaces entries 2 and 3.
	node.log.truncateFrom(2)
	node.log.append(Entry{Index: 2, Term: 2})
	node.log.append(Entry{Index: 3, Term: 2})
	if !slices.EqualFunc(ready.Entries, handed, entriesEqual) {
		t.Fatalf("the Ready's entries changed after a truncation: %+v, want %+v", ready.Entries, handed)
	}
	if !slices.EqualFunc(kept, handed, entriesEqual) {
		t.Fatalf("a kept Log() changed after a truncation: %+v, want %+v", kept, handed)
	}
	if got := node.Log(); len(got) != 3 || got[1].Term != 2 || got[2].Term != 2 {
		t.Fatalf("log after the truncation %+v, want entries 2 and 3 of term 2", got)
	}
}

func TestMessagesKeepTheirEntries(t *testing.T) { // thesis §3.5
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	leader := tc.nodes[1]
	for i := range 300 { // past the log's first array: it moves
		if _, _, err := leader.Propose([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	ready := leader.Ready()
	var sent []Message
	for _, m := range ready.Messages {
		if m.Type == MsgAppendEntries && len(m.Entries) > 0 {
			m.Entries = slices.Clone(m.Entries)
			sent = append(sent, m)
		}
	}
	if len(sent) == 0 {
		t.Fatal("no AppendEntries with entries")
	}
	messages := ready.Messages
	leader.Advance(ready)
	for i := range 300 {
		if _, _, err := leader.Propose([]byte{byte(i), 1}); err != nil {
			t.Fatal(err)
		}
	}
	// Before the next Ready the previous one's slices are untouched
	// (recycle.go), and their entries never change (log_chunks.go).
	j := 0
	for _, m := range messages {
		if m.Type == MsgAppendEntries && len(m.Entries) > 0 {
			if !slices.EqualFunc(m.Entries, sent[j].Entries, entriesEqual) {
				t.Fatalf("message %d to %v changed its entries", j, m.To)
			}
			j++
		}
	}
	if j != len(sent) {
		t.Fatalf("%d AppendEntries with entries left in the handed-out slice, want %d", j, len(sent))
	}
}

func TestReadySlicesRecycledOnlyAfterTheNextReady(t *testing.T) {
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	leader := tc.nodes[1]
	leader.Propose([]byte("a"))
	first := leader.Ready()
	copied := slices.Clone(first.Messages)
	leader.Advance(first)
	leader.Tick()
	leader.Propose([]byte("b"))
	if !slices.EqualFunc(first.Messages, copied, messagesEqual) {
		t.Fatal("a Ready's messages changed before the next call of Ready")
	}
	second := leader.Ready()
	if len(second.Messages) == 0 {
		t.Fatal("no messages in the second Ready")
	}
	if &second.Messages[0] == &first.Messages[0] {
		t.Fatal("the second Ready reuses the first one's slice while the host may hold it")
	}
}

func entriesEqual(a, b Entry) bool {
	return a.Index == b.Index && a.Term == b.Term && a.Kind == b.Kind && string(a.Command) == string(b.Command)
}

func messagesEqual(a, b Message) bool {
	return a.Type == b.Type && a.To == b.To && a.Term == b.Term && a.PrevLogIndex == b.PrevLogIndex &&
		slices.EqualFunc(a.Entries, b.Entries, entriesEqual)
}

// logChunks against a plain slice: the same entries after any sequence of
// appends, truncations and compactions, across chunk boundaries, in
// and nothing handed out ever changes.
func TestLogChunksMatchASlice(t *testing.T) {
	for seed := range uint64(4) {
		random := rand.New(rand.NewPCG(seed+1, 9))
		var chunks logChunks
		var model []Entry
		type handed struct{ got, want []Entry }
		var kept []handed
		next := 1
		for step := range 4000 {
			switch choice := random.IntN(100); {
			case choice < 70: // append a batch
				batch := make([]Entry, 1+random.IntN(80))
				for i := range batch {
					batch[i] = Entry{Index: Index(next), Term: Term(step), Command: []byte{byte(next)}}
					next++
				}
				chunks.push(batch...)
				model = append(model, batch...)
			case choice < 80 && len(model) > 0: // truncate
				n := random.IntN(len(model))
				chunks.truncate(n)
				model = model[:n:n]
			case choice < 83 && len(model) > 0: // compact
				n := random.IntN(len(model))
				chunks.dropFirst(n)
				model = slices.Clone(model[n:])
			case len(model) > 0: // hand out a slice
				start := random.IntN(len(model))
				end := start + random.IntN(len(model)-start+1)
				kept = append(kept, handed{got: chunks.slice(start, end), want: slices.Clone(model[start:end])})
			}
			if chunks.length() != len(model) {
				t.Fatalf("step %d: length %d, want %d", step, chunks.length(), len(model))
			}
			for i := range model {
				if !entriesEqual(*chunks.at(i), model[i]) {
					t.Fatalf("step %d: position %d holds %+v, want %+v", step, i, *chunks.at(i), model[i])
				}
			}
		}
		for i, h := range kept {
			if !slices.EqualFunc(h.got, h.want, entriesEqual) {
				t.Fatalf("seed %d: handed-out slice %d changed", seed, i)
			}
		}
		if got := chunks.slice(0, chunks.length()); !slices.EqualFunc(got, model, entriesEqual) {
			t.Fatalf("seed %d: the whole log differs from the model", seed)
		}
	}
}

func TestEntriesAndEntryTerm(t *testing.T) {
	tc := newTestCluster(t, 3, nil)
	tc.campaign(1)
	tc.stabilize()
	leader := tc.nodes[1]
	for i := range 1200 { // three chunks
		leader.Propose([]byte{byte(i)})
	}
	got := leader.Entries(500, 520)
	if len(got) != 21 || got[0].Index != 500 || got[20].Index != 520 {
		t.Fatalf("Entries(500, 520) = %d entries from %v, want 21 from 500", len(got), got)
	}
	if across := leader.Entries(510, 515+chunkSize); len(across) != chunkSize+6 || across[len(across)-1].Index != 515+chunkSize {
		t.Fatalf("Entries across a chunk boundary: %d entries", len(across))
	}
	if leader.Entries(0, 3) != nil || leader.Entries(1190, 1201) != nil {
		t.Fatal("Entries out of the log's range is not nil")
	}
	if term, ok := leader.EntryTerm(1200); !ok || term != 1 {
		t.Fatalf("EntryTerm(1200) = %d, %v, want 1, true", term, ok)
	}
	if _, ok := leader.EntryTerm(1201); ok {
		t.Fatal("EntryTerm past the end reports an entry")
	}
	if log := leader.Log(); len(log) != 1200 || log[1199].Index != 1200 {
		t.Fatalf("Log returned %d entries, want 1200", len(log))
	}
}
