//go:build js && wasm

package main

import (
	"fmt"
	"io"
	"strconv"
	"syscall/js"

	"raftctl/cluster"
	"raftctl/raft"
	"raftctl/repl"
	"raftctl/wasm/indexeddb"
)

// databaseName is the page's IndexedDB database.
const databaseName = "raftctl"

// sessionOptions are the terminal's, in a browser: colour on, live pacing
// at real speed, progress in localStorage, and the nodes' persistent state
// in IndexedDB, so a reload brings the cluster back as a restart from disk
// would (thesis §3.8). restored says whether it did. Without IndexedDB the
// nodes keep their state in memory, as in raftctl repl.
func sessionOptions(page js.Value, out io.Writer) (options repl.Options, restored bool, warning string) {
	options = repl.Options{Color: true, LiveSpeed: 1, Out: out, Progress: progress{}, Width: terminalWidth}
	if !page.Get("ownsStorage").Truthy() {
		return options, false, "warning: another tab keeps its cluster in this browser's storage: this tab's cluster lives in memory only"
	}
	database, err := indexeddb.Open(databaseName)
	if err != nil {
		return options, false, fmt.Sprintf("warning: %v: the cluster lives in memory only, and a reload starts over", err)
	}
	if nodes, seed, ok := storedCluster(database); ok {
		options.Nodes, options.Seed, restored = nodes, seed, true
	}
	options.OpenCluster = func(nodes int, seed uint64, settings cluster.Settings, first bool) (*cluster.Local, error) {
		return openCluster(database, nodes, seed, settings, first && restored)
	}
	return options, restored, ""
}

// storedCluster reads the size and seed of the cluster in the database.
func storedCluster(database *indexeddb.Database) (nodes int, seed uint64, ok bool) {
	nodesText, found, err := database.Meta("nodes")
	if err != nil || !found {
		return 0, 0, false
	}
	seedText, _, _ := database.Meta("seed")
	nodes, err = strconv.Atoi(nodesText)
	if err != nil || nodes < 1 || nodes > cluster.MaxNodes {
		return 0, 0, false
	}
	if seed, err = strconv.ParseUint(seedText, 10, 64); err != nil {
		return 0, 0, false
	}
	return nodes, seed, true
}

// openCluster builds a cluster whose nodes live in the database: the one
// stored there when restore is set, else a fresh one (cluster and reset
// start over, and erase what was stored).
func openCluster(database *indexeddb.Database, nodes int, seed uint64, settings cluster.Settings, restore bool) (*cluster.Local, error) {
	if !restore {
		if err := database.Clear(); err != nil {
			return nil, fmt.Errorf("cannot clear the browser's storage: %w", err)
		}
		if err := database.SetMeta("nodes", strconv.Itoa(nodes)); err != nil {
			return nil, err
		}
		if err := database.SetMeta("seed", strconv.FormatUint(seed, 10)); err != nil {
			return nil, err
		}
	}
	storages := make([]cluster.Storage, nodes)
	for i := range storages {
		node, err := database.Node(raft.NodeID(i + 1).String())
		if err != nil {
			return nil, fmt.Errorf("%w (reset starts over with empty storage)", err)
		}
		storages[i] = node
	}
	return cluster.OpenStorages(seed, settings, storages)
}
