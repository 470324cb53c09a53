package site_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"raftctl/wasm/site"
)

// wholePage is a page with every required file (placeholder contents).
func wholePage() fstest.MapFS {
	files := fstest.MapFS{"README.md": {Data: []byte("placeholder")}, ".gitignore": {Data: []byte("*")}}
	for _, name := range []string{"index.html", "main.js", "picture.js", "style.css", "raftctl.wasm", "wasm_exec.js", "xterm/xterm.mjs", "xterm/xterm.css", "xterm/addon-fit.mjs"} {
		files[name] = &fstest.MapFile{Data: []byte(name)}
	}
	return files
}

func TestCheckSaysHowToBuildThePage(t *testing.T) {
	if err := site.Check(fstest.MapFS{"README.md": {Data: []byte("placeholder")}}); !errors.Is(err, site.ErrNotBuilt) || !strings.Contains(err.Error(), "make web") {
		t.Fatalf("Check of the placeholder: %v, want ErrNotBuilt saying make web", err)
	}
	partial := wholePage()
	delete(partial, "raftctl.wasm")
	if err := site.Check(partial); !errors.Is(err, site.ErrNotBuilt) || !strings.Contains(err.Error(), "raftctl.wasm") {
		t.Fatalf("Check without the wasm: %v, want ErrNotBuilt naming raftctl.wasm", err)
	}
	if err := site.Check(wholePage()); err != nil {
		t.Fatalf("Check of a whole page: %v", err)
	}
}

func TestExportWritesThePageWithoutPlaceholders(t *testing.T) {
	directory := t.TempDir()
	if err := site.Export(wholePage(), directory); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(directory, "xterm", "xterm.mjs"))
	if err != nil || string(data) != "xterm/xterm.mjs" {
		t.Fatalf("exported xterm/xterm.mjs = %q, %v", data, err)
	}
	for _, placeholder := range []string{"README.md", ".gitignore"} {
		if _, err := os.Stat(filepath.Join(directory, placeholder)); !os.IsNotExist(err) {
			t.Fatalf("the placeholder %s was exported (%v)", placeholder, err)
		}
	}
}
