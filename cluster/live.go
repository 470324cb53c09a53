package cluster

import (
	"errors"
	"time"
)

// Live pacing: the virtual clock follows the wall clock times a speed
// factor (speed 0.1 is slow motion), for the interactive terminal and the
// browser. Scripts, lessons and tests use manual pacing instead: only
// commands move time, so a seed replays byte for byte.

// ErrNotLive is returned by the live-pacing controls on a manually paced
// cluster.
var ErrNotLive = errors.New("live pacing is off (scripts are paced by their commands)")

// livePacer maps wall-clock time onto virtual time.
type livePacer struct {
	speed  float64
	paused bool
	// held counts HoldLive calls not yet released.
	held int
	// At wall time wallBase the virtual clock read virtualBase.
	wallBase    time.Time
	virtualBase time.Duration
	stop        chan struct{}
	done        chan struct{}
}

// liveInterval is how often the pacer moves the clock.
const liveInterval = 5 * time.Millisecond

// StartLive switches to live pacing at the given speed. It returns a
// function that switches back to manual pacing and waits for the pacer to
// stop.
func (c *Local) StartLive(speed float64) (stop func(), err error) {
	pacer, err := c.enableLive(speed, time.Now())
	if err != nil {
		return nil, err
	}
	go func() {
		defer close(pacer.done)
		ticker := time.NewTicker(liveInterval)
		defer ticker.Stop()
		for {
			select {
			case <-pacer.stop:
				return
			case wall := <-ticker.C:
				c.followWallClock(wall)
			}
		}
	}()
	return func() {
		close(pacer.stop)
		<-pacer.done
		c.mu.Lock()
		c.live = nil
		c.mu.Unlock()
	}, nil
}

// enableLive installs a pacer that maps wall time wall onto the current
// virtual time; the caller drives it.
func (c *Local) enableLive(speed float64, wall time.Time) (*livePacer, error) {
	if speed <= 0 {
		return nil, errors.New("speed must be positive (0.1 is slow motion, 1 is real time)")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live != nil {
		return nil, errors.New("live pacing is already on")
	}
	c.live = &livePacer{speed: speed, wallBase: wall, virtualBase: c.now, stop: make(chan struct{}), done: make(chan struct{})}
	return c.live, nil
}

// followWallClock advances virtual time to where the wall clock says it
// should be. When a command ran the clock ahead (a put waits in virtual
// time), it waits for the wall clock to catch up.
func (c *Local) followWallClock(wall time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pacer := c.live
	if pacer == nil || pacer.paused || pacer.held > 0 {
		return
	}
	target := pacer.virtualBase + time.Duration(float64(wall.Sub(pacer.wallBase))*pacer.speed)
	if target > c.now {
		c.advanceTo(target)
	}
}

// Live reports whether live pacing is on, and its speed and pause state.
func (c *Local) Live() (on bool, speed float64, paused bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil {
		return false, 0, false
	}
	return true, c.live.speed, c.live.paused
}

// Pause freezes the virtual clock under live pacing.
func (c *Local) Pause() error { return c.setLive(func(p *livePacer) { p.paused = true }) }

// Resume unfreezes it.
func (c *Local) Resume() error { return c.setLive(func(p *livePacer) { p.paused = false }) }

// SetSpeed changes the speed factor.
func (c *Local) SetSpeed(speed float64) error {
	if speed <= 0 {
		return errors.New("speed must be positive (0.1 is slow motion, 1 is real time)")
	}
	return c.setLive(func(p *livePacer) { p.speed = speed })
}

// setLive changes the pacer and restarts its mapping from now, so that
// neither a pause nor a new speed makes the clock jump.
func (c *Local) setLive(change func(*livePacer)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live == nil {
		return ErrNotLive
	}
	change(c.live)
	c.live.wallBase, c.live.virtualBase = time.Now(), c.now
	return nil
}

// HoldLive stops the pacer until the returned function is called: a
// command runs at one virtual instant, as a script would run it, so that
// a recording of the session replays it exactly. Without live pacing it
// does nothing.
func (c *Local) HoldLive() (release func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	pacer := c.live
	if pacer == nil {
		return func() {}
	}
	pacer.held++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		pacer.held--
		// Time spent inside the command does not make the clock jump.
		pacer.wallBase, pacer.virtualBase = time.Now(), c.now
	}
}
