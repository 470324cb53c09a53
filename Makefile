# The two commands README.md leads with.
.PHONY: test repl bench

test:
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	go vet ./...
	go test ./...
	go test -race -short ./...

bench:
	go test ./cluster/ ./store/ -run XXX -bench . -benchtime 2s
