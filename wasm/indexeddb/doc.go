// Package indexeddb keeps each node's persistent state (thesis §3.8) in the
// browser's IndexedDB, behind raft.Storage, so that reloading the raftctl
// web page brings the cluster back as a restart from disk would.
//
// # Synchronous storage on an asynchronous database
//
// raft.Storage is synchronous: the host calls Save and sends the batch's
// messages when it returns. IndexedDB only answers through events. A Go
// program compiled to WebAssembly can still wait for them, as long as the
// waiting goroutine is not inside a js.FuncOf callback: the goroutine
// blocks on a channel, the Go scheduler gives the thread back to the
// browser's event loop, the transaction completes, its event handler
// (a callback that only sends on a buffered channel) wakes the goroutine.
// So Save returns only after the transaction has committed: nothing is
// acknowledged that a reload could lose. The cluster's hosts call Save
// from ordinary goroutines (the live pacer, the command runner), never from
// a callback; calling it from one would deadlock the page.
//
// Reads never wait: a Store loads its node's hard state and log once, when
// it is opened, into an in-memory mirror (store.Memory), and
// InitialState answers from the mirror. Every Save writes the database
// first and the mirror after, so the mirror never holds what the database
// does not.
//
// The durability is the browser's: transactions use IndexedDB's "strict"
// durability hint, which asks the browser to flush to disk before it
// reports completion; a browser that ignores the hint (or a disk cache
// that lies) can still lose the last writes in a power cut, as any disk
// can. Closing the tab or reloading the page loses nothing that Save
// acknowledged.
//
// # Layout
//
// One database holds every node: object store "hardstate" maps a node's
// name to its term (8 bytes, big-endian) and vote (1 byte); "entries" maps
// [node, index] to the entry's kind (1 byte), term (uvarint) and command
// (the rest), so a key range over one node reads its log in index order;
// "meta" keeps small strings (the page's cluster size and seed).
//
// It calls IndexedDB through syscall/js directly rather than through a
// wrapper such as github.com/hack-pad/go-indexeddb: it needs five
// operations (open, get, getAll over a key range, put and delete in one
// transaction, clear), which take about a hundred lines, and a wrapper
// would add a dependency and a promise layer of its own between the core's
// Save and the transaction it waits for.
//
// The package builds only for js/wasm. Its tests run in headless Chromium
// (wasm/indexeddb's browser_test.go drives them) against a real
// IndexedDB, with the storage contract of store/storagetest.
package indexeddb
