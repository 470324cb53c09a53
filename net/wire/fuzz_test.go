package wire

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"raftctl/raft"
)

// FuzzDecodeMessage: DecodeMessage never panics, fails only with this
// package's errors, and anything it accepts re-encodes to exactly the same
// bytes (the encoding is canonical; see the package doc).
func FuzzDecodeMessage(f *testing.F) {
	rng := newRand(4)
	for range 8 {
		f.Add(EncodeMessage(randomMessage(rng)))
	}
	tight := Limits{MaxMessageBytes: 256, MaxEntries: 3, MaxCommandBytes: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, limits := range []Limits{{}, tight} {
			m, err := DecodeMessageWithLimits(data, limits)
			if err != nil {
				if !knownError(err) {
					t.Fatalf("unexpected error %v", err)
				}
				continue
			}
			if again := EncodeMessage(m); !bytes.Equal(again, data) {
				t.Fatalf("decoded %+v\nre-encodes to %x\nnot to       %x", m, again, data)
			}
		}
	})
}

// FuzzReadFrame reads a stream of frames, first as plain frames, then as
// sequenced frames through a Receiver. Neither panics or fails with an
// error not of this package; every plain frame accepted re-encodes to
// exactly the bytes it was read from, and its payload, if it decodes as a
// message, re-encodes to the same payload.
func FuzzReadFrame(f *testing.F) {
	for _, seed := range frameSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stream := bytes.NewReader(data)
		for {
			start := len(data) - stream.Len()
			payload, err := ReadFrame(stream, testKey, Limits{MaxMessageBytes: 1 << 16})
			if err != nil {
				if !knownError(err) {
					t.Fatalf("unexpected error %v", err)
				}
				break
			}
			frame := data[start : len(data)-stream.Len()]
			var again bytes.Buffer
			if err := WriteFrame(&again, testKey, payload); err != nil || !bytes.Equal(again.Bytes(), frame) {
				t.Fatalf("frame %x re-encodes to %x (error %v)", frame, again.Bytes(), err)
			}
			if m, err := DecodeMessage(payload); err == nil && !bytes.Equal(EncodeMessage(m), payload) {
				t.Fatalf("payload %x decodes but re-encodes to %x", payload, EncodeMessage(m))
			}
		}

		receiver := NewReceiver(2, testKey, Limits{MaxMessageBytes: 1 << 16})
		stream = bytes.NewReader(data)
		for stream.Len() > 0 {
			if _, _, err := receiver.ReadFrame(stream); err != nil && !knownError(err) {
				t.Fatalf("unexpected error %v", err)
			}
		}
	})
}

// The checked-in seed corpora in testdata/fuzz come from the functions
// below; TestFuzzCorpus checks they are up to date and rewrites them with
// -update-corpus (review the diff).
var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/fuzz from messageSeeds and frameSeeds")

// messageSeeds are valid messages of every shape, and the interesting
// rejections.
func messageSeeds() map[string][]byte {
	appendEntries := EncodeMessage(typicalAppendEntries())
	return map[string][]byte{
		"heartbeat":         EncodeMessage(raft.Message{Type: raft.MsgAppendEntries, From: 1, To: 2, Term: 3, LeaderCommit: 17}),
		"vote-granted":      EncodeMessage(raft.Message{Type: raft.MsgRequestVoteResp, From: 2, To: 1, Term: 4, VoteGranted: true}),
		"conflict-hint":     EncodeMessage(raft.Message{Type: raft.MsgAppendEntriesResp, From: 3, To: 1, Term: 9, PrevLogIndex: 1 << 40, ConflictTerm: 7, ConflictIndex: 300, LogLength: 301, HintGiven: true}),
		"append-entries-64": appendEntries,
		"noop-and-command":  EncodeMessage(raft.Message{Type: raft.MsgAppendEntries, From: 255, To: 1, Term: 1<<64 - 1, Entries: []raft.Entry{{Index: 1, Term: 2, Kind: raft.EntryNoop}, {Index: 2, Term: 2, Command: []byte("put x 1")}}}),
		"truncated":         appendEntries[:len(appendEntries)/2],
		"claims-2-pow-60":   encodeFields(1, 5, 0, zeroFields(1<<60)),
		"version-2":         encodeFields(2, 5, 0, zeroFields(0)),
	}
}

// frameSeeds are streams of valid and broken frames under testKey.
func frameSeeds() map[string][]byte {
	heartbeat := messageSeeds()["heartbeat"]
	plain := writeFrames(testKey, heartbeat)
	var sequenced bytes.Buffer
	sender := NewSender(1, testKey, 0)
	sender.WriteFrame(&sequenced, 2, heartbeat)
	sender.WriteFrame(&sequenced, 2, messageSeeds()["conflict-hint"])
	badTag := bytes.Clone(plain)
	badTag[len(badTag)-1] ^= 1
	return map[string][]byte{
		"one-message":      plain,
		"three-frames":     writeFrames(testKey, heartbeat, nil, messageSeeds()["append-entries-64"]),
		"sequenced-pair":   sequenced.Bytes(),
		"sequenced-replay": append(bytes.Clone(sequenced.Bytes()), sequenced.Bytes()...),
		"bad-tag":          badTag,
		"claims-4GiB":      binary.BigEndian.AppendUint32(nil, 0xffffffff),
	}
}

func TestFuzzCorpus(t *testing.T) {
	for name, seeds := range map[string]map[string][]byte{
		"FuzzDecodeMessage": messageSeeds(),
		"FuzzReadFrame":     frameSeeds(),
	} {
		for file, data := range seeds {
			path := filepath.Join("testdata", "fuzz", name, file)
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
				t.Errorf("%s is missing or stale; run: go test ./net/wire -run TestFuzzCorpus -update-corpus", path)
			}
		}
	}
}
