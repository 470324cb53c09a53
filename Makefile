# The two commands README.md leads with.
.PHONY: test repl bench bench-module fuzz web

# FUZZTIME is how much `make fuzz` (part of `make test`) runs each fuzz
# test: a count of inputs, not a duration. With a duration, Go 1.26's fuzz
# coordinator can report "context deadline exceeded" as a failure when the
# time runs out mid-input (go.dev/issue/75804, fixed in Go 1.27); a count has
# no deadline to race. New interesting inputs are minimized for at most 1s.
FUZZTIME ?= 50000x
FUZZFLAGS = -run XXX -fuzztime $(FUZZTIME) -fuzzminimizetime 1s

test: web
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...
	GOOS=js GOARCH=wasm go vet ./wasm/ ./wasm/indexeddb/
	go test ./...
	go test -race -short ./...
	$(MAKE) bench-module
	$(MAKE) fuzz

# bench/ is a Go module of its own (raftctl next to etcd's raft and
# hashicorp/raft), outside ./...: build, vet and test it briefly so it
# never rots.
bench-module:
	cd bench && go vet ./... && go test ./...

# A short run of every fuzz test on top of its checked-in corpus; go test
# runs one fuzz test at a time.
fuzz:
	go test ./repl/ $(FUZZFLAGS) -fuzz '^FuzzParseLine$$'
	go test ./store/ $(FUZZFLAGS) -fuzz '^FuzzDecodeCommand$$'
	go test ./store/ $(FUZZFLAGS) -fuzz '^FuzzDecodeEntry$$'
	go test ./lessons/ $(FUZZFLAGS) -fuzz '^FuzzParseLesson$$'
	go test ./net/wire/ $(FUZZFLAGS) -fuzz '^FuzzDecodeMessage$$'
	go test ./net/wire/ $(FUZZFLAGS) -fuzz '^FuzzReadFrame$$'
	go test ./net/tcp/ $(FUZZFLAGS) -fuzz '^FuzzParseHandshake$$'

# raftctl alone (the bare core and cluster.Local, memory and bbolt), then
# the side-by-side run with etcd's raft and hashicorp/raft
# (docs/performance.md).
bench:
	go run ./cmd/raftctl bench
	cd bench && go run .

# The web page (wasm/build.sh: npm ci of the pinned xterm.js, the
# WebAssembly program, wasm_exec.js from this Go), then ./raftctl with the
# page embedded: ./raftctl web serves it.
web:
	bash wasm/build.sh
	go build -o raftctl ./cmd/raftctl
