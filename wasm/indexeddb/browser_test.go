//go:build !js

package indexeddb_test

import (
	"testing"

	"raftctl/wasm/browsertest"
)

// TestIndexedDBInChromium runs this package's tests (the storage contract
// of store/storagetest and the rest, in indexeddb_test.go) in headless
// Chromium, on a real IndexedDB.
func TestIndexedDBInChromium(t *testing.T) {
	browsertest.RunGoTest(t, ".", "-test.v")
}
