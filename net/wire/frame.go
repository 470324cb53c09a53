package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
)

// MinKeyBytes is the shortest cluster key WriteFrame and ReadFrame accept.
// Generate keys at random (32 bytes from crypto/rand); a short or guessable
// key authenticates nothing.
const MinKeyBytes = 16

const (
	lengthBytes = 4
	tagBytes    = sha256.Size
)

// Context strings put in front of everything a tag covers, so that a tag
// made for one kind of frame, or by another program under the same key,
// never verifies as another. Neither is a prefix of the other.
const (
	frameContext          = "raftctl/net/wire v1 frame\x00"
	sequencedFrameContext = "raftctl/net/wire v1 sequenced frame\x00"
)

// readChunkBytes is how much ReadFrame allocates before the peer has sent
// anything beyond the length prefix; the buffer then grows as bytes arrive.
const readChunkBytes = 64 << 10

// WriteFrame writes payload to w as one frame (layout in the package doc),
// in a single Write call. Callers that share w between goroutines must
// still serialize the calls.
func WriteFrame(w io.Writer, key []byte, payload []byte) error {
	return writeFrame(w, key, frameContext, nil, payload)
}

// ReadFrame reads one frame from r and returns its payload once the tag
// verifies. The length prefix is checked against limits.MaxMessageBytes
// before the payload is read, and the buffer grows only as bytes arrive.
//
// At a clean end of stream (no byte of a new frame) it returns io.EOF; a
// stream that ends inside a frame gives an error wrapping
// io.ErrUnexpectedEOF. A tag that does not match gives ErrUnauthenticated.
func ReadFrame(r io.Reader, key []byte, limits Limits) ([]byte, error) {
	return readFrame(r, key, frameContext, limits.orDefaults().MaxMessageBytes)
}

// writeFrame writes the frame of the payload header || body under context.
func writeFrame(w io.Writer, key []byte, context string, header, body []byte) error {
	if len(key) < MinKeyBytes {
		return ErrShortKey
	}
	length := uint64(len(header)) + uint64(len(body))
	if length > math.MaxUint32 {
		return &FieldError{Field: "frame length", Err: ErrTooLarge,
			Reason: fmt.Sprintf("%d bytes, a frame holds at most %d", length, uint64(math.MaxUint32))}
	}
	frame := make([]byte, 0, lengthBytes+int(length)+tagBytes)
	frame = binary.BigEndian.AppendUint32(frame, uint32(length))
	frame = append(frame, header...)
	frame = append(frame, body...)
	// The tag covers everything written so far: the length and the payload.
	frame = appendTag(frame, key, context, frame)
	_, err := w.Write(frame)
	return err
}

// readFrame reads one frame under context whose payload is at most
// maxPayload bytes.
func readFrame(r io.Reader, key []byte, context string, maxPayload int) ([]byte, error) {
	if len(key) < MinKeyBytes {
		return nil, ErrShortKey
	}
	var prefix [lengthBytes]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("wire: frame length: %w", err)
	}
	length := binary.BigEndian.Uint32(prefix[:])
	if uint64(length) > uint64(maxPayload) {
		return nil, &FieldError{Field: "frame length", Err: ErrTooLarge,
			Reason: fmt.Sprintf("%d bytes, limit MaxMessageBytes is %d", length, maxPayload)}
	}
	body, err := readGrowing(r, int(length)+tagBytes)
	if err != nil {
		return nil, fmt.Errorf("wire: frame payload: %w", err)
	}
	payload, tag := body[:length:length], body[length:]
	// The tag covers the length prefix and the payload, as written.
	expected := appendTag(nil, key, context, prefix[:], payload)
	if !hmac.Equal(tag, expected) {
		return nil, ErrUnauthenticated
	}
	return payload, nil
}

// appendTag appends HMAC-SHA256(key, context || parts...) to buffer.
func appendTag(buffer []byte, key []byte, context string, parts ...[]byte) []byte {
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, context)
	for _, part := range parts {
		mac.Write(part)
	}
	return mac.Sum(buffer)
}

// readGrowing reads exactly n bytes. It does not trust n: it starts with at
// most readChunkBytes and doubles the buffer only as the peer fills it, so a
// peer that claims a large frame and goes quiet costs what it sent, not
// what it claimed.
func readGrowing(r io.Reader, n int) ([]byte, error) {
	buffer := make([]byte, 0, min(n, readChunkBytes))
	for len(buffer) < n {
		step := min(n-len(buffer), max(len(buffer), readChunkBytes))
		buffer = slices.Grow(buffer, step)
		read, err := io.ReadFull(r, buffer[len(buffer):len(buffer)+step])
		buffer = buffer[:len(buffer)+read]
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return buffer, nil
}
