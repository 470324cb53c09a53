package tcp

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"

	"raftctl/raft"
)

// The three handshake messages, byte for byte (the package doc tells the
// story). Each travels as the payload of one net/wire frame under the
// cluster secret. Every field has a fixed size except the refusal reason,
// so there is one encoding per message and parsing needs no allocation
// beyond the message itself.
//
//	client hello   'R' 'H' version kind from to nonce[32]                       38 bytes
//	server hello   'R' 'S' version status id nonce[32] reasonLength reason proof[32]
//	client finish  'R' 'F' version proof[32]                                    35 bytes

// handshakeVersion is the version of the handshake this build speaks. A
// server refuses other versions with a reason the client can show.
const handshakeVersion = 1

const (
	nonceBytes = 32
	proofBytes = sha256.Size
	// maxReasonBytes bounds the refusal reason in a server hello.
	maxReasonBytes = 200

	clientHelloBytes     = 2 + 1 + 1 + 1 + 1 + nonceBytes
	serverHelloMinBytes  = 2 + 1 + 1 + 1 + nonceBytes + 1 + proofBytes
	serverHelloMaxBytes  = serverHelloMinBytes + maxReasonBytes
	clientFinishBytes    = 2 + 1 + proofBytes
	maxHandshakeFrameLen = serverHelloMaxBytes
)

// connectionKind says what a connection is for. It is part of the client hello and so
// of both proofs: a control connection cannot be passed off as a peer's.
type connectionKind uint8

const (
	// peerConnection carries Raft messages from one node to another.
	peerConnection connectionKind = 1
	// controlConnection carries opaque payloads between a control client (the
	// REPL's Remote) and a node.
	controlConnection connectionKind = 2
)

func (kind connectionKind) String() string {
	switch kind {
	case peerConnection:
		return "peer"
	case controlConnection:
		return "control"
	}
	return fmt.Sprintf("connectionKind(%d)", uint8(kind))
}

// Labels put in front of everything the secret signs in the handshake, one
// per use, so that nothing made for one use verifies as another (a server
// proof is never a client proof, a key is never a proof). Each ends in a
// zero byte, so none is a prefix of another.
const (
	serverProofLabel    = "raftctl/net/tcp v1 server proof\x00"
	clientProofLabel    = "raftctl/net/tcp v1 client proof\x00"
	clientToServerLabel = "raftctl/net/tcp v1 key client to server\x00"
	serverToClientLabel = "raftctl/net/tcp v1 key server to client\x00"
)

// errHandshake is wrapped by every handshake parsing error.
var errHandshake = errors.New("malformed handshake")

// clientHello opens a connection: who is calling, for what, whom it
// expects to reach, and a fresh nonce the server's proof must cover.
type clientHello struct {
	Version uint8
	Kind    connectionKind
	// From is the calling node (None for a control client).
	From raft.NodeID
	// To is the node the caller believes it dialed (None: any node, for a
	// control client).
	To    raft.NodeID
	Nonce [nonceBytes]byte
}

func (h clientHello) encode() []byte {
	buffer := make([]byte, 0, clientHelloBytes)
	buffer = append(buffer, 'R', 'H', h.Version, byte(h.Kind), byte(h.From), byte(h.To))
	return append(buffer, h.Nonce[:]...)
}

func parseClientHello(data []byte) (clientHello, error) {
	var h clientHello
	if err := checkHeader(data, 'H', clientHelloBytes, clientHelloBytes); err != nil {
		return h, err
	}
	h.Version, h.Kind, h.From, h.To = data[2], connectionKind(data[3]), raft.NodeID(data[4]), raft.NodeID(data[5])
	copy(h.Nonce[:], data[6:])
	return h, nil
}

// Status of a server hello.
const (
	statusAccepted = 0
	statusRefused  = 1
)

// serverHello answers a client hello: the server's node ID, a fresh nonce
// the client's proof must cover, whether the connection is accepted (and if
// not, why, in words for the client's user), and the server's proof.
type serverHello struct {
	Version uint8
	Status  uint8
	ID      raft.NodeID
	Nonce   [nonceBytes]byte
	Reason  string
	// Proof is HMAC(secret, serverProofLabel || client hello || this
	// message up to the proof).
	Proof [proofBytes]byte
}

// unsigned encodes everything but the proof: what the proof covers.
func (h serverHello) unsigned() []byte {
	reason := h.Reason[:min(len(h.Reason), maxReasonBytes)]
	buffer := make([]byte, 0, serverHelloMinBytes+len(reason))
	buffer = append(buffer, 'R', 'S', h.Version, h.Status, byte(h.ID))
	buffer = append(buffer, h.Nonce[:]...)
	buffer = append(buffer, byte(len(reason)))
	return append(buffer, reason...)
}

func (h serverHello) encode() []byte {
	return append(h.unsigned(), h.Proof[:]...)
}

func parseServerHello(data []byte) (serverHello, error) {
	var h serverHello
	if err := checkHeader(data, 'S', serverHelloMinBytes, serverHelloMaxBytes); err != nil {
		return h, err
	}
	h.Version, h.Status, h.ID = data[2], data[3], raft.NodeID(data[4])
	if h.Status != statusAccepted && h.Status != statusRefused {
		return h, fmt.Errorf("%w: server hello status %d, want %d or %d", errHandshake, h.Status, statusAccepted, statusRefused)
	}
	copy(h.Nonce[:], data[5:5+nonceBytes])
	reasonLength := int(data[5+nonceBytes])
	if want := serverHelloMinBytes + reasonLength; len(data) != want {
		return h, fmt.Errorf("%w: server hello of %d bytes with a reason of %d bytes, want %d bytes in all", errHandshake, len(data), reasonLength, want)
	}
	start := 5 + nonceBytes + 1
	h.Reason = string(data[start : start+reasonLength])
	copy(h.Proof[:], data[start+reasonLength:])
	return h, nil
}

// clientFinish proves the client holds the secret, over both hellos.
type clientFinish struct {
	Version uint8
	// Proof is HMAC(secret, clientProofLabel || client hello || server hello).
	Proof [proofBytes]byte
}

func (f clientFinish) encode() []byte {
	buffer := make([]byte, 0, clientFinishBytes)
	buffer = append(buffer, 'R', 'F', f.Version)
	return append(buffer, f.Proof[:]...)
}

func parseClientFinish(data []byte) (clientFinish, error) {
	var f clientFinish
	if err := checkHeader(data, 'F', clientFinishBytes, clientFinishBytes); err != nil {
		return f, err
	}
	f.Version = data[2]
	copy(f.Proof[:], data[3:])
	return f, nil
}

// checkHeader checks the two tag bytes and the length of a handshake
// message. The version byte is the caller's to judge: a server answers an
// unknown version with a refusal the client can read.
func checkHeader(data []byte, step byte, minLength, maxLength int) error {
	if len(data) < 2 || data[0] != 'R' || data[1] != step {
		return fmt.Errorf("%w: want a message starting with %q", errHandshake, []byte{'R', step})
	}
	if len(data) < minLength || len(data) > maxLength {
		if minLength == maxLength {
			return fmt.Errorf("%w: %q message of %d bytes, want %d", errHandshake, []byte{'R', step}, len(data), minLength)
		}
		return fmt.Errorf("%w: %q message of %d bytes, want %d to %d", errHandshake, []byte{'R', step}, len(data), minLength, maxLength)
	}
	return nil
}

// sign returns HMAC-SHA256(secret, label || parts...).
func sign(secret []byte, label string, parts ...[]byte) [proofBytes]byte {
	mac := hmac.New(sha256.New, secret)
	io.WriteString(mac, label)
	for _, part := range parts {
		mac.Write(part)
	}
	var sum [proofBytes]byte
	mac.Sum(sum[:0])
	return sum
}

// serverProof is what the server signs: the client's hello (and so its
// fresh nonce) and its own answer.
func serverProof(secret []byte, hello clientHello, answer serverHello) [proofBytes]byte {
	return sign(secret, serverProofLabel, hello.encode(), answer.unsigned())
}

// clientProof is what the client signs: the whole exchange so far,
// including the server's fresh nonce.
func clientProof(secret []byte, hello clientHello, answer serverHello) [proofBytes]byte {
	return sign(secret, clientProofLabel, hello.encode(), answer.encode())
}

// sessionKeys derives the two keys of one connection from the secret and
// the whole handshake. Both nonces are in it, so every connection has keys
// of its own: a frame recorded on one connection never verifies on
// another, and one key per direction means a frame reflected back to its
// sender never verifies either.
func sessionKeys(secret []byte, hello clientHello, answer serverHello, finish clientFinish) (clientToServer, serverToClient []byte) {
	transcript := [][]byte{hello.encode(), answer.encode(), finish.encode()}
	a := sign(secret, clientToServerLabel, transcript...)
	b := sign(secret, serverToClientLabel, transcript...)
	return a[:], b[:]
}
