package tcp

import (
	"math/rand/v2"
	"time"
)

// backoff is the wait before connection attempt number attempt (0 for the
// first retry): it doubles from minimum per attempt up to maximum, and a
// random draw keeps between half and all of it ("equal jitter"), so nodes
// that lost a peer at the same instant do not all call back in step.
func backoff(attempt int, minimum, maximum time.Duration, random *rand.Rand) time.Duration {
	wait := minimum
	for range min(attempt, 62) {
		if wait >= maximum/2 {
			wait = maximum
			break
		}
		wait *= 2
	}
	wait = min(wait, maximum)
	half := wait / 2
	return half + time.Duration(random.Int64N(int64(wait-half)+1))
}
