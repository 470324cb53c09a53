package tcp

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseHandshake feeds the same bytes to the three handshake parsers.
// None panics or fails with anything but a malformed-handshake error, and
// whatever one accepts re-encodes to exactly the bytes it came from (one
// encoding per message).
func FuzzParseHandshake(f *testing.F) {
	for _, seed := range handshakeSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if hello, err := parseClientHello(data); err != nil {
			checkHandshakeError(t, err)
		} else if again := hello.encode(); !bytes.Equal(again, data) {
			t.Fatalf("client hello %x re-encodes to %x", data, again)
		}
		if answer, err := parseServerHello(data); err != nil {
			checkHandshakeError(t, err)
		} else if again := answer.encode(); !bytes.Equal(again, data) {
			t.Fatalf("server hello %x re-encodes to %x", data, again)
		}
		if finish, err := parseClientFinish(data); err != nil {
			checkHandshakeError(t, err)
		} else if again := finish.encode(); !bytes.Equal(again, data) {
			t.Fatalf("client finish %x re-encodes to %x", data, again)
		}
	})
}

func checkHandshakeError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, errHandshake) {
		t.Fatalf("unexpected error %v", err)
	}
}

// The checked-in seed corpus in testdata/fuzz comes from handshakeSeeds;
// TestFuzzCorpus checks it is up to date and rewrites it with
// -update-corpus (review the diff).
var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz from handshakeSeeds")

// handshakeSeeds are valid messages of each step, with fixed nonces and
// proofs so the corpus is stable, and interesting rejections.
func handshakeSeeds() map[string][]byte {
	var nonce, proof [32]byte
	for i := range nonce {
		nonce[i], proof[i] = byte(i), byte(255-i)
	}
	hello := clientHello{Version: handshakeVersion, Kind: peerConnection, From: 2, To: 1, Nonce: nonce}.encode()
	control := clientHello{Version: handshakeVersion, Kind: controlConnection, Nonce: nonce}.encode()
	accepted := serverHello{Version: handshakeVersion, ID: 1, Nonce: nonce, Proof: proof}.encode()
	refused := serverHello{Version: handshakeVersion, Status: statusRefused, ID: 3, Nonce: nonce,
		Reason: "n3 does not accept control connections", Proof: proof}.encode()
	finish := clientFinish{Version: handshakeVersion, Proof: proof}.encode()
	lyingLength := bytes.Clone(refused)
	lyingLength[5+nonceBytes] = 255
	return map[string][]byte{
		"peer-hello":           hello,
		"control-hello":        control,
		"server-accepts":       accepted,
		"server-refuses":       refused,
		"client-finish":        finish,
		"truncated-hello":      hello[:20],
		"reason-length-lies":   lyingLength,
		"hello-then-finish":    append(bytes.Clone(hello), finish...),
		"frame-length-prefix":  {0x40, 0, 0, 0},
		"version-2-hello":      clientHello{Version: 2, Kind: peerConnection, From: 2, To: 1}.encode(),
		"unknown-kind-hello":   clientHello{Version: handshakeVersion, Kind: 9}.encode(),
		"server-hello-no-tail": accepted[:serverHelloMinBytes-proofBytes],
	}
}

func TestFuzzCorpus(t *testing.T) {
	for file, data := range handshakeSeeds() {
		path := filepath.Join("testdata", "fuzz", "FuzzParseHandshake", file)
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if *updateCorpus {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s is missing or stale; run: go test ./net/tcp -run TestFuzzCorpus -update-corpus", path)
		}
	}
}
