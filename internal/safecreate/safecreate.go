// Package safecreate runs a create call that must not duplicate a record
// when its response is lost: after an ambiguous failure it looks the
// record up before sending again.
package safecreate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jcoom/jcoom/internal/email"

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
	// Mismatch compares a record the look-up found with what was sent. It
	// returns "" when the record is the one this create made, or says how
	// it differs (e.g. `email "bob@x.io", not "ada@x.io"`): the username
	// then belongs to somebody else and the create is a conflict, never a
	// success. Nil accepts any record found.
	Mismatch func(found T) string
	// ID names a found record in a conflict error.
	ID func(T) string
}

// ExistingRecordError says that a create found, after an ambiguous
// failure, an existing record with the same key that is not the one it
// sent: somebody else's record, which the create must not claim. It
// matches transport.ErrConflict.
type ExistingRecordError struct {
	// What names the create, e.g. `jumpcloud: create user "ada"`.
	What string
	// ID is the id of the existing record.
	ID string
	// Differs says how the existing record differs from what was sent.
	Differs string
}

func (e *ExistingRecordError) Error() string {
	return fmt.Sprintf("%s: conflict: the outcome of the request was unknown, and the look-up found an existing record %s that was not made by this create (%s); it was left alone", e.What, e.ID, e.Differs)
}

// Is makes the error match transport.ErrConflict.
func (e *ExistingRecordError) Is(target error) bool { return target == transport.ErrConflict }

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
				if s.Mismatch != nil {
					if diff := s.Mismatch(rec); diff != "" {
						id := ""
						if s.ID != nil {
							id = s.ID(rec)
						}
						return zero, &ExistingRecordError{What: s.What, ID: id, Differs: diff}
					}
				}
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

// Pair is one value a create sent and the value of the record found.
type Pair struct {
	Name, Sent, Found string
	// Fold compares case-insensitively (emails).
	Fold bool
}

// Differences says how the record found differs from what was sent, or ""
// when every sent value agrees. Values are trimmed; an empty sent value is
// not compared.
func Differences(pairs ...Pair) string {
	var diffs []string
	for _, p := range pairs {
		sent, found := strings.TrimSpace(p.Sent), strings.TrimSpace(p.Found)
		if sent == "" || sent == found || p.Fold && email.Same(sent, found) {
			continue
		}
		diffs = append(diffs, fmt.Sprintf("%s is %q, not %q", p.Name, found, sent))
	}
	return strings.Join(diffs, "; ")
}

// Found adapts a look-up that reports absence as ErrNotFound to Lookup.
func Found[T any](v T, err error) (T, bool, error) {
	if errors.Is(err, transport.ErrNotFound) {
		var zero T
		return zero, false, nil
	}
	return v, err == nil, err
}
