package cluster

// Writes is how many storage writes the nodes made so far (one bbolt
// transaction each on disk): the number group commit keeps down (thesis
// §10.2.2). Storage that does not count its writes adds nothing.
func (c *Local) Writes() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var total uint64
	for _, node := range c.nodes {
		if counter, ok := node.storage.(interface{ Saves() uint64 }); ok {
			total += counter.Saves()
		}
	}
	return total
}
