package repl

import (
	"bytes"
	"strings"
	"testing"

	"raftctl/cluster"
)

// TestInvalidLines: a line that is not a valid command prints one error
// that says what to type, returns StatusInvalid, and changes nothing.
func TestInvalidLines(t *testing.T) {
	tests := []struct{ line, want string }{
		{"partiton n1|n2", `error: unknown command "partiton" (did you mean partition?)`},
		{"frobnicate", `error: unknown command "frobnicate" (type help for the list)`},
		{"kill n9", "error: unknown node n9 (nodes: n1 n2 n3)"},
		{"partition n1||n2", "error: partition n1||n2: empty group; put nodes between the bars, e.g. partition n1|n2,n3"},
		{"partition n1|n1,n2", "error: partition n1|n1,n2: n1 appears twice; a node belongs to one group, e.g. partition n1|n2,n3"},
		{"partition |n2", "error: partition |n2: empty group; put nodes between the bars, e.g. partition n1|n2,n3"},
		{"partition n1,,n2", `error: empty node name in group "n1,,n2": want nodes separated by commas, e.g. n1,n2`},
		{"partition n1 | n2", "error: usage: partition G1|G2 with groups of comma-separated nodes and no spaces, e.g. partition n1|n2,n3"},
		{"partition n1,n2,n3", "error: partition n1,n2,n3: one group of every node cuts nothing; name two groups, e.g. partition n1|n2,n3"},
		{"cut n1", `error: link "n1": want A-B (both ways) or A->B (one way), e.g. n1-n2`},
		{"cut n1-n1", "error: link n1-n1: a node has no link to itself; name two different nodes, e.g. n1-n2"},
		{"net drop=2", "error: drop=2: want a probability from 0 to 1, e.g. drop=0.1"},
		{"set prevote maybe", `error: prevote "maybe": want on or off, e.g. set prevote on`},
		{"set prevot on", `error: unknown option "prevot" (did you mean prevote?)`},
		{"set bug typo", `error: unknown bug "typo": want one of commit-old-term, no-election-restriction, forget-vote, lease-without-stickiness, unsafe-membership, leader-counts-unwritten, lease-after-transfer, leader-drops-uncommitted, skip-prev-term, half-quorum, read-before-own-commit, accept-stale-term, removed-leader-counts-self, forget-term, snapshot-without-sessions, e.g. set bug commit-old-term`},
		{"set election 300ms-150ms", `error: range "300ms-150ms": want MIN-MAX with MIN <= MAX, e.g. 150ms-300ms`},
		{"tick -1", `error: tick count "-1": want a whole number from 1 to 8640000`},
		{"sleep soon", `error: duration "soon": want a positive Go duration, e.g. 500ms or 2s`},
		{"expect leader", `error: condition "leader": want leader NODE, leader none, leader any or leader not NODE, e.g. leader n1`},
		{"expect term n1 >>1", `error: number ">>1": want N or a comparison such as >1, >=5, <3, <=2, =4`},
		{"expect liveness", `error: unknown condition "liveness": want one of leader, role, term, committed, up, down, voter, value, error, safe, linearizable`},
		{"wait value x 1", `error: wait cannot watch "value": wait for leader, role, term, committed, up or down, then expect value`},
		{"put x", "error: usage: put KEY VALUE [@NODE] [async] (e.g. put x 1)"},
		{"get x read=fast", "error: read=fast: want read=index, read=lease or read=local, e.g. get x @n2 read=local"},
		{"restart n1 now", "error: restart n1 now: the only option is wipe, e.g. restart n1 wipe"},
		{"cluster 10", `error: cluster size "10": want a whole number from 1 to 9`},
		{"trace loud", `error: trace level "loud": want off, state, rpc or all, e.g. trace rpc`},
		{"help nothing", `error: unknown command "nothing" (type help for the list)`},
		{"deliver n1-n2", `error: link "n1-n2": want a direction A->B, e.g. n1->n2, or a message id from msgs`},
	}
	for _, test := range tests {
		t.Run(test.line, func(t *testing.T) {
			var out bytes.Buffer
			session, err := NewSession(Options{Out: &out})
			if err != nil {
				t.Fatal(err)
			}
			before := snapshot(session)
			quit, status := session.Exec(test.line)
			if quit || status != StatusInvalid {
				t.Errorf("Exec(%q) = %v, %v; want StatusInvalid", test.line, quit, status)
			}
			if got := strings.TrimSpace(out.String()); got != test.want {
				t.Errorf("Exec(%q) printed\n%s\nwant\n%s", test.line, got, test.want)
			}
			if after := snapshot(session); after != before {
				t.Errorf("Exec(%q) changed the cluster:\n%s\n---\n%s", test.line, before, after)
			}
		})
	}
}

// snapshot describes everything a command could change.
func snapshot(s *Session) string {
	var builder strings.Builder
	builder.WriteString(s.cluster.Now().String())
	for _, status := range s.cluster.Status() {
		builder.WriteString(statusRowText(status.ID.String(), statusRow(status)))
	}
	builder.WriteString(s.cluster.Network().String())
	builder.WriteString(strings.Join(describeSettings(s.cluster.Settings()), "\n"))
	for _, envelope := range s.cluster.(cluster.Simulated).InFlight() {
		builder.WriteString(describeMessage(envelope.Message))
	}
	return builder.String()
}

func statusRowText(id string, row []string) string { return id + ":" + strings.Join(row, " ") + "\n" }

func TestQuitAndComments(t *testing.T) {
	session, _ := NewSession(Options{})
	if quit, status := session.Exec("# nothing"); quit || status != StatusOK {
		t.Errorf("comment: %v %v", quit, status)
	}
	if quit, status := session.Exec("   "); quit || status != StatusOK {
		t.Errorf("blank: %v %v", quit, status)
	}
	if quit, _ := session.Exec("exit"); !quit {
		t.Error("exit did not quit")
	}
}

func TestComplete(t *testing.T) {
	session, _ := NewSession(Options{})
	session.Exec("put apple 1 async")
	tests := []struct {
		line string
		want []string
	}{
		{"par", []string{"partition"}},
		{"kill ", []string{"n1", "n2", "n3"}},
		{"get a", []string{"apple"}},
		{"trace r", []string{"rpc"}},
		{"set pre", []string{"prevote"}},
		{"set prevote o", []string{"on", "off"}},
		{"cluster 3 prevote=o", []string{"prevote=on", "prevote=off"}},
		{"partition n1|n", []string{"n1|n1", "n1|n2", "n1|n3"}},
		{"expect role n2 l", []string{"leader"}},
		{"put apple 2 @n", []string{"@n1", "@n2", "@n3"}},
		{"help ki", []string{"kill"}},
	}
	for _, test := range tests {
		if got := session.Complete(test.line); strings.Join(got, " ") != strings.Join(test.want, " ") {
			t.Errorf("Complete(%q) = %q, want %q", test.line, got, test.want)
		}
	}
}

func TestColor(t *testing.T) {
	var out bytes.Buffer
	session, _ := NewSession(Options{Out: &out, Color: true})
	session.Exec("campaign n1; stabilize; kill n9")
	if !strings.Contains(out.String(), "\x1b[") {
		t.Errorf("no colour in %q", out.String())
	}
}
