package compare

import (
	"fmt"
	"sync"
)

// The implementations compared, raftctl first.
const (
	Raftctl   = "raftctl"
	Hashicorp = "hashicorp"
	Etcd      = "etcd"
)

// Implementations lists the implementations in the order they take turns.
var Implementations = []string{Raftctl, Hashicorp, Etcd}

// Workload is how many commands the client keeps outstanding.
type Workload struct {
	Name     string
	InFlight int
}

// Workloads returns the two workloads: one command in flight, and
// pipeline commands in flight.
func Workloads(pipeline int) []Workload {
	return []Workload{{"one-in-flight", 1}, {"pipelined", pipeline}}
}

// DefaultPipeline is how many commands the pipelined workload keeps in
// flight unless told otherwise.
const DefaultPipeline = 64

// system is one running 3-node cluster with an elected leader.
type system interface {
	// commit issues count more commands, keeping at most inFlight
	// outstanding, and returns once the leader has applied all of them.
	commit(count, inFlight int) error
	// issued is how many commands were issued since start.
	issued() int
	// applied is how many commands the leader's state machine applied.
	applied() int
	// get reads key from the leader's state machine.
	get(key string) (string, bool, error)
	close() error
}

// start builds, starts and elects the cluster of one implementation.
func start(implementation string, seed uint64) (system, error) {
	switch implementation {
	case Raftctl:
		return startRaftctl(seed)
	case Hashicorp:
		return startHashicorp()
	case Etcd:
		return startEtcd()
	}
	return nil, fmt.Errorf("unknown implementation %q (want one of %v)", implementation, Implementations)
}

// keyCount keys are written in turn: command i writes keys[i%keyCount].
const keyCount = 64

var keys = func() [keyCount]string {
	var keys [keyCount]string
	for i := range keys {
		keys[i] = fmt.Sprintf("key%05d", i)
	}
	return keys
}()

// commandKey and commandValue are command i's 8-byte key and value.
func commandKey(i int) string { return keys[i%keyCount] }

func commandValue(i int) [8]byte {
	const digits = "0123456789abcdef"
	var value [8]byte
	for j := len(value) - 1; j >= 0; j-- {
		value[j] = digits[i&0xf]
		i >>= 4
	}
	return value
}

// payload is command i as 16 bytes, key then value: the command the
// implementations without a command format of their own replicate.
func payload(i int) []byte {
	data := make([]byte, 16)
	copy(data, commandKey(i))
	value := commandValue(i)
	copy(data[8:], value[:])
	return data
}

// stateMachine is the key-value map hashicorp's and etcd's leaders apply
// payloads to. The mutex is for hashicorp, whose FSM runs on its own
// goroutine.
type stateMachine struct {
	mu      sync.Mutex
	applied int
	values  map[string]string
}

func newStateMachine() *stateMachine {
	return &stateMachine{values: make(map[string]string, keyCount)}
}

func (m *stateMachine) apply(data []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.values[string(data[:8])] = string(data[8:])
	m.applied++
}

func (m *stateMachine) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applied
}

func (m *stateMachine) get(key string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	value, found := m.values[key]
	return value, found
}

// verify checks that the leader applied exactly the commands issued and
// holds the last value written to every key.
func verify(s system) error {
	issued, applied := s.issued(), s.applied()
	if applied != issued {
		return fmt.Errorf("leader applied %d commands, want %d (the number issued)", applied, issued)
	}
	for k := range min(issued, keyCount) {
		last := issued - 1 - (issued-1-k)%keyCount
		want := commandValue(last)
		got, found, err := s.get(keys[k])
		if err != nil {
			return err
		}
		if !found || got != string(want[:]) {
			return fmt.Errorf("leader has %s = %q (found: %v), want %q (command %d)", keys[k], got, found, want[:], last)
		}
	}
	return nil
}
