package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets testscript run this test binary as the `raftctl` command.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"raftctl": func() { os.Exit(run(os.Args[1:], standardStreams())) },
	})
}

// TestScripts runs testdata/script/*.txtar against the binary. Scripts check
// exact exit statuses with `exec sh -c 'raftctl ...; echo status=$?'`,
// because testscript's `! exec` accepts any failure.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
	})
}
