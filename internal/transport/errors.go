package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors shared by every jcoom API client. The clients re-export
// them (jumpcloud.ErrNotFound is transport.ErrNotFound), so errors.Is works
// the same against either package.
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrForbidden    = errors.New("forbidden")
	ErrConflict     = errors.New("conflict")
	ErrRateLimited  = errors.New("rate limited")
	// ErrOutcomeUnknown matches a failed write that may nevertheless have
	// been applied: its bytes left the client and no reply said whether
	// the server acted (a timeout, a reset, a 5xx). Read before writing
	// again.
	ErrOutcomeUnknown = errors.New("outcome unknown: the request may have been applied")
	// ErrUnexpectedReply matches a 2xx reply that does not answer what was
	// asked: an error object, an empty body, a record without an id or
	// with another id than the one requested.
	ErrUnexpectedReply = errors.New("unexpected reply")
)

// UnexpectedReply is the error for a 2xx reply that does not answer the
// request. A write with such a reply may have been applied, so for a write
// it matches ErrOutcomeUnknown.
func UnexpectedReply(api, method, path, format string, args ...any) *RequestError {
	return &RequestError{
		API: api, Method: method, Path: path, Sent: true, Attempts: 1,
		Err: fmt.Errorf("%w: %s", ErrUnexpectedReply, fmt.Sprintf(format, args...)),
	}
}

// errNotSent marks a failure that happened before anything was sent (the
// client's own pause gate or rate limiter).
var errNotSent = errors.New("not sent")

// ResponseError is a non-2xx reply. The clients convert it to their own
// typed error.
type ResponseError struct {
	Method, Path string
	StatusCode   int
	Status       string
	Header       http.Header
	// Body holds at most MaxErrorBodyBytes of the reply.
	Body []byte
	// RetryAfter is the parsed Retry-After, if any.
	RetryAfter time.Duration
	// OverCap is true when RetryAfter exceeded the configured cap, so the
	// client returned at once instead of waiting.
	OverCap  bool
	Attempts int
}

func newResponseError(method, path string, resp *http.Response, maxRetryAfter time.Duration) *ResponseError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBodyBytes))
	re := &ResponseError{
		Method: method, Path: path,
		StatusCode: resp.StatusCode, Status: resp.Status,
		Header: resp.Header.Clone(), Body: body, Attempts: 1,
	}
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		re.RetryAfter = d
		re.OverCap = d > maxRetryAfter
	}
	return re
}

func (e *ResponseError) Error() string {
	msg := fmt.Sprintf("%s %s: %s", e.Method, e.Path, e.Status)
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return msg
}

// OutcomeUnknown reports whether a write may have been applied although
// it failed: a 5xx to anything but a read.
func (e *ResponseError) OutcomeUnknown() bool {
	return e.StatusCode >= 500 && !safeMethod(e.Method)
}

// Sentinel returns the sentinel that matches the status code, or nil.
func (e *ResponseError) Sentinel() error { return SentinelFor(e.StatusCode) }

// SentinelFor maps an HTTP status to a sentinel error (nil when none fits).
func SentinelFor(code int) error {
	switch code {
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusConflict:
		return ErrConflict
	case http.StatusTooManyRequests:
		return ErrRateLimited
	}
	return nil
}

// Is makes errors.Is(err, ErrNotFound) and friends work, and
// ErrOutcomeUnknown for a 5xx to a write.
func (e *ResponseError) Is(target error) bool {
	if target == ErrOutcomeUnknown {
		return e.OutcomeUnknown()
	}
	s := e.Sentinel()
	return s != nil && target == s
}

// safeMethod reports whether a method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// RateLimitError is returned without sending (or without waiting) when the
// client is paused for longer than the Retry-After cap.
type RateLimitError struct {
	Method, Path string
	RetryAfter   time.Duration
	Err          error
}

func (e *RateLimitError) Error() string {
	msg := fmt.Sprintf("rate limited: retry after %s", e.RetryAfter.Round(time.Millisecond))
	if e.Method != "" {
		msg = e.Method + " " + e.Path + ": " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *RateLimitError) Unwrap() error { return e.Err }

// Is matches ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// RequestError is a failure that produced no usable reply: a connection
// error, a timeout, a refused redirect or an unreadable body. It matches
// ErrOutcomeUnknown when the request was a write and may have been
// applied.
type RequestError struct {
	// API names the client ("jumpcloud", "oomnitza") in the message.
	API          string
	Method, Path string
	Err          error
	// Sent is false only when the request certainly never left the client
	// (a dial failure, or a wait at the client's own rate limit), so it is
	// safe to send again.
	Sent bool
	// Attempts is how many times the request was tried.
	Attempts int
}

func (e *RequestError) Error() string {
	var b strings.Builder
	if e.API != "" {
		b.WriteString(e.API + ": ")
	}
	fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "after %d attempts: ", e.Attempts)
	}
	fmt.Fprintf(&b, "%v", e.Err)
	if e.OutcomeUnknown() {
		b.WriteString(" (the request may have been applied)")
	} else if !e.Sent {
		b.WriteString(" (nothing was sent)")
	}
	return b.String()
}

// OutcomeUnknown reports whether a write may have been applied.
func (e *RequestError) OutcomeUnknown() bool { return e.Sent && !safeMethod(e.Method) }

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown when the write may have been applied.
func (e *RequestError) Is(target error) bool {
	return target == ErrOutcomeUnknown && e.OutcomeUnknown()
}

// ParseRetryAfter parses a Retry-After value: delta seconds (decimals are
// tolerated) or an HTTP date in any format http.ParseTime accepts. Negative
// values and past dates give 0; a number too large to represent gives the
// longest duration (over any cap). ok is false when the value is absent or
// cannot be parsed.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case math.IsInf(f, 1) && err != nil:
			// A number too large to represent (1e400, thousands of
			// digits): longer than any cap.
			return time.Duration(math.MaxInt64), true
		case math.IsNaN(f), math.IsInf(f, 0) && err == nil:
			return 0, false // "NaN", "Inf": not a number of seconds
		}
		if f <= 0 {
			return 0, true
		}
		if f > float64(math.MaxInt64/int64(time.Second)) {
			return time.Duration(math.MaxInt64), true
		}
		return time.Duration(f * float64(time.Second)), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d := t.Sub(now); d > 0 {
		return d, true
	}
	return 0, true
}

// APIMessage is the common shape of both vendors' error bodies.
type APIMessage struct {
	Code    any               `json:"code"`
	Message string            `json:"message"`
	Error   string            `json:"error"`
	Detail  string            `json:"detail"`
	Status  string            `json:"status"`
	Details []json.RawMessage `json:"details"`
	Errors  json.RawMessage   `json:"errors"`
}

// DecodeAPIMessage decodes an error body leniently; a body that is not JSON
// yields its first 200 characters as the message.
func DecodeAPIMessage(body []byte) APIMessage {
	var m APIMessage
	if err := json.Unmarshal(body, &m); err != nil {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		return APIMessage{Message: s}
	}
	if m.Message == "" && m.Error != "" {
		m.Message = m.Error
	}
	if m.Message == "" && m.Detail != "" {
		m.Message = m.Detail
	}
	if m.Message == "" && len(m.Errors) > 0 {
		// Oomnitza-style {"errors": ["...", "..."]} or {"errors": {"field": "..."}}.
		var list []string
		var byField map[string]any
		switch {
		case json.Unmarshal(m.Errors, &list) == nil:
			m.Message = strings.Join(list, "; ")
		case json.Unmarshal(m.Errors, &byField) == nil:
			keys := make([]string, 0, len(byField))
			for k := range byField {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = fmt.Sprintf("%s: %v", k, byField[k])
			}
			m.Message = strings.Join(parts, "; ")
		}
	}
	return m
}

// ErrMultipleMatches matches a look-up that expected one record and found
// several.
var ErrMultipleMatches = errors.New("more than one match")

// MatchError is a look-up by a field value (GetByEmail, GetByUsername,
// GetByField) that did not find exactly one record. No request failed:
// the server answered, and the answer held Count records. It matches
// ErrNotFound when Count is 0 and ErrMultipleMatches when it is above 1.
type MatchError struct {
	// API names the client ("jumpcloud", "oomnitza").
	API string
	// What names the records, e.g. "user" or "administrator".
	What         string
	Field, Value string
	Count        int
}

func (e *MatchError) Error() string {
	if e.Count == 0 {
		return fmt.Sprintf("%s: no %s has %s %q", e.API, e.What, e.Field, e.Value)
	}
	return fmt.Sprintf("%s: %d %ss have %s %q; expected one", e.API, e.Count, e.What, e.Field, e.Value)
}

// Is matches ErrNotFound (none) or ErrMultipleMatches (several).
func (e *MatchError) Is(target error) bool {
	return e.Count == 0 && target == ErrNotFound || e.Count > 1 && target == ErrMultipleMatches
}
