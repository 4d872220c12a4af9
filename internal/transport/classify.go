package transport

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/jcoom/jcoom/internal/paging"
)

// Retryable reports whether making the same call again later can succeed:
// true for a 408, 429 or 5xx reply, a stop at the client's rate limit or
// behind a 429 pause, a connection failure or timeout (RequestError), a
// reply that did not answer the request (ErrUnexpectedReply), a listing
// that could not be read consistently (paging.ErrIncomplete) and an
// expired deadline; false for other 4xx replies (bad input, credentials,
// permissions, conflicts), refused redirects, TLS certificate failures, a
// cancelled context, and errors this package does not know. A write that
// may have been applied is retryable only by a caller that checks first,
// as sync's apply does.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var (
		re *ResponseError
		rl *RateLimitError
		rq *RequestError
	)
	switch {
	case errors.As(err, &re):
		return re.StatusCode == http.StatusRequestTimeout || re.StatusCode == http.StatusTooManyRequests || re.StatusCode >= 500
	case errors.As(err, &rl):
		return true
	case errors.Is(err, ErrRedirectRefused), permanentTransportError(err):
		return false
	case errors.As(err, &rq), errors.Is(err, ErrUnexpectedReply), errors.Is(err, paging.ErrIncomplete),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, errLimiterWait):
		return true
	}
	return false
}

// RetryAfter returns how long the server asked the caller to wait (its
// Retry-After, or the client's pause after a 429), when err says so.
func RetryAfter(err error) (time.Duration, bool) {
	var (
		re *ResponseError
		rl *RateLimitError
	)
	switch {
	case errors.As(err, &rl):
		return rl.RetryAfter, true
	case errors.As(err, &re) && re.RetryAfter > 0:
		return re.RetryAfter, true
	}
	return 0, false
}
