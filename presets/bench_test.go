package presets_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
)

// BenchmarkRunMany unlocks 40 locked users through the runner, both fakes
// answering after 20 ms, at concurrency 1 and 8: users/s is the
// throughput, requests/user what each user cost.
func BenchmarkRunMany(b *testing.B) {
	const n = 40
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("unlock/concurrency=%d", conc), func(b *testing.B) {
			e := newEnv(b, n, envOpts{jc: []jumpcloudtest.Option{jumpcloudtest.WithLatency(20 * time.Millisecond)},
				oo: []oomnitzatest.Option{oomnitzatest.WithLatency(20 * time.Millisecond)}})
			run := presets.NewRunner(e.jc, e.oc, presets.WithConcurrency(conc))
			var busy time.Duration
			for b.Loop() {
				b.StopTimer()
				for _, u := range e.users {
					e.jsrv.LockUser(u.ID)
				}
				e.jsrv.ResetCalls()
				e.osrv.ResetCalls()
				b.StartTimer()
				start := time.Now()
				results, err := run.RunMany(b.Context(), presets.NameUnlockUser, e.recs)
				busy += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range results {
					if r.Status != presets.StatusApplied {
						b.Fatalf("%v", r)
					}
				}
			}
			b.ReportMetric(float64(n*b.N)/busy.Seconds(), "users/s")
			b.ReportMetric(float64(total(e.jsrv.Calls())+total(e.osrv.Calls()))/n, "requests/user")
		})
	}
}
