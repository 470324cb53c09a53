package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLayers enforces the layering of ARCHITECTURE.md on every Go file of
// the module: the core imports the standard library only; go-prompt lives
// in repl/term alone (the terminal front end), syscall/js under wasm/ alone
// (the browser), and only main calls os.Exit.
func TestLayers(t *testing.T) {
	root := filepath.Join("..", "..")
	checked := 0
	err := filepath.WalkDir(root, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := entry.Name()
		if entry.IsDir() && (name == "node_modules" || name == "testdata" || (strings.HasPrefix(name, ".") && path != root)) {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(path, "go.mod")); entry.IsDir() && path != root && err == nil {
			return filepath.SkipDir // another module (bench/): not part of this one
		}
		if entry.IsDir() || !strings.HasSuffix(name, ".go") {
			return nil
		}
		relative, _ := filepath.Rel(root, path)
		relative = filepath.ToSlash(relative)
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		checked++
		for _, spec := range file.Imports {
			imported, _ := strconv.Unquote(spec.Path.Value)
			switch {
			case strings.HasPrefix(relative, "raft/") && strings.Contains(strings.SplitN(imported, "/", 2)[0], "."),
				strings.HasPrefix(relative, "raft/") && strings.HasPrefix(imported, "raftctl/"):
				t.Errorf("%s imports %s: the core uses the standard library only", relative, imported)
			case strings.HasPrefix(imported, "github.com/c-bata/go-prompt") && !strings.HasPrefix(relative, "repl/term/"):
				t.Errorf("%s imports go-prompt: only repl/term may (it does not build for the browser)", relative)
			case imported == "syscall/js" && !strings.HasPrefix(relative, "wasm/"):
				t.Errorf("%s imports syscall/js: only wasm/ may", relative)
			}
		}
		if !strings.HasPrefix(relative, "cmd/") && !strings.HasSuffix(relative, "_test.go") && callsOSExit(path, t) {
			t.Errorf("%s calls os.Exit: only main may", relative)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("checked only %d files: is the module root right?", checked)
	}
}

// callsOSExit reports whether the file calls os.Exit.
func callsOSExit(path string, t *testing.T) bool {
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	ast.Inspect(file, func(node ast.Node) bool {
		if call, ok := node.(*ast.SelectorExpr); ok {
			if x, ok := call.X.(*ast.Ident); ok && x.Name == "os" && call.Sel.Name == "Exit" {
				found = true
			}
		}
		return !found
	})
	return found
}
