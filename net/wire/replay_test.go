package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync"
	"testing"

	"raftctl/raft"
)

// sequencedFrame writes one frame from sender to node to.
func sequencedFrame(t testing.TB, sender *Sender, to raft.NodeID, payload string) []byte {
	t.Helper()
	var frame bytes.Buffer
	if err := sender.WriteFrame(&frame, to, []byte(payload)); err != nil {
		t.Fatal(err)
	}
	return frame.Bytes()
}

func receive(receiver *Receiver, frame []byte) (raft.NodeID, string, error) {
	from, payload, err := receiver.ReadFrame(bytes.NewReader(frame))
	return from, string(payload), err
}

func TestReceiverAcceptsEachFrameOnce(t *testing.T) {
	sender := NewSender(1, testKey, 0)
	receiver := NewReceiver(2, testKey, Limits{})
	first := sequencedFrame(t, sender, 2, "first")
	second := sequencedFrame(t, sender, 2, "second")

	for _, step := range []struct {
		frame    []byte
		want     string
		sentinel error
	}{
		{first, "first", nil},
		{first, "", ErrReplay}, // the same frame again
		{second, "second", nil},
		{second, "", ErrReplay},
		{first, "", ErrReplay}, // an older frame after a newer one
	} {
		from, payload, err := receive(receiver, step.frame)
		if step.sentinel != nil {
			requireFieldError(t, err, step.sentinel, "envelope Sequence")
			continue
		}
		if err != nil || from != 1 || payload != step.want {
			t.Fatalf("got %v %q %v, want n1 %q", from, payload, err, step.want)
		}
	}
}

// TestReceiverRejectsFramesForOthers: a frame for n3, replayed to n2, is
// refused although its tag is good.
func TestReceiverRejectsFramesForOthers(t *testing.T) {
	frame := sequencedFrame(t, NewSender(1, testKey, 0), 3, "for n3")
	_, _, err := receive(NewReceiver(2, testKey, Limits{}), frame)
	requireFieldError(t, err, ErrReplay, "envelope To")
}

func TestReceiverTracksSendersApart(t *testing.T) {
	receiver := NewReceiver(2, testKey, Limits{})
	fromN1 := sequencedFrame(t, NewSender(1, testKey, 100), 2, "a")
	fromN3 := sequencedFrame(t, NewSender(3, testKey, 5), 2, "b")
	for _, frame := range [][]byte{fromN1, fromN3} {
		if _, _, err := receive(receiver, frame); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSenderRestart: a restarted sender is accepted only if it starts above
// the sequences it used before, as NewSender documents.
func TestSenderRestart(t *testing.T) {
	receiver := NewReceiver(2, testKey, Limits{})
	if _, _, err := receive(receiver, sequencedFrame(t, NewSender(1, testKey, 1000), 2, "before")); err != nil {
		t.Fatal(err)
	}
	_, _, err := receive(receiver, sequencedFrame(t, NewSender(1, testKey, 1), 2, "restarted low"))
	requireFieldError(t, err, ErrReplay, "envelope Sequence")
	if _, _, err := receive(receiver, sequencedFrame(t, NewSender(1, testKey, 1001), 2, "restarted high")); err != nil {
		t.Fatal(err)
	}
}

func TestReceiverPayloadBound(t *testing.T) {
	frame := sequencedFrame(t, NewSender(1, testKey, 0), 2, "eleven byte")
	if _, _, err := receive(NewReceiver(2, testKey, Limits{MaxMessageBytes: 11}), frame); err != nil {
		t.Fatalf("payload of exactly MaxMessageBytes: %v", err)
	}
	_, _, err := receive(NewReceiver(2, testKey, Limits{MaxMessageBytes: 10}), frame)
	requireFieldError(t, err, ErrTooLarge, "frame length")
}

// TestMalformedEnvelope: an authenticated frame whose envelope does not
// parse (here, From does not fit raft.NodeID) is malformed.
func TestMalformedEnvelope(t *testing.T) {
	var frame bytes.Buffer
	envelope := binary.AppendUvarint(nil, 300)
	if err := writeFrame(&frame, testKey, sequencedFrameContext, envelope, nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := receive(NewReceiver(2, testKey, Limits{}), frame.Bytes())
	requireFieldError(t, err, ErrMalformed, "envelope From")
}

// TestSharedSenderConcurrent: one Sender serves connections to eight
// nodes at once; each connection's sequences still increase, so every
// frame is accepted. Run with -race.
func TestSharedSenderConcurrent(t *testing.T) {
	const connections, frames = 8, 50
	sender := NewSender(1, testKey, 0)
	streams := make([]bytes.Buffer, connections)
	var wait sync.WaitGroup
	for i := range streams {
		wait.Go(func() {
			for range frames {
				if err := sender.WriteFrame(&streams[i], raft.NodeID(2+i), []byte("m")); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wait.Wait()
	for i := range streams {
		receiver := NewReceiver(raft.NodeID(2+i), testKey, Limits{})
		for range frames {
			if _, _, err := receiver.ReadFrame(&streams[i]); err != nil {
				t.Fatalf("connection to n%d: %v", 2+i, err)
			}
		}
	}
}

// TestSharedReceiverConcurrent: eight senders' connections read through one
// Receiver at once; every frame is accepted once, and replaying all of
// them, again at once, gets nothing through. Run with -race.
func TestSharedReceiverConcurrent(t *testing.T) {
	const connections, frames = 8, 50
	streams := make([][]byte, connections)
	for i := range streams {
		sender := NewSender(raft.NodeID(1+i), testKey, 0)
		for range frames {
			streams[i] = append(streams[i], sequencedFrame(t, sender, 9, "m")...)
		}
	}
	receiver := NewReceiver(9, testKey, Limits{})
	for _, wantErr := range []error{nil, ErrReplay} {
		var wait sync.WaitGroup
		for i := range streams {
			stream := bytes.NewReader(streams[i])
			wait.Go(func() {
				for stream.Len() > 0 {
					from, _, err := receiver.ReadFrame(stream)
					if !errors.Is(err, wantErr) || (err == nil && from != raft.NodeID(1+i)) {
						t.Errorf("connection from n%d: from %v, error %v, want %v", 1+i, from, err, wantErr)
						return
					}
				}
			})
		}
		wait.Wait()
	}
}
