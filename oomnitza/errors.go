package oomnitza

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/safecreate"
	"github.com/jcoom/jcoom/internal/transport"
)

// Sentinel errors; match them with errors.Is. They are the same values as
// the jumpcloud package's, so one check covers both clients.
var (
	ErrNotFound     = transport.ErrNotFound
	ErrUnauthorized = transport.ErrUnauthorized
	ErrForbidden    = transport.ErrForbidden
	ErrConflict     = transport.ErrConflict
	ErrRateLimited  = transport.ErrRateLimited
	// ErrOutcomeUnknown matches a failed write that may have been applied
	// anyway (its reply was lost, or a 5xx): read before writing again.
	ErrOutcomeUnknown = transport.ErrOutcomeUnknown
	// ErrMultipleMatches matches a look-up that found several records
	// where it expected one.
	ErrMultipleMatches = transport.ErrMultipleMatches
	// ErrIncompleteList matches an iteration that ended because the
	// server's pages could not be read completely and consistently (an
	// item without an id, a page that repeats earlier ones, an empty page
	// where the count says more remain): what was yielded is not the whole
	// collection, so nothing may be concluded from what is missing.
	ErrIncompleteList = paging.ErrIncomplete
	// ErrUnexpectedReply matches a 2xx reply that does not answer what
	// was asked (an error object, an empty body, a record without an id
	// or with another id than the one requested). For a write it also
	// matches ErrOutcomeUnknown.
	ErrUnexpectedReply = transport.ErrUnexpectedReply
)

// MatchError is a look-up by field value that did not find exactly one
// record (Count says how many it found). It matches ErrNotFound or
// ErrMultipleMatches; the server sent no error.
type MatchError = transport.MatchError

// RequestError is a failure with no usable reply (connection error,
// timeout, unreadable body). Sent says whether the request left the
// client, Attempts how often it was tried; errors.Is(err,
// ErrOutcomeUnknown) says whether a write may have been applied.
type RequestError = transport.RequestError

// RateLimitError is returned, without waiting, when the server asks the
// client to wait longer than the Retry-After cap. It matches ErrRateLimited.
type RateLimitError = transport.RateLimitError

// ExistingRecordError is returned by Users.Create when, after a failure
// whose outcome was unknown, the look-up by username found a user that is
// not the one sent (another email or name): somebody else's record, which
// Create does not claim. It matches ErrConflict; ID names the existing user.
type ExistingRecordError = safecreate.ExistingRecordError

// Error is an Oomnitza API error reply.
type Error struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Message is the server's message ({"errors": [...]} joined, or
	// {"message"}/{"error"}/{"detail"}).
	Message string
	// Method and Path identify the call (no query string).
	Method, Path string
	// RetryAfter is the server's Retry-After, when present.
	RetryAfter time.Duration
	// Raw is the body as received (at most 1 MiB).
	Raw []byte
	// Attempts is how many times the request was sent (retries included).
	Attempts int

	sentinel error
	cause    *transport.ResponseError
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oomnitza: %s %s: %d", e.Method, e.Path, e.StatusCode)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.StatusCode == 429 && e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Unwrap returns the transport-level reply error, if any.
func (e *Error) Unwrap() error {
	if e.cause == nil {
		return nil
	}
	return e.cause
}

// Is reports whether target is the sentinel for this error.
func (e *Error) Is(target error) bool {
	if target == ErrOutcomeUnknown {
		return e.cause != nil && e.cause.OutcomeUnknown()
	}
	return e.sentinel != nil && target == e.sentinel
}

func convertError(err error) error {
	var re *transport.ResponseError
	if errors.As(err, &re) {
		m := transport.DecodeAPIMessage(re.Body)
		e := &Error{StatusCode: re.StatusCode, Message: m.Message, Method: re.Method, Path: re.Path,
			RetryAfter: re.RetryAfter, Raw: re.Body, Attempts: re.Attempts, sentinel: re.Sentinel(), cause: re}
		if e.sentinel == nil && re.StatusCode == 400 && isDuplicate(m.Message) {
			e.sentinel = ErrConflict
		}
		return e
	}
	var rq *transport.RequestError
	if errors.As(err, &rq) {
		rq.API = "oomnitza"
		return rq
	}
	return fmt.Errorf("oomnitza: %w", err)
}

func isDuplicate(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "already exists") || strings.Contains(m, "must be unique") || strings.Contains(m, "duplicate")
}

// ItemError reports per-record failures that Oomnitza returns inside a 200
// reply (SaaS-user activation, role and external-id assignment). The call
// did not fully succeed.
type ItemError struct {
	// Op names the call, e.g. "activate SaaS users".
	Op string
	// Failures maps the record id to the server's message.
	Failures map[string]string
}

func (e *ItemError) Error() string {
	ids := make([]string, 0, len(e.Failures))
	for id := range e.Failures {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s: %s", id, e.Failures[id])
	}
	return fmt.Sprintf("oomnitza: %s: %d failed: %s", e.Op, len(ids), strings.Join(parts, "; "))
}
