// Package paging turns an offset-paged list endpoint into a lazy
// iter.Seq2, sequential or with pages fetched concurrently, in order and
// de-duplicated.
//
// It trusts no server: a page shorter than asked for ends the listing only
// when no total says more remain (the listing goes on at the offset
// reached), an item without a key or a page that brings nothing new (a
// server that ignores the offset) ends it with an error wrapping
// ErrIncomplete, and a server-supplied total never sizes an allocation:
// offsets are planned lazily, at most Concurrency pages ahead.
package paging

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
)

// ErrIncomplete reports a listing that could not be read completely and
// consistently: the items yielded so far are not the whole collection.
var ErrIncomplete = errors.New("listing incomplete")

// maxSeenHint bounds the size hint of the de-duplication set.
const maxSeenHint = 1 << 17

// UnknownTotal is the Page.Total of a server that sent no count.
const UnknownTotal = -1

// Page is one page of a list reply.
type Page[T any] struct {
	Items []T
	// Total is the server's count of all matching items, or UnknownTotal.
	Total int
}

// Fetch fetches the page that starts at skip.
type Fetch[T any] func(ctx context.Context, skip, limit int) (Page[T], error)

// Spec describes a listing.
type Spec[T any] struct {
	// What names the listing in errors, e.g. "jumpcloud: systemusers".
	What string
	// Start is the first offset; Limit the page size (> 0).
	Start, Limit int
	// Concurrency > 1 fetches pages in parallel once the total is known.
	Concurrency int
	Fetch       Fetch[T]
	// Key returns an item's identity; items seen before are dropped and an
	// item with an empty key is an error. Nil disables de-duplication and
	// the checks that need it.
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
			it.seen = newKeySet()
		}
		it.run(ctx)
	}
}

type iteration[T any] struct {
	spec  Spec[T]
	yield func(T, error) bool
	seen  *keySet
}

func (it *iteration[T]) incomplete(format string, args ...any) error {
	what := it.spec.What
	if what == "" {
		what = "list"
	}
	return fmt.Errorf("%s: %w: %s", what, ErrIncomplete, fmt.Sprintf(format, args...))
}

// emit yields the page's new items. It returns false when the iteration
// must stop: the consumer broke off, or an error was yielded.
func (it *iteration[T]) emit(skip int, items []T) bool {
	fresh := 0
	for i, v := range items {
		if it.seen != nil {
			k := it.spec.Key(v)
			if k == "" {
				it.fail(it.incomplete("item %d of the page at offset %d has no id", i+1, skip))
				return false
			}
			if !it.seen.add(k) {
				continue
			}
		}
		fresh++
		if !it.yield(v, nil) {
			return false
		}
	}
	if fresh == 0 && len(items) > 0 {
		it.fail(it.incomplete("the page at offset %d repeats only items already read (the server may ignore the offset)", skip))
		return false
	}
	return true
}

func (it *iteration[T]) fail(err error) {
	var zero T
	it.yield(zero, err)
}

// next decides, from the page fetched at skip, where the listing goes on
// and whether it does. A page shorter than the limit ends it only when no
// total says more remain.
func (it *iteration[T]) next(skip int, p Page[T]) (int, bool, error) {
	n := len(p.Items)
	reached := skip + n
	// A count below what this very page reached contradicts itself (a
	// missing count decodes as 0): it is no count at all.
	if p.Total >= reached {
		if n == 0 && skip < p.Total {
			return 0, false, it.incomplete("the server counts %d items but the page at offset %d is empty", p.Total, skip)
		}
		return reached, reached < p.Total, nil
	}
	// No count: a full page may be followed by more; a short one, or one
	// longer than asked for (paging ignored), is the end.
	return reached, n == it.spec.Limit, nil
}

func (it *iteration[T]) run(ctx context.Context) {
	skip := it.spec.Start
	for {
		if err := ctx.Err(); err != nil {
			it.fail(err)
			return
		}
		p, err := it.spec.Fetch(ctx, skip, it.spec.Limit)
		if err != nil {
			it.fail(err)
			return
		}
		if !it.emit(skip, p.Items) {
			return
		}
		next, more, err := it.next(skip, p)
		if err != nil {
			it.fail(err)
			return
		}
		if !more {
			return
		}
		if it.seen != nil && it.seen.len() == len(p.Items) && p.Total > next {
			// Size the set for the listing once, within a bound a hostile
			// count cannot push.
			it.seen.grow(min(p.Total, maxSeenHint))
		}
		skip = next
		if it.spec.Concurrency > 1 && p.Total > next && len(p.Items) == it.spec.Limit {
			var ok bool
			if skip, ok = it.concurrent(ctx, skip, p.Total); !ok {
				return
			}
		}
	}
}

type result[T any] struct {
	skip int
	page Page[T]
	err  error
}

// concurrent fetches pages from skip on, up to Concurrency at a time,
// planning each offset only when a slot frees up, and yields them in
// order. It returns the offset to go on from sequentially and whether to
// go on: after a short page that a total contradicts (a server capping
// page sizes), the pages planned past it are dropped and the listing
// continues one page at a time from the offset reached.
func (it *iteration[T]) concurrent(ctx context.Context, skip, total int) (int, bool) {
	limit := it.spec.Limit
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()

	var window []chan result[T] // in flight, in offset order
	planned := skip             // the next offset to plan
	launch := func() {
		ch := make(chan result[T], 1)
		window = append(window, ch)
		s := planned
		planned += limit
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := it.spec.Fetch(ctx, s, limit)
			ch <- result[T]{s, p, err}
		}()
	}
	for {
		for len(window) < it.spec.Concurrency && planned < total && ctx.Err() == nil {
			launch()
		}
		if len(window) == 0 {
			// Everything planned was full and read: the sequential loop
			// asks once more whether the collection grew.
			return planned, true
		}
		var r result[T]
		select {
		case r = <-window[0]:
		case <-ctx.Done():
			it.fail(ctx.Err())
			return 0, false
		}
		window = window[1:]
		if r.err != nil {
			it.fail(r.err)
			return 0, false
		}
		if !it.emit(r.skip, r.page.Items) {
			return 0, false
		}
		next, more, err := it.next(r.skip, r.page)
		if err != nil {
			it.fail(err)
			return 0, false
		}
		if !more {
			return 0, false
		}
		if len(r.page.Items) != limit {
			// The pages planned after this one start at the wrong
			// offsets: drop them and go on from where this one ended.
			return next, true
		}
		total = r.page.Total
	}
}
