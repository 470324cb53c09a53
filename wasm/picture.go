//go:build js && wasm

package main

import (
	"encoding/json"
	"time"

	"raftctl/cluster"
)

// drawInterval is how often the picture gets a new snapshot. The page
// moves messages between snapshots itself, from their send and arrival
// times and the clock's speed, so a few snapshots a second look smooth.
const drawInterval = 100 * time.Millisecond

// pictureData is what draw(json) receives.
type pictureData struct {
	cluster.Snapshot
	Events   []string     `json:"events"`
	Timeline timelineData `json:"timeline"`
}

// drawLoop sends the picture a snapshot of the cluster, whenever it
// changed, from its own goroutine: taking a snapshot waits for the
// cluster's lock, which a js.FuncOf callback must never do.
func (b *browser) drawLoop() {
	ticker := time.NewTicker(drawInterval)
	defer ticker.Stop()
	var previous string
	for range ticker.C {
		data := pictureData{Snapshot: b.session.Load().LocalCluster().Snapshot(), Events: b.session.Load().RecentEvents(), Timeline: b.timeline.data()}
		encoded, err := json.Marshal(data)
		if err != nil {
			continue
		}
		if text := string(encoded); text != previous {
			previous = text
			b.page.Call("draw", text)
		}
	}
}
