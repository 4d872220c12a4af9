package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a client-side token bucket plus the pause a 429 imposes:
// every attempt of every client that holds it waits here. Clients made for
// one credential can share one Limiter, since an API's budget belongs to
// the key, not to the client that spends it. It is safe for concurrent use.
type Limiter struct {
	limiter *rate.Limiter

	mu          sync.Mutex
	pausedUntil time.Time
}

// NewLimiter returns a Limiter of limit requests per second with the given
// burst; rate.Inf means no limit (only 429 pauses).
func NewLimiter(limit rate.Limit, burst int) *Limiter {
	if limit <= 0 {
		limit = rate.Inf
	}
	return &Limiter{limiter: rate.NewLimiter(limit, max(burst, 1))}
}

// PausedUntil is when the latest 429 pause ends (zero when none).
func (l *Limiter) PausedUntil() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pausedUntil
}

func (l *Limiter) pause(until time.Time) {
	l.mu.Lock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	l.mu.Unlock()
}

// gate is one client's view of its Limiter: the Retry-After cap is the
// client's own.
type gate struct {
	*Limiter
	maxWait time.Duration
}

func (g *gate) wait(ctx context.Context) error {
	if d := time.Until(g.PausedUntil()); d > 0 {
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

// attemptRoundTripper runs one attempt: it waits at the gate (bounded only
// by the caller's context), then starts the attempt's own timeout, which
// also covers reading the body, and notes whether any byte of the request
// was written, so that a failure before that is known to be unsent.
type attemptRoundTripper struct {
	gate    *gate
	timeout time.Duration
	next    http.RoundTripper
}

func (a *attemptRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := a.gate.wait(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, &notSentError{err}
	}
	ctx, cancel := context.WithTimeout(req.Context(), a.timeout)
	var asked, wrote atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn:          func(string) { asked.Store(true) },
		WroteHeaderField: func(string, []string) { wrote.Store(true) },
	})
	resp, err := a.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		timedOut := ctx.Err() != nil && req.Context().Err() == nil
		cancel()
		if timedOut {
			err = &attemptTimeoutError{after: a.timeout, err: err}
		}
		// Only a transport that reports its progress can prove that
		// nothing left; any other failure may have reached the server.
		if asked.Load() && !wrote.Load() {
			return nil, &notSentError{err}
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends an attempt's timeout when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// attemptTimeoutError is an attempt that ran past the per-attempt timeout
// (the caller's context did not end). It is a net.Error whose Timeout is
// true.
type attemptTimeoutError struct {
	after time.Duration
	err   error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %v: %v", e.after, e.err)
}
func (e *attemptTimeoutError) Unwrap() error   { return e.err }
func (e *attemptTimeoutError) Timeout() bool   { return true }
func (e *attemptTimeoutError) Temporary() bool { return true }

// notSentError marks a failure at the client's own gate: nothing was sent.
type notSentError struct{ err error }

func (e *notSentError) Error() string        { return e.err.Error() }
func (e *notSentError) Unwrap() error        { return e.err }
func (e *notSentError) Is(target error) bool { return target == errNotSent }
