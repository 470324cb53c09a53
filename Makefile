# The two commands README.md leads with.
.PHONY: test repl bench bench-module fuzz web pi

# FUZZTIME is how much `make fuzz` (part of `make test`) runs each fuzz
# test: a count of inputs, not a duration. With a duration, Go 1.26's fuzz
# coordinator can report "context deadline exceeded" as a failure when the
# time runs out mid-input (go.dev/issue/75804, fixed in Go 1.27); a count has
# no deadline to race. New interesting inputs are minimized for at most 1s.
FUZZTIME ?= 50000x
# FUZZTIME_SLOW is for fuzz tests whose every input runs a whole control
# conversation with a node (a few hundred inputs a second).
FUZZTIME_SLOW ?= 5000x
FUZZFLAGS = -run XXX -fuzztime $(FUZZTIME) -fuzzminimizetime 1s

test: web
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...
	GOOS=js GOARCH=wasm go vet ./wasm/ ./wasm/indexeddb/
	go test ./...
	go test -race -short ./...
	$(MAKE) bench-module
	$(MAKE) pi
	$(MAKE) fuzz

# bench/ is a Go module of its own (raftctl next to etcd's raft and
# hashicorp/raft), outside ./...: build, vet and test it briefly so it
# never rots.
bench-module:
	cd bench && go vet ./... && go test ./...

# The binary for Raspberry Pis (docs/raspberry-pi.md): 64-bit Raspberry Pi
# OS (Pi 3, 4, 5, Zero 2), 32-bit on ARMv7 (Pi 2, 3 and 4 on 32-bit OS),
# and ARMv6 (Pi 1, Zero). `make pi` checks that each builds; `make pi
# PIDIR=dist` keeps the binaries.
PIDIR ?=
pi:
	@set -e; dir="$(PIDIR)"; \
	if [ -z "$$dir" ]; then dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; else mkdir -p "$$dir"; fi; \
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -o "$$dir/raftctl-linux-arm64" ./cmd/raftctl; \
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 go build -o "$$dir/raftctl-linux-armv7" ./cmd/raftctl; \
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=6 go build -o "$$dir/raftctl-linux-armv6" ./cmd/raftctl; \
	ls -l "$$dir"

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
	go test ./cluster/ $(FUZZFLAGS) -fuzz '^FuzzControlRequest$$'
	go test ./cluster/ -run XXX -fuzztime $(FUZZTIME_SLOW) -fuzzminimizetime 1s -fuzz '^FuzzControlResponse$$'

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
