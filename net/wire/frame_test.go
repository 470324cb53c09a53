package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// writeFrames returns the frames of payloads under key, one after another.
func writeFrames(key []byte, payloads ...[]byte) []byte {
	var stream bytes.Buffer
	for _, payload := range payloads {
		if err := WriteFrame(&stream, key, payload); err != nil {
			panic(err) // only a short key fails, and tests use testKey
		}
	}
	return stream.Bytes()
}

func TestFrameRoundTrip(t *testing.T) {
	rng := newRand(3)
	payloads := [][]byte{{}, []byte("x"), EncodeMessage(typicalAppendEntries())}
	for range 50 {
		payloads = append(payloads, EncodeMessage(randomMessage(rng)))
	}
	stream := bytes.NewReader(writeFrames(testKey, payloads...))
	for i, want := range payloads {
		got, err := ReadFrame(stream, testKey, Limits{})
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("frame %d: payload %x, want %x", i, got, want)
		}
	}
	if _, err := ReadFrame(stream, testKey, Limits{}); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

// TestFrameIsOneWrite: a frame goes out in one Write, so it is never split
// by a writer that forgets to buffer.
func TestFrameIsOneWrite(t *testing.T) {
	var writer countingWriter
	if err := WriteFrame(&writer, testKey, []byte("payload")); err != nil {
		t.Fatal(err)
	}
	if writer.writes != 1 || writer.bytes != lengthBytes+7+tagBytes {
		t.Fatalf("%d writes of %d bytes, want 1 write of %d", writer.writes, writer.bytes, lengthBytes+7+tagBytes)
	}
}

type countingWriter struct{ writes, bytes int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.bytes += len(p)
	return len(p), nil
}

func TestEveryFrameTruncationFails(t *testing.T) {
	frame := writeFrames(testKey, EncodeMessage(typicalAppendEntries()))
	for cut := range len(frame) {
		payload, err := ReadFrame(bytes.NewReader(frame[:cut]), testKey, Limits{})
		want := io.ErrUnexpectedEOF
		if cut == 0 {
			want = io.EOF
		}
		if payload != nil || !errors.Is(err, want) {
			t.Fatalf("frame cut to %d of %d bytes: payload %x, error %v, want %v", cut, len(frame), payload, err, want)
		}
	}
}

// TestFlippedBitIsUnauthenticated flips every bit of a frame in turn. In
// the payload or the tag that is ErrUnauthenticated; in the length prefix
// it is some error (the length decides how much is read, so the frame may
// be too large or cut short before the tag is checked).
func TestFlippedBitIsUnauthenticated(t *testing.T) {
	frame := writeFrames(testKey, EncodeMessage(typicalAppendEntries()))
	for bit := range 8 * len(frame) {
		corrupt := bytes.Clone(frame)
		corrupt[bit/8] ^= 1 << (bit % 8)
		payload, err := ReadFrame(bytes.NewReader(corrupt), testKey, Limits{})
		switch {
		case payload != nil || err == nil:
			t.Fatalf("bit %d flipped: frame accepted", bit)
		case bit/8 >= lengthBytes && err != ErrUnauthenticated:
			t.Fatalf("bit %d flipped: error %v, want ErrUnauthenticated", bit, err)
		case !knownError(err):
			t.Fatalf("bit %d flipped: unexpected error %v", bit, err)
		}
	}
}

func TestWrongKeyIsUnauthenticated(t *testing.T) {
	frame := writeFrames(testKey, []byte("hello"))
	otherKey := bytes.Clone(testKey)
	otherKey[0] ^= 1
	if _, err := ReadFrame(bytes.NewReader(frame), otherKey, Limits{}); err != ErrUnauthenticated {
		t.Fatalf("wrong key: %v, want ErrUnauthenticated", err)
	}
}

func TestShortKeyIsRefused(t *testing.T) {
	short := testKey[:MinKeyBytes-1]
	if err := WriteFrame(io.Discard, short, nil); err != ErrShortKey {
		t.Fatalf("WriteFrame with a %d-byte key: %v, want ErrShortKey", len(short), err)
	}
	frame := writeFrames(testKey, nil)
	if _, err := ReadFrame(bytes.NewReader(frame), short, Limits{}); err != ErrShortKey {
		t.Fatalf("ReadFrame with a %d-byte key: %v, want ErrShortKey", len(short), err)
	}
}

// TestFrameLengthBound: a frame above MaxMessageBytes is refused after its
// length prefix, before a byte of its payload is read.
func TestFrameLengthBound(t *testing.T) {
	frame := writeFrames(testKey, make([]byte, 100))
	if _, err := ReadFrame(bytes.NewReader(frame), testKey, Limits{MaxMessageBytes: 100}); err != nil {
		t.Fatalf("frame of exactly MaxMessageBytes: %v", err)
	}
	stream := bytes.NewReader(frame)
	_, err := ReadFrame(stream, testKey, Limits{MaxMessageBytes: 99})
	requireFieldError(t, err, ErrTooLarge, "frame length")
	if read := len(frame) - stream.Len(); read != lengthBytes {
		t.Fatalf("read %d bytes of a refused frame, want only the %d-byte length", read, lengthBytes)
	}

	huge := binary.BigEndian.AppendUint32(nil, 0xffffffff)
	_, err = ReadFrame(bytes.NewReader(huge), testKey, Limits{})
	requireFieldError(t, err, ErrTooLarge, "frame length")
}

// TestClaimedLengthIsNotTrusted: a frame that claims the largest allowed
// payload and then ends costs what was sent, not what was claimed.
func TestClaimedLengthIsNotTrusted(t *testing.T) {
	claim := append(binary.BigEndian.AppendUint32(nil, DefaultMaxMessageBytes), "only this"...)
	_, err := ReadFrame(bytes.NewReader(claim), testKey, Limits{})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("claim of %d bytes with 9 sent: %v, want io.ErrUnexpectedEOF", DefaultMaxMessageBytes, err)
	}
	allocated := bytesAllocated(func() { ReadFrame(bytes.NewReader(claim), testKey, Limits{}) })
	if allocated > 2*readChunkBytes {
		t.Fatalf("a 9-byte frame claiming %d bytes allocated %d bytes", DefaultMaxMessageBytes, allocated)
	}
}

// TestLargeFrameRoundTrip crosses the growing reader's chunk boundaries.
func TestLargeFrameRoundTrip(t *testing.T) {
	payload := make([]byte, 5*readChunkBytes+123)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	got, err := ReadFrame(shortReads(writeFrames(testKey, payload)), testKey, Limits{})
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("large frame: %d bytes, error %v", len(got), err)
	}
}

// shortReads returns a reader that gives at most 1000 bytes per Read, like a
// TCP connection.
func shortReads(data []byte) io.Reader {
	return &shortReader{data: data}
}

type shortReader struct{ data []byte }

func (r *shortReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 1000)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestFrameKindsDoNotMix: a plain frame is not a sequenced frame and the
// reverse, even under the same key, because their tags use different
// contexts.
func TestFrameKindsDoNotMix(t *testing.T) {
	plain := writeFrames(testKey, []byte("\x01\x02\x07payload"))
	if _, _, err := NewReceiver(2, testKey, Limits{}).ReadFrame(bytes.NewReader(plain)); err != ErrUnauthenticated {
		t.Fatalf("plain frame read as sequenced: %v, want ErrUnauthenticated", err)
	}
	var sequenced bytes.Buffer
	if err := NewSender(1, testKey, 7).WriteFrame(&sequenced, 2, []byte("payload")); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFrame(&sequenced, testKey, Limits{}); err != ErrUnauthenticated {
		t.Fatalf("sequenced frame read as plain: %v, want ErrUnauthenticated", err)
	}
}
