package tcp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"reflect"
	"strings"
	"testing"

	"raftctl/net/wire"
	"raftctl/raft"
)

// handshakeResult is one side's outcome.
type handshakeResult struct {
	session *session
	err     error
}

// pipeHandshake runs a client and a server handshake against each other
// on an in-memory pipe. decide is the server's judgement (nil accepts).
func pipeHandshake(t *testing.T, clientSecret, serverSecret []byte, kind connectionKind, from, to, server raft.NodeID, decide func(clientHello) string) (client, accepted handshakeResult) {
	t.Helper()
	clientEnd, serverEnd := net.Pipe()
	t.Cleanup(func() { clientEnd.Close(); serverEnd.Close() })
	if decide == nil {
		decide = func(clientHello) string { return "" }
	}
	done := make(chan handshakeResult, 1)
	go func() {
		s, err := serverHandshake(serverEnd, bufio.NewReader(serverEnd), serverSecret, server, wire.Limits{}, decide)
		if err != nil {
			// As the transport does: a refused connection is closed.
			serverEnd.Close()
		}
		done <- handshakeResult{s, err}
	}()
	s, err := clientHandshake(clientEnd, bufio.NewReader(clientEnd), clientSecret, kind, from, to, wire.Limits{})
	if err != nil {
		clientEnd.Close()
	}
	return handshakeResult{s, err}, <-done
}

func TestHandshakeAgreesOnIdentitiesAndKeys(t *testing.T) {
	client, server := pipeHandshake(t, testSecret, testSecret, peerConnection, 2, 1, 1, nil)
	if client.err != nil || server.err != nil {
		t.Fatalf("client error %v, server error %v", client.err, server.err)
	}
	if client.session.remote != 1 || client.session.local != 2 || server.session.remote != 2 || server.session.local != 1 {
		t.Fatalf("identities: client %v->%v, server %v->%v",
			client.session.local, client.session.remote, server.session.local, server.session.remote)
	}
	if server.session.kind != peerConnection {
		t.Fatalf("server sees kind %v, want peer", server.session.kind)
	}
	// A frame from each side verifies at the other under the derived keys.
	go client.session.sender.WriteFrame(client.session.conn, 1, []byte("to the server"))
	from, payload, err := server.session.receiver.ReadFrame(server.session.reader)
	if err != nil || from != 2 || string(payload) != "to the server" {
		t.Fatalf("server read %v %q %v", from, payload, err)
	}
	go server.session.sender.WriteFrame(server.session.conn, 2, []byte("to the client"))
	from, payload, err = client.session.receiver.ReadFrame(client.session.reader)
	if err != nil || from != 1 || string(payload) != "to the client" {
		t.Fatalf("client read %v %q %v", from, payload, err)
	}
}

func TestHandshakeWithAnotherSecretFailsOnBothSides(t *testing.T) {
	other := []byte("another cluster's secret, 32 by!")
	client, server := pipeHandshake(t, other, testSecret, peerConnection, 2, 1, 1, nil)
	if !errors.Is(server.err, wire.ErrUnauthenticated) {
		t.Errorf("server error %v, want one wrapping wire.ErrUnauthenticated", server.err)
	}
	if !errors.Is(client.err, ErrHandshake) || !strings.Contains(client.err.Error(), "cluster secret") {
		t.Errorf("client error %v, want ErrHandshake naming the secret as the likely cause", client.err)
	}
}

// A server with another secret answers a hello it cannot verify by
// closing; but if one answered anyway (a fake node), the client must
// refuse its hello, which does not verify under the client's secret.
func TestClientRefusesServerWithoutTheSecret(t *testing.T) {
	clientEnd, serverEnd := net.Pipe()
	defer clientEnd.Close()
	go func() {
		defer serverEnd.Close()
		// Skip the hello (it does not verify under the fake's key) and
		// answer under the fake's key.
		wire.ReadFrame(bufio.NewReader(serverEnd), []byte("another cluster's secret, 32 by!"), wire.Limits{})
		answer := serverHello{Version: handshakeVersion, ID: 1, Nonce: freshNonce()}
		wire.WriteFrame(serverEnd, []byte("another cluster's secret, 32 by!"), answer.encode())
	}()
	_, err := clientHandshake(clientEnd, bufio.NewReader(clientEnd), testSecret, peerConnection, 2, 1, wire.Limits{})
	if !errors.Is(err, ErrWrongSecret) {
		t.Fatalf("got %v, want ErrWrongSecret", err)
	}
}

func TestHandshakeRefusalReachesTheClient(t *testing.T) {
	client, server := pipeHandshake(t, testSecret, testSecret, controlConnection, raft.None, raft.None, 1,
		func(clientHello) string { return "n1 does not accept control connections" })
	if !errors.Is(client.err, ErrRefused) || !strings.Contains(client.err.Error(), "does not accept control connections") {
		t.Errorf("client error %v, want ErrRefused with the server's reason", client.err)
	}
	var refused *refusal
	if !errors.As(server.err, &refused) {
		t.Errorf("server error %v, want a refusal", server.err)
	}
}

func TestHandshakeChecksTheNodeDialed(t *testing.T) {
	// The client dials what it believes is n3; n1 answers and accepts
	// (the transport's decide would refuse; here the client must notice
	// on its own).
	client, _ := pipeHandshake(t, testSecret, testSecret, peerConnection, 2, 3, 1, nil)
	if !errors.Is(client.err, ErrRefused) || !strings.Contains(client.err.Error(), "expected n3") {
		t.Errorf("client error %v, want a refusal naming the expected node", client.err)
	}
}

// recordingConn records what one side writes.
type recordingConn struct {
	net.Conn
	written bytes.Buffer
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.written.Write(p)
	return c.Conn.Write(p)
}

// A handshake recorded in full and played again to a server fails: the
// server's fresh nonce is not in the recorded proof.
func TestReplayedHandshakeIsRefused(t *testing.T) {
	clientEnd, serverEnd := net.Pipe()
	recorder := &recordingConn{Conn: clientEnd}
	go serverHandshake(serverEnd, bufio.NewReader(serverEnd), testSecret, 1, wire.Limits{}, func(clientHello) string { return "" })
	if _, err := clientHandshake(recorder, bufio.NewReader(recorder), testSecret, peerConnection, 2, 1, wire.Limits{}); err != nil {
		t.Fatal(err)
	}
	clientEnd.Close()
	serverEnd.Close()

	attacker, victim := net.Pipe()
	defer attacker.Close()
	go func() {
		attacker.Write(recorder.written.Bytes())
		io.Copy(io.Discard, attacker)
	}()
	_, err := serverHandshake(victim, bufio.NewReader(victim), testSecret, 1, wire.Limits{}, func(clientHello) string { return "" })
	victim.Close()
	if err == nil || !strings.Contains(err.Error(), "replayed") {
		t.Fatalf("replayed handshake: got %v, want a refused proof", err)
	}
}

// Two handshakes between the same nodes give different keys, so a frame
// recorded on one connection does not verify on the next.
func TestEachConnectionHasItsOwnKeys(t *testing.T) {
	first, firstServer := pipeHandshake(t, testSecret, testSecret, peerConnection, 2, 1, 1, nil)
	second, secondServer := pipeHandshake(t, testSecret, testSecret, peerConnection, 2, 1, 1, nil)
	for _, result := range []handshakeResult{first, firstServer, second, secondServer} {
		if result.err != nil {
			t.Fatal(result.err)
		}
	}
	var recorded bytes.Buffer
	if err := first.session.sender.WriteFrame(&recorded, 1, wire.EncodeMessage(heartbeat(2, 1, 5))); err != nil {
		t.Fatal(err)
	}
	receiver := secondServer.session.receiver
	if _, _, err := receiver.ReadFrame(bytes.NewReader(recorded.Bytes())); !errors.Is(err, wire.ErrUnauthenticated) {
		t.Fatalf("a frame of the first connection on the second: %v, want ErrUnauthenticated", err)
	}
	// And on its own connection, once, it verifies; a second time it is a
	// replay.
	receiver = firstServer.session.receiver
	if _, _, err := receiver.ReadFrame(bytes.NewReader(recorded.Bytes())); err != nil {
		t.Fatalf("on its own connection: %v", err)
	}
	if _, _, err := receiver.ReadFrame(bytes.NewReader(recorded.Bytes())); !errors.Is(err, wire.ErrReplay) {
		t.Fatalf("replayed on its own connection: %v, want ErrReplay", err)
	}
}

func TestHandshakeMessagesRoundTrip(t *testing.T) {
	hello := clientHello{Version: 1, Kind: peerConnection, From: 3, To: 255, Nonce: freshNonce()}
	if got, err := parseClientHello(hello.encode()); err != nil || got != hello {
		t.Errorf("client hello: got %+v, %v", got, err)
	}
	answer := serverHello{Version: 1, Status: statusRefused, ID: 7, Nonce: freshNonce(), Reason: "not today", Proof: freshNonce()}
	if got, err := parseServerHello(answer.encode()); err != nil || !reflect.DeepEqual(got, answer) {
		t.Errorf("server hello: got %+v, %v", got, err)
	}
	finish := clientFinish{Version: 1, Proof: freshNonce()}
	if got, err := parseClientFinish(finish.encode()); err != nil || got != finish {
		t.Errorf("client finish: got %+v, %v", got, err)
	}
	// A reason over the bound is cut to it.
	answer.Reason = strings.Repeat("x", 3*maxReasonBytes)
	if got, err := parseServerHello(answer.encode()); err != nil || len(got.Reason) != maxReasonBytes {
		t.Errorf("long reason: got %d bytes, %v", len(got.Reason), err)
	}
}

func TestHandshakeParsersRejectMalformedInput(t *testing.T) {
	hello := clientHello{Version: 1, Kind: peerConnection, From: 1, To: 2}.encode()
	answer := serverHello{Version: 1, ID: 1, Reason: "ab"}.encode()
	finish := clientFinish{Version: 1}.encode()
	for name, test := range map[string]struct {
		parse func([]byte) error
		data  []byte
	}{
		"empty hello":         {parseClientHelloError, nil},
		"short hello":         {parseClientHelloError, hello[:len(hello)-1]},
		"long hello":          {parseClientHelloError, append(bytes.Clone(hello), 0)},
		"finish as hello":     {parseClientHelloError, finish},
		"server hello short":  {parseServerHelloError, answer[:len(answer)-1]},
		"reason length lies":  {parseServerHelloError, withByte(answer, 5+nonceBytes, 3)},
		"reason length large": {parseServerHelloError, withByte(answer, 5+nonceBytes, 255)},
		"unknown status":      {parseServerHelloError, withByte(answer, 3, 7)},
		"hello as answer":     {parseServerHelloError, hello},
		"short finish":        {parseClientFinishError, finish[:3]},
		"wrong tag":           {parseClientFinishError, withByte(finish, 1, 'X')},
	} {
		if err := test.parse(test.data); !errors.Is(err, errHandshake) {
			t.Errorf("%s: got %v, want a malformed-handshake error", name, err)
		}
	}
}

func parseClientHelloError(data []byte) error  { _, err := parseClientHello(data); return err }
func parseServerHelloError(data []byte) error  { _, err := parseServerHello(data); return err }
func parseClientFinishError(data []byte) error { _, err := parseClientFinish(data); return err }

func withByte(data []byte, offset int, value byte) []byte {
	changed := bytes.Clone(data)
	changed[offset] = value
	return changed
}
