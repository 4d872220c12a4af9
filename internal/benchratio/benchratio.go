// Package benchratio measures an API client against a bare net/http +
// encoding/json loop over the same fake responses in the same run, and
// reports the ratios with b.ReportMetric, so the project tracks its own
// overhead: CPU, allocations and bytes per record, client over bare.
//
// Both loops go through a Replay transport that asks the fake once per
// distinct request and replays the recorded bytes afterwards, so neither
// pays for the fake's encoding and the CPU measured is the client's.
package benchratio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
)

// Replay is an http.RoundTripper that serves each distinct request (method
// and URL) from h once and then replays the recorded response. After
// Freeze it serves only what it recorded, and no longer holds h, so the
// fake behind it (and its heap) can be collected.
type Replay struct {
	h     http.Handler
	mu    sync.Mutex
	cache map[string]*recorded
}

type recorded struct {
	status int
	header http.Header
	body   []byte
}

// NewReplay returns a Replay over h.
func NewReplay(h http.Handler) *Replay {
	return &Replay{h: h, cache: map[string]*recorded{}}
}

// RoundTrip implements http.RoundTripper.
func (r *Replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	key := req.Method + " " + req.URL.RequestURI()
	r.mu.Lock()
	rec, ok := r.cache[key]
	h := r.h
	r.mu.Unlock()
	if !ok && h == nil {
		return nil, fmt.Errorf("benchratio: %s was not recorded before Freeze", key)
	}
	if !ok {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		res := w.Result()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return nil, err
		}
		rec = &recorded{status: res.StatusCode, header: res.Header, body: body}
		r.mu.Lock()
		r.cache[key] = rec
		r.mu.Unlock()
	}
	return &http.Response{
		StatusCode: rec.status, Status: http.StatusText(rec.status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.header.Clone(), Body: io.NopCloser(bytes.NewReader(rec.body)), ContentLength: int64(len(rec.body)),
		Request: req,
	}, nil
}

// Freeze stops recording: from now on only recorded requests are served.
func (r *Replay) Freeze() {
	r.mu.Lock()
	r.h = nil
	r.mu.Unlock()
}

// Round lists every record once and returns how many it saw.
type Round func(ctx context.Context) (int, error)

type cost struct {
	cpuNS, allocs, bytes float64
	records              int
}

func measure(ctx context.Context, round Round) (cost, error) {
	var m0, m1 runtime.MemStats
	// Each round starts from a collected heap, so it pays for the
	// collections its own allocations cause, not the previous round's.
	runtime.GC()
	runtime.ReadMemStats(&m0)
	c0 := cpuTime()
	n, err := round(ctx)
	c1 := cpuTime()
	runtime.ReadMemStats(&m1)
	return cost{cpuNS: float64(c1 - c0), allocs: float64(m1.Mallocs - m0.Mallocs), bytes: float64(m1.TotalAlloc - m0.TotalAlloc), records: n}, err
}

// Compare runs client and bare alternately b.N times each, after one
// warm-up round of each, which fills replay before it is frozen (the
// fake's heap then no longer weighs on every collection), and reports per
// record:
// the client's CPU ns, allocations and bytes, the bare loop's, and the
// ratios client/bare (cpu-x, allocs-x, bytes-x). Both rounds must see the
// same number of records.
func Compare(b *testing.B, replay *Replay, client, bare Round) {
	b.Helper()
	ctx := b.Context()
	for _, r := range []Round{client, bare} {
		if _, err := r(ctx); err != nil {
			b.Fatal(err)
		}
	}
	replay.Freeze()
	var cl, br cost
	for b.Loop() {
		c, err := measure(ctx, client)
		if err != nil {
			b.Fatal(err)
		}
		r, err := measure(ctx, bare)
		if err != nil {
			b.Fatal(err)
		}
		if c.records != r.records || c.records == 0 {
			b.Fatalf("the client saw %d records, the bare loop %d", c.records, r.records)
		}
		cl.cpuNS, cl.allocs, cl.bytes, cl.records = cl.cpuNS+c.cpuNS, cl.allocs+c.allocs, cl.bytes+c.bytes, cl.records+c.records
		br.cpuNS, br.allocs, br.bytes, br.records = br.cpuNS+r.cpuNS, br.allocs+r.allocs, br.bytes+r.bytes, br.records+r.records
	}
	per := func(v float64, n int) float64 { return v / float64(n) }
	b.ReportMetric(per(cl.cpuNS, cl.records), "cpu-ns/user")
	b.ReportMetric(per(cl.allocs, cl.records), "allocs/user")
	b.ReportMetric(per(cl.bytes, cl.records), "B/user")
	b.ReportMetric(per(br.cpuNS, br.records), "bare-cpu-ns/user")
	b.ReportMetric(per(br.allocs, br.records), "bare-allocs/user")
	b.ReportMetric(per(br.bytes, br.records), "bare-B/user")
	b.ReportMetric(cl.cpuNS/br.cpuNS, "cpu-x")
	b.ReportMetric(cl.allocs/br.allocs, "allocs-x")
	b.ReportMetric(cl.bytes/br.bytes, "bytes-x")
}

// Pages runs fetch for the pages 0..n-1, conc at a time (1 or less: one
// after another), and returns the sum of the records they counted: the
// bare loop's paging.
func Pages(ctx context.Context, conc, n int, fetch func(ctx context.Context, page int) (int, error)) (int, error) {
	if conc < 1 {
		conc = 1
	}
	var (
		mu    sync.Mutex
		total int
		first error
		wg    sync.WaitGroup
	)
	next := make(chan int)
	for range conc {
		wg.Go(func() {
			for p := range next {
				k, err := fetch(ctx, p)
				mu.Lock()
				total += k
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	for p := range n {
		next <- p
	}
	close(next)
	wg.Wait()
	return total, first
}
