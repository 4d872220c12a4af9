//go:build !unix

package benchratio

import "time"

var start = time.Now()

// cpuTime falls back to wall time where the process CPU is not at hand.
func cpuTime() time.Duration { return time.Since(start) }
