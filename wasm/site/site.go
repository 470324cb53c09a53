// Package site is the raftctl web page as files: our own pages, xterm.js,
// the WebAssembly program and wasm_exec.js, embedded in the binary when
// `make web` built them before it (the directory dist holds only a
// placeholder in a fresh checkout, so `go build ./...` works without them).
package site

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

//go:embed all:dist
var embedded embed.FS

// ErrNotBuilt says the binary was built without the page.
var ErrNotBuilt = errors.New("this raftctl was built without its web page: run `make web` in a checkout of raftctl (it needs npm and Go), then use the raftctl it builds")

// placeholders are the committed files of dist, not part of the page.
var placeholders = map[string]bool{"README.md": true, ".gitignore": true}

// required are the files without which the page cannot work.
var required = []string{"index.html", "main.js", "picture.js", "style.css", "raftctl.wasm", "wasm_exec.js", "xterm/xterm.mjs", "xterm/xterm.css", "xterm/addon-fit.mjs"}

// Files returns the page, or ErrNotBuilt naming what is missing.
func Files() (fs.FS, error) {
	files, err := fs.Sub(embedded, "dist")
	if err != nil {
		return nil, err
	}
	return files, Check(files)
}

// Check reports whether files hold a whole page.
func Check(files fs.FS) error {
	var missing []string
	for _, name := range required {
		if _, err := fs.Stat(files, name); err != nil {
			missing = append(missing, name)
		}
	}
	switch {
	case len(missing) == len(required):
		return ErrNotBuilt
	case len(missing) > 0:
		return fmt.Errorf("%w (missing: %v)", ErrNotBuilt, missing)
	}
	return nil
}

// Export writes the page to directory as a static site: any web server
// that serves .wasm as application/wasm can serve it.
func Export(files fs.FS, directory string) error {
	return fs.WalkDir(files, ".", func(name string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if placeholders[path.Base(name)] {
			return nil
		}
		target := filepath.Join(directory, filepath.FromSlash(name))
		if entry.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
