// Command raftctl is a Raft teaching tool: start a simulated cluster, break
// it, use it, and watch every decision of the algorithm scroll by.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], standardStreams()))
}
