package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"raftctl/cluster"
)

// parseNodeName reads a node name: n1..n9.
func parseNodeName(word string) (cluster.NodeID, error) {
	number, err := strconv.Atoi(strings.TrimPrefix(word, "n"))
	if !strings.HasPrefix(word, "n") || err != nil || number < 1 || number > cluster.MaxNodes {
		return 0, fmt.Errorf("node %q: want n1 to n%d", word, cluster.MaxNodes)
	}
	return cluster.NodeID(number), nil
}

// parseNodeAddresses reads "n1=host:port,n2=host:port,...": every node of
// a cluster and its address, named n1..nN without gaps.
func parseNodeAddresses(flag, list string) (map[cluster.NodeID]string, error) {
	nodes := map[cluster.NodeID]string{}
	for _, item := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' || r == '\t' }) {
		if strings.HasPrefix(item, "#") {
			continue
		}
		name, address, found := strings.Cut(item, "=")
		if !found {
			return nil, usageErrorf("%s: %q: want NODE=HOST:PORT, e.g. n1=pi1:7400", flag, item)
		}
		id, err := parseNodeName(name)
		if err != nil {
			return nil, usageErrorf("%s: %v", flag, err)
		}
		if _, _, err := net.SplitHostPort(address); err != nil {
			return nil, usageErrorf("%s: %s=%s: want HOST:PORT, e.g. pi1:7400", flag, name, address)
		}
		if _, dup := nodes[id]; dup {
			return nil, usageErrorf("%s: %v is named twice", flag, id)
		}
		nodes[id] = address
	}
	if len(nodes) == 0 {
		return nil, usageErrorf("%s: no nodes given: want n1=HOST:PORT,n2=HOST:PORT,...", flag)
	}
	for i := 1; i <= len(nodes); i++ {
		if _, ok := nodes[cluster.NodeID(i)]; !ok {
			return nil, usageErrorf("%s: n%d is missing: name the nodes n1..n%d", flag, i, len(nodes))
		}
	}
	return nodes, nil
}

// readClusterFile reads node addresses from a file: one NODE=HOST:PORT per
// line (or comma separated); # starts a comment.
func readClusterFile(path string) (map[cluster.NodeID]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the cluster file: %w", err)
	}
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		lines = append(lines, line)
	}
	return parseNodeAddresses("--cluster-file "+path, strings.Join(lines, "\n"))
}
