package paging

import (
	"context"
	"errors"
	"fmt"
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
