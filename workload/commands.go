package workload

import (
	"fmt"
	"sync"
)

// KeyCount keys are written in turn: command i writes Key(i).
const KeyCount = 64

var keys = func() [KeyCount]string {
	var keys [KeyCount]string
	for i := range keys {
		keys[i] = fmt.Sprintf("key%05d", i)
	}
	return keys
}()

// Key is command i's 8-byte key.
func Key(i int) string { return keys[i%KeyCount] }

// Value is command i's 8-byte value: i in hexadecimal.
func Value(i int) [8]byte {
	const digits = "0123456789abcdef"
	var value [8]byte
	for j := len(value) - 1; j >= 0; j-- {
		value[j] = digits[i&0xf]
		i >>= 4
	}
	return value
}

// Payload is command i as 16 bytes, key then value: what a target without
// a command format of its own replicates.
func Payload(i int) []byte {
	data := make([]byte, 16)
	copy(data, Key(i))
	value := Value(i)
	copy(data[8:], value[:])
	return data
}

// StateMachine is a key-value map that payloads are applied to. It is safe
// for concurrent use (hashicorp/raft applies on a goroutine of its own).
type StateMachine struct {
	mutex   sync.Mutex
	applied int
	values  map[string]string
}

// NewStateMachine returns an empty state machine.
func NewStateMachine() *StateMachine {
	return &StateMachine{values: make(map[string]string, KeyCount)}
}

// Apply applies one payload (see Payload).
func (m *StateMachine) Apply(data []byte) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	m.values[string(data[:8])] = string(data[8:])
	m.applied++
}

// Applied is how many payloads were applied.
func (m *StateMachine) Applied() int {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	return m.applied
}

// Get reads a key.
func (m *StateMachine) Get(key string) (string, bool, error) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	value, found := m.values[key]
	return value, found, nil
}

// Set overwrites a key, for tests that show Verify failing.
func (m *StateMachine) Set(key, value string) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	m.values[key] = value
}

// Verify checks that the leader applied exactly the issued commands and
// holds the last value written to every key; get reads the leader's state
// machine.
func Verify(issued, applied int, get func(key string) (string, bool, error)) error {
	if applied != issued {
		return fmt.Errorf("leader applied %d commands, want %d (the number issued)", applied, issued)
	}
	for k := range min(issued, KeyCount) {
		last := issued - 1 - (issued-1-k)%KeyCount
		want := Value(last)
		got, found, err := get(keys[k])
		if err != nil {
			return err
		}
		if !found || got != string(want[:]) {
			return fmt.Errorf("leader has %s = %q (found: %v), want %q (command %d)", keys[k], got, found, want[:], last)
		}
	}
	return nil
}
