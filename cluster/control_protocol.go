package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"raftctl/check"
	"raftctl/net/sim"
	"raftctl/raft"
	"raftctl/store"
)

// The control protocol between a REPL (Remote) and a node (Host). It rides
// on an authenticated connection of the node's own listener (net/tcp's
// Conn: the cluster secret authenticates both ends); each payload is one
// JSON object. Requests carry an ID; the node answers each with a response
// of the same ID, in any order (client requests wait for a commit while
// others are answered). After a subscribe request, the node also sends
// records, with ID 0, until the connection closes.

// ControlConn is one authenticated control connection: net/tcp's Conn,
// or a pipe in tests. Send and Receive may run on different goroutines.
type ControlConn interface {
	Send(payload []byte) error
	Receive() ([]byte, error)
	Close() error
}

// ControlVersion numbers the protocol; a node refuses other versions.
const ControlVersion = 1

// Control operations.
const (
	opHello     = "hello"     // → controlHello
	opStatus    = "status"    // → controlStatus
	opLog       = "log"       // From → Log, one page; More when it goes on
	opKV        = "kv"        // → Contents
	opKill      = "kill"      // crash the core; the process stays up
	opRestart   = "restart"   // Wipe: erase storage first
	opRules     = "rules"     // Rules: what this node does to its own traffic
	opCampaign  = "campaign"  // fire the election timer now
	opPropose   = "propose"   // Command, Timeout → controlClientAnswer
	opRead      = "read"      // Key, Read, Timeout → controlClientAnswer
	opLocalRead = "localread" // Key → controlClientAnswer (maybe stale)
	opSubscribe = "subscribe" // Messages: include sends, drops and deliveries
)

// controlRequest is what a Remote sends.
type controlRequest struct {
	ID       uint64        `json:"id"`
	Op       string        `json:"op"`
	Version  int           `json:"version,omitempty"`
	Wipe     bool          `json:"wipe,omitempty"`
	Rules    *LinkRules    `json:"rules,omitempty"`
	Command  store.Command `json:"command,omitzero"`
	Key      string        `json:"key,omitempty"`
	Read     ReadMode      `json:"read,omitempty"`
	Timeout  time.Duration `json:"timeout,omitempty"`
	Messages bool          `json:"messages,omitempty"`
	// From is the first index of a log page.
	From raft.Index `json:"from,omitempty"`
}

// controlResponse is what a node sends: an answer (ID > 0) or a record of
// its stream (ID 0).
type controlResponse struct {
	ID     uint64               `json:"id,omitempty"`
	Error  string               `json:"error,omitempty"`
	Hello  *controlHello        `json:"hello,omitempty"`
	Status *controlStatus       `json:"status,omitempty"`
	Log    []raft.Entry         `json:"log,omitempty"`
	More   bool                 `json:"more,omitempty"`
	KV     map[string]string    `json:"kv,omitempty"`
	Answer *controlClientAnswer `json:"answer,omitempty"`
	Record *controlRecord       `json:"record,omitempty"`
}

// logPageBytes bounds the commands in one page of a log answer, so an
// answer stays far below net/wire's frame limit (4 MB) however long the
// log grows (JSON makes a command about a third longer).
const logPageBytes = 1 << 20

// logPage returns the entries from index from on that fit one answer,
// and whether more follow.
func logPage(entries []raft.Entry, from raft.Index) ([]raft.Entry, bool) {
	start := max(int(from), 1) - 1
	if start >= len(entries) {
		return []raft.Entry{}, false
	}
	size := 0
	for i := start; i < len(entries); i++ {
		size += len(entries[i].Command) + 64
		if size > logPageBytes && i > start {
			return entries[start:i], true
		}
	}
	return entries[start:], false
}

// controlHello describes the node to a new client.
type controlHello struct {
	Version  int           `json:"version"`
	ID       raft.NodeID   `json:"id"`
	Peers    []raft.NodeID `json:"peers"`
	Settings Settings      `json:"settings"`
}

// controlStatus is a node's row of `status`, and what the checker needs.
type controlStatus struct {
	raft.Status
	Up bool `json:"up"`
	// Applied is the last index applied to the state machine.
	Applied raft.Index `json:"applied"`
}

// Answer kinds of a client request: why it failed, so the client knows
// where to try next.
const (
	answerOK         = ""
	answerNotLeader  = "not-leader"  // Hint may name the leader; nothing was proposed
	answerDown       = "down"        // the core is crashed; nothing was proposed
	answerTimeout    = "timeout"     // proposed (Index > 0) or read asked, no answer in time
	answerCrashed    = "crashed"     // the core crashed while the request waited
	answerOverwitten = "overwritten" // a new leader replaced the entry: not applied
	answerRejected   = "rejected"    // the core refused (a lease read without a lease, ...)
)

// controlClientAnswer is the node's answer to a client request.
type controlClientAnswer struct {
	Kind   string       `json:"kind,omitempty"`
	Text   string       `json:"text,omitempty"`
	Hint   raft.NodeID  `json:"hint,omitempty"`
	Index  raft.Index   `json:"index,omitempty"`
	Result store.Result `json:"result"`
}

// controlRecord is a Record on the wire, stamped with the node's wall
// clock (Unix nanoseconds).
type controlRecord struct {
	Time      int64           `json:"time"`
	Kind      RecordKind      `json:"kind"`
	Node      raft.NodeID     `json:"node"`
	Event     *raft.Event     `json:"event,omitempty"`
	Message   *raft.Message   `json:"message,omitempty"`
	MessageID uint64          `json:"messageId,omitempty"`
	Entry     *raft.Entry     `json:"entry,omitempty"`
	Violation check.Violation `json:"violation,omitzero"`
	Text      string          `json:"text,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// LinkRules are what a node does to its own traffic: the faults of a real
// cluster without root or a firewall. Each node drops what a partition or
// cut forbids, in both directions, so a rule holds even when the other end
// is down or restarted without it.
type LinkRules struct {
	// BlockOut: never send to these nodes; BlockIn: discard what they send.
	BlockOut []raft.NodeID `json:"blockOut,omitempty"`
	BlockIn  []raft.NodeID `json:"blockIn,omitempty"`
	// Default is the unreliability of every outgoing link; Links
	// overrides it per destination.
	Default sim.LinkConfig                 `json:"default"`
	Links   map[raft.NodeID]sim.LinkConfig `json:"links,omitempty"`
}

// config returns the unreliability of the link to peer.
func (rules *LinkRules) config(peer raft.NodeID) sim.LinkConfig {
	if config, ok := rules.Links[peer]; ok {
		return config
	}
	return rules.Default
}

// Validate reports a rule that cannot work.
func (rules *LinkRules) Validate() error {
	if err := rules.Default.Validate(); err != nil {
		return err
	}
	for peer, config := range rules.Links {
		if err := config.Validate(); err != nil {
			return fmt.Errorf("link to %v: %w", peer, err)
		}
	}
	return nil
}

func encodeControl(value any) []byte {
	data, err := json.Marshal(value)
	if err != nil {
		// Every type sent here marshals; a failure is a programming error.
		panic(fmt.Sprintf("control protocol: %v", err))
	}
	return data
}

// errorText is an error's text for the wire ("" for nil).
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// remoteError is an error that came over the wire as text.
type remoteError struct{ text string }

func (e *remoteError) Error() string { return e.text }

// errorFromText rebuilds an error from its wire text (nil for "").
func errorFromText(text string) error {
	if text == "" {
		return nil
	}
	return &remoteError{text}
}

// ErrRefused is a node's answer to a request it cannot take.
var ErrRefused = errors.New("refused")
