package cluster

import (
	"testing"
	"time"
)

// The pacer is driven here with made-up wall-clock readings: no sleeping.
func TestLivePacingFollowsWallClockTimesSpeed(t *testing.T) {
	c := newCluster(t, 3, DefaultSettings())
	base := time.Unix(1000, 0)
	_, err := c.enableLive(0.5, base)
	must(t, err)
	c.followWallClock(base.Add(2 * time.Second))
	if got := c.Now(); got != time.Second {
		t.Fatalf("after 2s of wall time at speed 0.5 the clock reads %v, want 1s", got)
	}
	must(t, c.Pause())
	c.mu.Lock()
	wallBase := c.live.wallBase
	c.mu.Unlock()
	c.followWallClock(wallBase.Add(time.Hour))
	if got := c.Now(); got != time.Second {
		t.Fatalf("paused clock moved to %v", got)
	}
	if len(c.Leaders()) != 1 {
		t.Fatal("no leader after a second of live time")
	}
}

func TestLiveControlsNeedLivePacing(t *testing.T) {
	c := newCluster(t, 3, DefaultSettings())
	if err := c.Pause(); err != ErrNotLive {
		t.Fatalf("pause on a manual cluster: %v, want ErrNotLive", err)
	}
	if _, err := c.StartLive(0); err == nil {
		t.Fatal("speed 0 accepted")
	}
	stop, err := c.StartLive(1)
	must(t, err)
	if on, speed, _ := c.Live(); !on || speed != 1 {
		t.Fatalf("live %v speed %v after StartLive(1)", on, speed)
	}
	stop()
	if on, _, _ := c.Live(); on {
		t.Fatal("still live after stop")
	}
}
