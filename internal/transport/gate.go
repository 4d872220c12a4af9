package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// gate is the per-client pause gate plus token bucket. A 429 closes the gate
// until its reset; every attempt from every goroutine waits at the gate.
type gate struct {
	limiter *rate.Limiter
	maxWait time.Duration

	mu          sync.Mutex
	pausedUntil time.Time
}

func (g *gate) pause(until time.Time) {
	g.mu.Lock()
	if until.After(g.pausedUntil) {
		g.pausedUntil = until
	}
	g.mu.Unlock()
}

func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	until := g.pausedUntil
	g.mu.Unlock()
	if d := time.Until(until); d > 0 {
		if d > g.maxWait {
			return &RateLimitError{RetryAfter: d, Err: errors.New("client paused by an earlier 429 for longer than the Retry-After cap")}
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if err := g.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// rate.Limiter fails at once when the wait would pass the deadline.
		return fmt.Errorf("%w: %w: %w", errLimiterWait, err, context.DeadlineExceeded)
	}
	return nil
}

// errLimiterWait marks a client-side rate-limit wait that could not finish
// before the context deadline.
var errLimiterWait = errors.New("client-side rate limit wait")

type limitRoundTripper struct {
	gate *gate
	next http.RoundTripper
}

func (l *limitRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := l.gate.wait(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &notSentError{err}
	}
	return l.next.RoundTrip(req)
}

// notSentError marks a failure at the client's own gate: nothing was sent.
type notSentError struct{ err error }

func (e *notSentError) Error() string        { return e.err.Error() }
func (e *notSentError) Unwrap() error        { return e.err }
func (e *notSentError) Is(target error) bool { return target == errNotSent }
