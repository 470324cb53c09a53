# The two commands README.md leads with.
.PHONY: test repl bench fuzz

# FUZZTIME is how long `make fuzz` (part of `make test`) runs each fuzz test.
FUZZTIME ?= 5s

test:
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...
	go test ./...
	go test -race -short ./...
	$(MAKE) fuzz

# A short run of every fuzz test on top of its checked-in corpus; go test
# runs one fuzz test at a time.
fuzz:
	go test ./repl/ -run XXX -fuzz '^FuzzParseLine$$' -fuzztime $(FUZZTIME)
	go test ./store/ -run XXX -fuzz '^FuzzDecodeCommand$$' -fuzztime $(FUZZTIME)
	go test ./store/ -run XXX -fuzz '^FuzzDecodeEntry$$' -fuzztime $(FUZZTIME)
	go test ./lessons/ -run XXX -fuzz '^FuzzParseLesson$$' -fuzztime $(FUZZTIME)
	go test ./net/wire/ -run XXX -fuzz '^FuzzDecodeMessage$$' -fuzztime $(FUZZTIME)
	go test ./net/wire/ -run XXX -fuzz '^FuzzReadFrame$$' -fuzztime $(FUZZTIME)

bench:
	go test ./cluster/ ./cluster/compare/ ./store/ -run XXX -bench . -benchtime 2s
	go run ./cmd/raftctl bench
