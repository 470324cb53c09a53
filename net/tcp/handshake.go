package tcp

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"raftctl/net/wire"
	"raftctl/raft"
)

// Errors a caller can test with errors.Is.
var (
	// ErrWrongSecret: the other side answered, but its answer does not
	// verify under our cluster secret, so it holds another secret (or
	// someone is tampering with the connection).
	ErrWrongSecret = errors.New("the other side does not hold this cluster's secret")
	// ErrRefused: the node holds the secret and refused the connection for
	// the reason given (a wrong node ID, control connections disabled, an
	// unsupported version).
	ErrRefused = errors.New("connection refused")
	// ErrHandshake: the handshake failed for another reason (the
	// connection closed or timed out during it, or a message was
	// malformed).
	ErrHandshake = errors.New("handshake failed")
	// ErrClosed: the transport or connection is closed.
	ErrClosed = errors.New("closed")
)

// session is one connection after a successful handshake: which kind it
// is, who is at each end, and the sequenced-frame writer and reader keyed
// with the connection's own session keys.
type session struct {
	conn   net.Conn
	reader *bufio.Reader
	kind   connectionKind
	// local and remote are the node IDs at each end; a control client is
	// raft.None.
	local, remote raft.NodeID
	sender        *wire.Sender
	receiver      *wire.Receiver
}

func freshNonce() [nonceBytes]byte {
	var nonce [nonceBytes]byte
	// crypto/rand.Read never fails (it crashes the program instead, if
	// the system's source is broken).
	rand.Read(nonce[:])
	return nonce
}

// clientHandshake runs the caller's side of the handshake on conn, whose
// deadline the caller has set: kind and from say who is calling, to whom
// it expects (None: any node).
func clientHandshake(conn net.Conn, reader *bufio.Reader, secret []byte, kind connectionKind, from, to raft.NodeID, limits wire.Limits) (*session, error) {
	hello := clientHello{Version: handshakeVersion, Kind: kind, From: from, To: to, Nonce: freshNonce()}
	if err := wire.WriteFrame(conn, secret, hello.encode()); err != nil {
		return nil, fmt.Errorf("%w: sending hello: %w", ErrHandshake, err)
	}
	payload, err := wire.ReadFrame(reader, secret, wire.Limits{MaxMessageBytes: maxHandshakeFrameLen})
	switch {
	case errors.Is(err, wire.ErrUnauthenticated):
		return nil, fmt.Errorf("%w: its hello failed authentication", ErrWrongSecret)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || isReset(err):
		return nil, fmt.Errorf("%w: the node closed the connection during the handshake "+
			"(most likely its cluster secret differs, or it is busy; its log says which)", ErrHandshake)
	case err != nil:
		return nil, fmt.Errorf("%w: reading the node's hello: %w", ErrHandshake, err)
	}
	answer, err := parseServerHello(payload)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHandshake, err)
	}
	if expected := serverProof(secret, hello, answer); !hmac.Equal(answer.Proof[:], expected[:]) {
		return nil, fmt.Errorf("%w: its proof does not verify", ErrWrongSecret)
	}
	if answer.Status == statusRefused {
		return nil, fmt.Errorf("%w by %v: %s", ErrRefused, answer.ID, answer.Reason)
	}
	if answer.Version != handshakeVersion {
		return nil, fmt.Errorf("%w: the node speaks handshake version %d, this build version %d", ErrHandshake, answer.Version, handshakeVersion)
	}
	if to != raft.None && answer.ID != to {
		return nil, fmt.Errorf("%w: expected %v at this address, %v answered (check the peer addresses)", ErrRefused, to, answer.ID)
	}
	finish := clientFinish{Version: handshakeVersion, Proof: clientProof(secret, hello, answer)}
	if err := wire.WriteFrame(conn, secret, finish.encode()); err != nil {
		return nil, fmt.Errorf("%w: sending finish: %w", ErrHandshake, err)
	}
	toServer, toClient := sessionKeys(secret, hello, answer, finish)
	return &session{
		conn: conn, reader: reader, kind: kind, local: from, remote: answer.ID,
		sender:   wire.NewSender(from, toServer, 1),
		receiver: wire.NewReceiver(from, toClient, limits),
	}, nil
}

// refusal is a connection the server turned down after a valid hello.
type refusal struct{ reason string }

func (r *refusal) Error() string { return "refused: " + r.reason }

// serverHandshake runs the listening side of the handshake on conn, whose
// deadline the caller has set. decide judges a well-formed hello of this
// version and returns why it is refused, or "" to accept it.
func serverHandshake(conn net.Conn, reader *bufio.Reader, secret []byte, self raft.NodeID, limits wire.Limits, decide func(clientHello) string) (*session, error) {
	payload, err := wire.ReadFrame(reader, secret, wire.Limits{MaxMessageBytes: clientHelloBytes})
	if err != nil {
		if errors.Is(err, wire.ErrUnauthenticated) {
			return nil, fmt.Errorf("hello failed authentication (a different cluster secret?): %w", err)
		}
		return nil, fmt.Errorf("reading hello: %w", err)
	}
	hello, err := parseClientHello(payload)
	if err != nil {
		return nil, err
	}
	reason := ""
	if hello.Version != handshakeVersion {
		reason = fmt.Sprintf("handshake version %d is not supported; this node speaks version %d", hello.Version, handshakeVersion)
	} else {
		reason = decide(hello)
	}
	answer := serverHello{Version: handshakeVersion, Status: statusAccepted, ID: self, Nonce: freshNonce(), Reason: reason}
	if reason != "" {
		answer.Status = statusRefused
	}
	answer.Proof = serverProof(secret, hello, answer)
	if err := wire.WriteFrame(conn, secret, answer.encode()); err != nil {
		return nil, fmt.Errorf("sending hello: %w", err)
	}
	if reason != "" {
		return nil, &refusal{reason: reason}
	}
	payload, err = wire.ReadFrame(reader, secret, wire.Limits{MaxMessageBytes: clientFinishBytes})
	if err != nil {
		return nil, fmt.Errorf("reading finish: %w", err)
	}
	finish, err := parseClientFinish(payload)
	if err != nil {
		return nil, err
	}
	if expected := clientProof(secret, hello, answer); finish.Version != handshakeVersion || !hmac.Equal(finish.Proof[:], expected[:]) {
		return nil, errors.New("the client's proof does not cover this connection's nonce (a replayed or forged handshake)")
	}
	toServer, toClient := sessionKeys(secret, hello, answer, finish)
	return &session{
		conn: conn, reader: reader, kind: hello.Kind, local: self, remote: hello.From,
		sender:   wire.NewSender(self, toClient, 1),
		receiver: wire.NewReceiver(self, toServer, limits),
	}, nil
}

// isReset reports a connection reset by the other side.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
