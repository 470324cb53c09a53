package sim

import (
	"errors"
	"fmt"
	"time"
)

// Errors a user can cause through the REPL. They are wrapped with details,
// so test them with errors.Is.
var (
	// ErrUnknownNode is returned when a call names a node the network was
	// not built with.
	ErrUnknownNode = errors.New("unknown node")
	// ErrInvalidPartition is returned by Partition for groups that do not
	// split the cluster cleanly.
	ErrInvalidPartition = errors.New("invalid partition")
	// ErrInvalidLinkConfig is returned for a probability outside 0..1 or a
	// delay range that is negative or upside down.
	ErrInvalidLinkConfig = errors.New("invalid link config")
)

// LinkConfig is how unreliable one directed link is, or, as the network
// default, every link without a config of its own.
type LinkConfig struct {
	// DelayMin and DelayMax bound the latency, drawn uniformly in between
	// (both ends included).
	DelayMin, DelayMax time.Duration
	// Drop is the probability that a message is lost, and Duplicate the
	// probability that a message that was not lost arrives twice.
	Drop, Duplicate float64
}

// DefaultLinkConfig is a healthy LAN: a few milliseconds of latency, well
// under the 50 ms heartbeat, and no loss. The spread of 1-5 ms is enough to
// reorder messages now and then, as real networks do.
func DefaultLinkConfig() LinkConfig {
	return LinkConfig{DelayMin: time.Millisecond, DelayMax: 5 * time.Millisecond}
}

// Validate reports whether c describes a possible link: probabilities within
// 0..1 and 0 <= DelayMin <= DelayMax.
func (c LinkConfig) Validate() error {
	if c.DelayMin < 0 || c.DelayMax < c.DelayMin {
		return fmt.Errorf("%w: delay %v..%v: want 0 <= min <= max, e.g. 1ms..5ms",
			ErrInvalidLinkConfig, c.DelayMin, c.DelayMax)
	}
	if err := validateProbability("drop", c.Drop); err != nil {
		return err
	}
	return validateProbability("duplicate", c.Duplicate)
}

func validateProbability(name string, p float64) error {
	// Written so that NaN fails too.
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("%w: %s probability %v: want a number from 0 to 1, e.g. 0.1 for 10%%",
			ErrInvalidLinkConfig, name, p)
	}
	return nil
}

// String renders c the way the REPL shows a link. Three significant digits
// keep float noise (7.000000000000001%) off the screen.
func (c LinkConfig) String() string {
	return fmt.Sprintf("delay %v..%v, drop %.3g%%, duplicate %.3g%%",
		c.DelayMin, c.DelayMax, c.Drop*100, c.Duplicate*100)
}
