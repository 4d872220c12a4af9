package sync_test

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	gosync "sync"
	"testing"
	"time"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// peakHeap samples the live heap while fn runs and returns the peak above
// the heap before it started.
// The GC runs at GOGC=5 meanwhile, so that the live heap, not garbage
// awaiting collection, is what is measured.
func peakHeap(fn func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak uint64
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	})
	fn()
	close(stop)
	wg.Wait()
	peak = max(peak, read())
	if peak < base {
		return 0
	}
	return peak - base
}

// BenchmarkInitialSync syncs n generated users into an empty Oomnitza (no
// latency). plan-B/user is the live heap the plan holds per user (measured
// after a collection; the fakes' own stores are already allocated).
func BenchmarkInitialSync(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			var retained, total uint64
			var elapsed time.Duration
			var requests int
			for b.Loop() {
				b.StopTimer()
				w := newWorld(b, n, worldOpts{})
				s := w.syncer(b, standard(), jcsync.WithConcurrency(8))
				before := liveHeap()
				b.StartTimer()
				start := time.Now()
				plan, err := s.Plan(b.Context())
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if after := liveHeap(); after > before {
					retained = max(retained, after-before)
				}
				b.StartTimer()
				rep, err := s.Apply(b.Context(), plan)
				elapsed += time.Since(start)
				if err != nil || rep.Err() != nil || rep.Counts.Created != n {
					b.Fatalf("%v %v %+v", err, rep.Err(), rep.Counts)
				}
				b.StopTimer()
				requests = sum(w.jsrv.Calls()) + sum(w.osrv.Calls())
				total++
				w.jsrv.Close()
				w.osrv.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(total)/elapsed.Seconds(), "users/s")
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(float64(retained)/float64(n), "plan-B/user")
		})
	}
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkRerunUnchanged runs again over n users already in sync: the
// time and requests of a no-op run; writes must be 0. heap-B/user is the
// peak live heap above the fakes' stores during one more run (the index
// of the Oomnitza side, the plan, the report and the pages in flight,
// both fakes' work on them included).
func BenchmarkRerunUnchanged(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			w := newWorld(b, n, worldOpts{})
			s := w.syncer(b, standard(), jcsync.WithConcurrency(8))
			if rep, err := s.Run(b.Context()); err != nil || rep.Err() != nil {
				b.Fatal(err, rep.Err())
			}
			for b.Loop() {
				w.jsrv.ResetCalls()
				w.osrv.ResetCalls()
				rep, err := s.Run(b.Context())
				if err != nil || rep.Err() != nil || rep.Counts.Unchanged != n {
					b.Fatal(err, rep.Err())
				}
				if n := writes(w.osrv.Calls()); n != 0 {
					b.Fatalf("%d writes", n)
				}
			}
			requests, written := sum(w.jsrv.Calls())+sum(w.osrv.Calls()), writes(w.osrv.Calls())
			// The peak once more, untimed: sampling slows the run.
			heap := peakHeap(func() {
				if _, err := s.Run(b.Context()); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(requests), "requests")
			b.ReportMetric(float64(written), "writes")
			b.ReportMetric(float64(heap)/float64(n), "heap-B/user")
		})
	}
}

// BenchmarkLatency20ms syncs 5,000 users into an empty Oomnitza with 20 ms
// on every request of both fakes, at concurrency 16. bound-x is the
// elapsed time over the lower bound latency x (JumpCloud pages / 16 +
// writes / 16).
func BenchmarkLatency20ms(b *testing.B) {
	const n, conc, lat = 5000, 16, 20 * time.Millisecond
	var ratio float64
	var runs int
	for b.Loop() {
		b.StopTimer()
		w := newWorld(b, n, worldOpts{jc: []jumpcloudtest.Option{jumpcloudtest.WithLatency(lat)},
			oo: []oomnitzatest.Option{oomnitzatest.WithLatency(lat)}})
		s := w.syncer(b, standard(), jcsync.WithConcurrency(conc))
		b.StartTimer()
		start := time.Now()
		rep, err := s.Run(b.Context())
		elapsed := time.Since(start)
		if err != nil || rep.Err() != nil {
			b.Fatal(err, rep.Err())
		}
		b.StopTimer()
		pages := float64(n) / 100
		bound := time.Duration(float64(lat) * (pages/conc + float64(rep.Writes())/conc))
		ratio += elapsed.Seconds() / bound.Seconds()
		runs++
		w.jsrv.Close()
		w.osrv.Close()
		b.StartTimer()
	}
	b.ReportMetric(ratio/float64(runs), "bound-x")
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// BenchmarkInsights reads n generated users once and reports their
// findings, from JumpCloud alone or joined with an Oomnitza synced from
// it. heap-B/user is the peak live heap above the fakes' stores during one
// more run (pages in flight, the Oomnitza index when joined, the report,
// and both fakes' work on the requests); report-B/user is what the
// finished report holds (the users with findings: about 35% of the
// generated users).
func BenchmarkInsights(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for _, joined := range []bool{false, true} {
			b.Run(fmt.Sprintf("users=%d/joined=%v", n, joined), func(b *testing.B) {
				w := newWorld(b, n, worldOpts{})
				opts := []jcsync.InsightsOption{jcsync.InsightsAt(syncNow)}
				if joined {
					if rep, err := w.syncer(b, standard(), jcsync.WithConcurrency(8)).Run(b.Context()); err != nil || rep.Err() != nil {
						b.Fatal(err, rep.Err())
					}
					opts = append(opts, jcsync.JoinOomnitza(w.oc, standard()))
				}
				var withFindings int
				for b.Loop() {
					rep, err := jcsync.Insights(b.Context(), w.jc, opts...)
					if err != nil || rep.JumpCloudRead != n {
						b.Fatal(err)
					}
					seen := map[string]bool{}
					for _, fr := range rep.Findings {
						for _, u := range fr.Users {
							seen[u.JumpCloudID] = true
						}
					}
					withFindings = len(seen)
				}
				heap := peakHeap(func() {
					if _, err := jcsync.Insights(b.Context(), w.jc, opts...); err != nil {
						b.Fatal(err)
					}
				})
				// What the finished report itself holds.
				before := liveHeap()
				rep, err := jcsync.Insights(b.Context(), w.jc, opts...)
				if err != nil {
					b.Fatal(err)
				}
				after := liveHeap()
				runtime.KeepAlive(rep)
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "users/s")
				b.ReportMetric(float64(heap)/float64(n), "heap-B/user")
				b.ReportMetric(float64(after-min(before, after))/float64(n), "report-B/user")
				b.ReportMetric(float64(withFindings)/float64(n), "with-findings")
			})
		}
	}
}

// BenchmarkAssetsSync brings n generated devices (bound to n/2 people
// already in Oomnitza) into an empty Oomnitza with StandardAssets, then
// reruns it. jc-req/1k-devices counts the JumpCloud requests of a run per
// 1,000 devices (systems pages, System Insights batches, the users the
// assigned_to look-up reads); rerun-writes must be 0.
func BenchmarkAssetsSync(b *testing.B) {
	for _, n := range []int{10_000} {
		b.Run(fmt.Sprintf("devices=%d", n), func(b *testing.B) {
			var elapsed time.Duration
			var runs, jcRequests, ozRequests, rerunRequests, rerunWrites int
			for b.Loop() {
				b.StopTimer()
				w := devicesWorld(b, n/2, n, worldOpts{})
				syncPeople(b, w)
				s := w.syncer(b, mapping.StandardAssets(), jcsync.WithConcurrency(8))
				w.jsrv.ResetCalls()
				w.osrv.ResetCalls()
				b.StartTimer()
				start := time.Now()
				rep, err := s.Run(b.Context())
				elapsed += time.Since(start)
				b.StopTimer()
				if err != nil || rep.Err() != nil || rep.Counts.Created == 0 {
					b.Fatalf("%v %v %+v", err, rep.Err(), rep.Counts)
				}
				jcRequests, ozRequests = sum(w.jsrv.Calls()), sum(w.osrv.Calls())
				w.jsrv.ResetCalls()
				w.osrv.ResetCalls()
				if rep, err = s.Run(b.Context()); err != nil || rep.Err() != nil {
					b.Fatal(err, rep.Err())
				}
				rerunRequests, rerunWrites = sum(w.jsrv.Calls())+sum(w.osrv.Calls()), writes(w.osrv.Calls())
				runs++
				w.jsrv.Close()
				w.osrv.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(runs)/elapsed.Seconds(), "devices/s")
			b.ReportMetric(float64(jcRequests)*1000/float64(n), "jc-req/1k-devices")
			b.ReportMetric(float64(ozRequests), "oomnitza-requests")
			b.ReportMetric(float64(rerunRequests), "rerun-requests")
			b.ReportMetric(float64(rerunWrites), "rerun-writes")
		})
	}
}
