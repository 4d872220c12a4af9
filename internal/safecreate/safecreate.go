// Package safecreate runs a create call that must not duplicate a record
// when its response is lost: after an ambiguous failure it looks the
// record up before sending again.
package safecreate

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jcoom/jcoom/internal/transport"
)

// Outcome classifies a failed create attempt.
type Outcome int

const (
	// Fail: the error is final (bad input, conflict, auth, ...).
	Fail Outcome = iota
	// Ambiguous: the write may have happened (timeout, reset after
	// sending, 5xx); look the record up before sending again.
	Ambiguous
	// Retry: the write certainly did not happen (a 429 within the
	// Retry-After cap); send again.
	Retry
)

// Spec describes one create.
type Spec[T any] struct {
	// What names the record in errors, e.g. `create user "ada"`.
	What string
	// Attempts bounds the number of sends.
	Attempts int
	// Send makes one attempt.
	Send func(ctx context.Context) (T, error)
	// Lookup finds the record the create would have made; found is false
	// when it does not exist.
	Lookup func(ctx context.Context) (rec T, found bool, err error)
	// Classify decides what a failed attempt means.
	Classify func(error) Outcome
}

// Run sends, and after an ambiguous failure looks up before sending again,
// so a lost response never creates a duplicate.
func Run[T any](ctx context.Context, s Spec[T]) (T, error) {
	var zero T
	var lastErr error
	lookFirst := false
	for range s.Attempts {
		if lookFirst {
			rec, found, err := s.Lookup(ctx)
			if err != nil {
				return zero, fmt.Errorf("%s: outcome unknown (%w) and the look-up failed: %w", s.What, lastErr, err)
			}
			if found {
				return rec, nil
			}
		}
		rec, err := s.Send(ctx)
		if err == nil {
			return rec, nil
		}
		if ctx.Err() != nil {
			return zero, err
		}
		switch s.Classify(err) {
		case Ambiguous:
			lookFirst = true
		case Retry:
			lookFirst = false
		default:
			return zero, err
		}
		lastErr = err
	}
	return zero, fmt.Errorf("%s: gave up after %d attempts: %w", s.What, s.Attempts, lastErr)
}

// Classify sorts a failed create by the transport error under it (the
// clients' typed errors unwrap to it): a 5xx or a connection that failed
// after sending is ambiguous; a 429 within the Retry-After cap is
// retryable; anything else is final.
func Classify(err error) Outcome {
	var re *transport.ResponseError
	if errors.As(err, &re) {
		switch {
		case re.StatusCode >= 500:
			return Ambiguous
		case re.StatusCode == http.StatusTooManyRequests && !re.OverCap:
			return Retry
		}
		return Fail
	}
	var rq *transport.RequestError
	if errors.As(err, &rq) && rq.Sent {
		return Ambiguous
	}
	return Fail
}

// Found adapts a look-up that reports absence as ErrNotFound to Lookup.
func Found[T any](v T, err error) (T, bool, error) {
	if errors.Is(err, transport.ErrNotFound) {
		var zero T
		return zero, false, nil
	}
	return v, err == nil, err
}
