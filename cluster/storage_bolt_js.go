//go:build js

package cluster

import "errors"

// Open is not available in the browser: bbolt does not build for
// WebAssembly. The page keeps its nodes in IndexedDB instead (OpenStorages).
func Open(n int, seed uint64, settings Settings, dataDir string) (*Local, error) {
	return nil, errors.New("bbolt files are not available in the browser (the page keeps its nodes in IndexedDB)")
}
