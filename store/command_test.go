package store_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"raftctl/store"
)

func TestOpString(t *testing.T) {
	tests := map[store.Op]string{store.OpPut: "put", store.OpGet: "get", store.OpDelete: "del", 0: "op(0)", 9: "op(9)"}
	for op, want := range tests {
		if got := op.String(); got != want {
			t.Errorf("Op(%d).String() = %q, want %q", uint8(op), got, want)
		}
	}
}

func TestCommandRoundTrip(t *testing.T) {
	commands := []store.Command{
		{Op: store.OpPut, Key: "x", Value: "1"},
		{Op: store.OpGet, Key: "x"},
		{Op: store.OpDelete, Key: "x", ClientID: 7, Sequence: 3},
		{Op: store.OpPut, Key: "", Value: ""},
		{Op: store.OpPut, Key: "key with spaces\x00and a zero byte", Value: "ünïcode", ClientID: 1<<64 - 1, Sequence: 1<<64 - 1},
		{Op: store.OpPut, Key: strings.Repeat("k", store.MaxKeyLength), Value: strings.Repeat("v", store.MaxValueLength)},
	}
	for _, command := range commands {
		data := store.EncodeCommand(command)
		got, err := store.DecodeCommand(data)
		if err != nil {
			t.Errorf("DecodeCommand(EncodeCommand(%.40v)) error = %v", command, err)
			continue
		}
		if got != command {
			t.Errorf("DecodeCommand(EncodeCommand(%.40v)) = %.40v", command, got)
		}
	}
}

// The layout is part of the log format: a change here breaks logs on disk.
func TestCommandEncodingLayout(t *testing.T) {
	command := store.Command{Op: store.OpPut, Key: "x", Value: "hi", ClientID: 300, Sequence: 2}
	want := []byte{1, 0xac, 0x02, 2, 1, 'x', 2, 'h', 'i'}
	if got := store.EncodeCommand(command); !bytes.Equal(got, want) {
		t.Errorf("EncodeCommand(%+v) = %v, want %v", command, got, want)
	}
}

func TestDecodeRejectsMalformedCommands(t *testing.T) {
	valid := store.EncodeCommand(store.Command{Op: store.OpPut, Key: "x", Value: "1", ClientID: 1, Sequence: 1})
	tooLongKey := store.EncodeCommand(store.Command{Op: store.OpPut, Key: strings.Repeat("k", store.MaxKeyLength+1)})
	tooLongValue := store.EncodeCommand(store.Command{Op: store.OpPut, Value: strings.Repeat("v", store.MaxValueLength+1)})
	tests := []struct {
		name string
		data []byte
	}{
		{"Nil", nil},
		{"Empty", []byte{}},
		{"OpZero", []byte{0, 0, 0, 0, 0}},
		{"UnknownOp", []byte{4, 0, 0, 0, 0}},
		{"OnlyOp", []byte{1}},
		{"CutInClientID", []byte{1, 0x80}},
		{"ClientIDOverflows", []byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0}},
		{"ClientIDNotMinimal", []byte{1, 0x81, 0x00, 0, 0, 0}},
		{"MissingValue", []byte{1, 0, 0, 1, 'x'}},
		{"KeyLongerThanData", []byte{1, 0, 0, 5, 'x'}},
		{"HugeKeyLength", []byte{1, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"KeyTooLong", tooLongKey},
		{"ValueTooLong", tooLongValue},
		{"TrailingBytes", append(bytes.Clone(valid), 0)},
		{"Truncated", valid[:len(valid)-1]},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			command, err := store.DecodeCommand(test.data)
			if !errors.Is(err, store.ErrInvalidCommand) {
				t.Errorf("DecodeCommand(%v) = %+v, %v; want an error wrapping ErrInvalidCommand", test.data, command, err)
			}
		})
	}
}

func TestValidateMatchesDecodeBounds(t *testing.T) {
	tests := []struct {
		name    string
		command store.Command
		valid   bool
	}{
		{"Put", store.Command{Op: store.OpPut, Key: "x", Value: "1"}, true},
		{"LongestKeyAndValue", store.Command{Op: store.OpPut, Key: strings.Repeat("k", store.MaxKeyLength), Value: strings.Repeat("v", store.MaxValueLength)}, true},
		{"NoOp", store.Command{Key: "x"}, false},
		{"KeyTooLong", store.Command{Op: store.OpGet, Key: strings.Repeat("k", store.MaxKeyLength+1)}, false},
		{"ValueTooLong", store.Command{Op: store.OpPut, Value: strings.Repeat("v", store.MaxValueLength+1)}, false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			validateError := test.command.Validate()
			_, decodeError := store.DecodeCommand(store.EncodeCommand(test.command))
			if (validateError == nil) != test.valid || (decodeError == nil) != test.valid {
				t.Errorf("Validate() = %v, DecodeCommand(EncodeCommand()) error = %v; want valid = %v",
					validateError, decodeError, test.valid)
			}
		})
	}
}

// FuzzDecodeCommand checks that no input makes DecodeCommand panic, and that
// whatever decodes re-encodes to the same bytes: each command has one
// encoding, so replicas that re-encode a command agree byte for byte.
func FuzzDecodeCommand(f *testing.F) {
	f.Add(store.EncodeCommand(store.Command{Op: store.OpPut, Key: "x", Value: "1"}))
	f.Add(store.EncodeCommand(store.Command{Op: store.OpDelete, Key: "k", ClientID: 1 << 40, Sequence: 9}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		command, err := store.DecodeCommand(data)
		if err != nil {
			if !errors.Is(err, store.ErrInvalidCommand) {
				t.Fatalf("DecodeCommand(%v) error = %v, want an error wrapping ErrInvalidCommand", data, err)
			}
			return
		}
		if err := command.Validate(); err != nil {
			t.Fatalf("DecodeCommand(%v) = %+v, which fails Validate: %v", data, command, err)
		}
		if again := store.EncodeCommand(command); !bytes.Equal(again, data) {
			t.Fatalf("EncodeCommand(DecodeCommand(%v)) = %v, want the same bytes", data, again)
		}
	})
}
