package paging

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// source is an in-memory list whose contents may change between fetches.
type source struct {
	mu      sync.Mutex
	items   []string
	fetches atomic.Int32
	failAt  int // skip offset that fails, -1 for none
	onFetch func(skip int)
}

func (s *source) fetch(ctx context.Context, skip, limit int) (Page[string], error) {
	s.fetches.Add(1)
	if s.onFetch != nil {
		s.onFetch(skip)
	}
	if err := ctx.Err(); err != nil {
		return Page[string]{}, err
	}
	if skip == s.failAt {
		return Page[string]{}, fmt.Errorf("page at %d failed", skip)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	end := min(skip+limit, len(s.items))
	if skip >= end {
		return Page[string]{Total: len(s.items)}, nil
	}
	return Page[string]{Items: slices.Clone(s.items[skip:end]), Total: len(s.items)}, nil
}

func items(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%05d", i)
	}
	return out
}

func drain(t *testing.T, seq func(func(string, error) bool)) ([]string, error) {
	t.Helper()
	var out []string
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestSequentialAndConcurrentGiveTheSameOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, n := range []int{0, 1, 9, 10, 11, 95, 100} {
		for _, conc := range []int{0, 1, 3, 8} {
			src := &source{items: items(n), failAt: -1}
			got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Concurrency: conc, Fetch: src.fetch, Key: func(s string) string { return s }}))
			require.NoError(t, err)
			assert.Equal(t, src.items, append([]string{}, got...), "n=%d conc=%d", n, conc)
			wantFetches := max((n+9)/10, 1)
			assert.Equal(t, int32(wantFetches), src.fetches.Load(), "n=%d conc=%d: no extra requests", n, conc)
		}
	}
}

func TestStartOffset(t *testing.T) {
	src := &source{items: items(35), failAt: -1}
	got, err := drain(t, All(t.Context(), Spec[string]{Start: 20, Limit: 10, Fetch: src.fetch}))
	require.NoError(t, err)
	assert.Equal(t, src.items[20:], got)
}

func TestErrorIsYieldedOnceThenStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, conc := range []int{1, 4} {
		src := &source{items: items(100), failAt: 30}
		var n, errs int
		for _, err := range All(t.Context(), Spec[string]{Limit: 10, Concurrency: conc, Fetch: src.fetch}) {
			if err != nil {
				errs++
				continue
			}
			n++
		}
		assert.Equal(t, 30, n, "conc=%d", conc)
		assert.Equal(t, 1, errs, "conc=%d", conc)
	}
}

func TestEarlyBreakStopsAndLeaksNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	src := &source{items: items(1000), failAt: -1}
	n := 0
	for _, err := range All(t.Context(), Spec[string]{Limit: 10, Concurrency: 8, Fetch: src.fetch}) {
		require.NoError(t, err)
		if n++; n == 15 {
			break
		}
	}
	assert.LessOrEqual(t, src.fetches.Load(), int32(1+8+1), "at most a window of pages was fetched")
}

func TestGrowthDuringIterationIsFollowedAndDeduplicated(t *testing.T) {
	src := &source{items: items(30), failAt: -1}
	src.onFetch = func(skip int) {
		if skip == 10 {
			// An item sorted first appears: everything shifts by one.
			src.mu.Lock()
			src.items = append([]string{"-0001"}, src.items...)
			src.mu.Unlock()
		}
	}
	got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Fetch: src.fetch, Key: func(s string) string { return s }}))
	require.NoError(t, err)
	assert.Len(t, got, 30, "the shifted item is not repeated")
	seen := map[string]bool{}
	for _, v := range got {
		assert.False(t, seen[v], "duplicate %s", v)
		seen[v] = true
	}
}

func TestContextCancelStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(t.Context())
	src := &source{items: items(100), failAt: -1}
	src.onFetch = func(skip int) {
		if skip == 20 {
			cancel()
		}
	}
	_, err := drain(t, All(ctx, Spec[string]{Limit: 10, Concurrency: 4, Fetch: src.fetch}))
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, errors.Is(err, context.Canceled))
}

// capped is a server that never sends more than cap items a page, whatever
// the limit asked, and may lie about its total or ignore the offset.
type capped struct {
	items      []string
	cap        int
	total      int // reported total; 0 reports len(items)
	ignoreSkip bool
	fetches    atomic.Int32
	maxSkip    atomic.Int64
}

func (c *capped) fetch(ctx context.Context, skip, limit int) (Page[string], error) {
	c.fetches.Add(1)
	if int64(skip) > c.maxSkip.Load() {
		c.maxSkip.Store(int64(skip))
	}
	if err := ctx.Err(); err != nil {
		return Page[string]{}, err
	}
	if c.ignoreSkip {
		skip = 0
	}
	total := c.total
	if total == 0 {
		total = len(c.items)
	}
	end := min(skip+min(limit, c.cap), len(c.items))
	if skip >= end {
		return Page[string]{Total: total}, nil
	}
	return Page[string]{Items: slices.Clone(c.items[skip:end]), Total: total}, nil
}

func key(s string) string { return s }

func TestShortPagesDoNotEndAListingThatATotalSaysGoesOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, conc := range []int{0, 1, 4, 8} {
		src := &capped{items: items(300), cap: 50}
		got, err := drain(t, All(t.Context(), Spec[string]{Limit: 100, Concurrency: conc, Fetch: src.fetch, Key: key}))
		require.NoError(t, err, "conc=%d", conc)
		assert.Equal(t, src.items, got, "conc=%d: all 300, in order", conc)
	}
}

func TestUnknownTotalPagesWhileFull(t *testing.T) {
	src := &capped{items: items(25), cap: 10, total: UnknownTotal}
	got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Concurrency: 4, Fetch: src.fetch, Key: key}))
	require.NoError(t, err)
	assert.Equal(t, src.items, got)
	assert.Equal(t, int32(3), src.fetches.Load())
}

func TestAnItemWithoutKeyIsAnError(t *testing.T) {
	src := &source{items: []string{"a", "", "c"}, failAt: -1}
	got, err := drain(t, All(t.Context(), Spec[string]{What: "things", Limit: 10, Fetch: src.fetch, Key: key}))
	require.ErrorIs(t, err, ErrIncomplete)
	assert.Equal(t, "things: listing incomplete: item 2 of the page at offset 0 has no id", err.Error())
	assert.Equal(t, []string{"a"}, got)
}

func TestAServerThatIgnoresSkipIsDetected(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, conc := range []int{1, 4} {
		for _, total := range []int{1000, UnknownTotal} {
			src := &capped{items: items(1000), cap: 10, total: total, ignoreSkip: true}
			got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Concurrency: conc, Fetch: src.fetch, Key: key}))
			require.ErrorIs(t, err, ErrIncomplete, "conc=%d total=%d", conc, total)
			assert.Len(t, got, 10)
			assert.LessOrEqual(t, src.fetches.Load(), int32(2+conc), "conc=%d total=%d: stopped at the first repeat", conc, total)
		}
	}
}

func TestAnEmptyPageWhereTheTotalPromisesMoreIsAnError(t *testing.T) {
	src := &capped{items: items(30), cap: 10, total: 40}
	got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Fetch: src.fetch, Key: key}))
	require.ErrorIs(t, err, ErrIncomplete)
	assert.Contains(t, err.Error(), "counts 40 items but the page at offset 30 is empty")
	assert.Len(t, got, 30)
}

func TestAHugeTotalPlansNothingAhead(t *testing.T) {
	defer goleak.VerifyNone(t)
	// A hostile count: offsets are planned a window at a time, so the
	// total sizes nothing, and the listing ends at the first empty page.
	for _, total := range []int{1e8, math.MaxInt} {
		src := &capped{items: items(100), cap: 10, total: total}
		got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Concurrency: 8, Fetch: src.fetch, Key: key}))
		require.ErrorIs(t, err, ErrIncomplete)
		assert.Len(t, got, 100)
		assert.LessOrEqual(t, src.fetches.Load(), int32(11+8), "at most a window past the end")
	}
}

func TestAMissingCountIsNoCount(t *testing.T) {
	// A count of 0 with a full page (a field the server left out) does not
	// end the listing after one page.
	src := &capped{items: items(25), cap: 10}
	f := func(ctx context.Context, skip, limit int) (Page[string], error) {
		p, err := src.fetch(ctx, skip, limit)
		p.Total = 0
		return p, err
	}
	got, err := drain(t, All(t.Context(), Spec[string]{Limit: 10, Concurrency: 4, Fetch: f, Key: key}))
	require.NoError(t, err)
	assert.Equal(t, src.items, got)
}

func BenchmarkHugeTotal(b *testing.B) {
	// Memory for a listing whose server claims math.MaxInt items but has
	// 100: bounded by the window, not by the claim.
	b.ReportAllocs()
	for b.Loop() {
		src := &capped{items: items(100), cap: 10, total: math.MaxInt}
		for _, err := range All(b.Context(), Spec[string]{Limit: 10, Concurrency: 8, Fetch: src.fetch, Key: key}) {
			if err != nil {
				break
			}
		}
	}
}
