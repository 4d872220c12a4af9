// Package paging turns an offset-paged list endpoint into a lazy
// iter.Seq2, sequential or with pages fetched concurrently, in order and
// de-duplicated.
package paging

import (
	"context"
	"iter"
	"sync"
)

// Page is one page of a list reply.
type Page[T any] struct {
	Items []T
	// Total is the server's count of all matching items.
	Total int
}

// Fetch fetches the page that starts at skip.
type Fetch[T any] func(ctx context.Context, skip, limit int) (Page[T], error)

// Spec describes a listing.
type Spec[T any] struct {
	// Start is the first offset; Limit the page size (> 0).
	Start, Limit int
	// Concurrency > 1 fetches pages in parallel once the total is known.
	Concurrency int
	Fetch       Fetch[T]
	// Key returns an item's identity; items seen before are dropped. Nil
	// disables de-duplication.
	Key func(T) string
}

// All returns a lazy, re-iterable sequence. Each range starts from Start
// again. An error is yielded once, after which the sequence stops; an early
// break stops all fetching before All returns.
func All[T any](ctx context.Context, s Spec[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		it := &iteration[T]{spec: s, yield: yield}
		if s.Key != nil {
			it.seen = make(map[string]struct{})
		}
		it.run(ctx)
	}
}

type iteration[T any] struct {
	spec  Spec[T]
	yield func(T, error) bool
	seen  map[string]struct{}
}

// emit yields the page's new items; false means stop.
func (it *iteration[T]) emit(items []T) bool {
	for _, v := range items {
		if it.seen != nil {
			k := it.spec.Key(v)
			if _, dup := it.seen[k]; dup {
				continue
			}
			it.seen[k] = struct{}{}
		}
		if !it.yield(v, nil) {
			return false
		}
	}
	return true
}

func (it *iteration[T]) fail(err error) {
	var zero T
	it.yield(zero, err)
}

func (it *iteration[T]) run(ctx context.Context) {
	limit := it.spec.Limit
	skip := it.spec.Start
	first, err := it.spec.Fetch(ctx, skip, limit)
	if err != nil {
		it.fail(err)
		return
	}
	if !it.emit(first.Items) {
		return
	}
	if len(first.Items) < limit || skip+len(first.Items) >= first.Total {
		return
	}
	skip += limit
	if it.spec.Concurrency > 1 {
		var ok bool
		if skip, ok = it.concurrent(ctx, skip, first.Total); !ok {
			return
		}
	}
	for {
		p, err := it.spec.Fetch(ctx, skip, limit)
		if err != nil {
			it.fail(err)
			return
		}
		if !it.emit(p.Items) {
			return
		}
		if len(p.Items) < limit || skip+len(p.Items) >= p.Total {
			return
		}
		skip += limit
	}
}

type result[T any] struct {
	page Page[T]
	err  error
}

// concurrent fetches the pages from skip up to total with a bounded pool
// and yields them in order. It returns the offset after the last page and
// whether to go on (the last page was full, so more may have appeared).
func (it *iteration[T]) concurrent(ctx context.Context, skip, total int) (int, bool) {
	limit := it.spec.Limit
	var skips []int
	for s := skip; s < total; s += limit {
		skips = append(skips, s)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()

	results := make([]chan result[T], len(skips))
	for i := range results {
		results[i] = make(chan result[T], 1)
	}
	slots := make(chan struct{}, it.spec.Concurrency)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, s := range skips {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := it.spec.Fetch(ctx, s, limit)
				results[i] <- result[T]{p, err}
			}()
		}
	}()
	lastTotal := total
	for i := range skips {
		var r result[T]
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			it.fail(ctx.Err())
			return 0, false
		}
		<-slots
		if r.err != nil {
			it.fail(r.err)
			return 0, false
		}
		if !it.emit(r.page.Items) {
			return 0, false
		}
		lastTotal = r.page.Total
		if len(r.page.Items) < limit {
			return 0, false
		}
	}
	// Every page was full: go on only if the newest count says the
	// collection grew past what was planned.
	next := skips[len(skips)-1] + limit
	return next, next < lastTotal
}
