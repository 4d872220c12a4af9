package sync

import (
	"errors"
	"time"

	"github.com/jcoom/jcoom/internal/transport"
	"github.com/jcoom/jcoom/mapping"
)

// Retryable reports whether running the same step again (a Plan, an
// Apply, a Run) can succeed, for schedulers that decide whether to retry:
// true for rate limits, 408 and 5xx replies, connection failures and
// timeouts, unexpected replies, incomplete listings and reads
// (ErrIncompleteRead) and records that failed (ErrPartial: apply re-checks
// every record, so a retry writes none twice); false for a draft mapping
// (*mapping.ValidationError), a refused plan (ErrPlanMismatch), a
// threshold stop (ErrThresholdExceeded, which needs a person), other 4xx
// replies (input, credentials, permissions), a cancelled context, and
// errors it does not know.
func Retryable(err error) bool {
	var ve *mapping.ValidationError
	switch {
	case err == nil, errors.As(err, &ve), errors.Is(err, ErrPlanMismatch), errors.Is(err, ErrThresholdExceeded),
		errors.Is(err, mapping.ErrOverBudget):
		return false
	case transport.Retryable(err):
		return true
	case errors.Is(err, ErrIncompleteRead), errors.Is(err, ErrPartial):
		return true
	}
	return false
}

// RetryAfter returns the wait a server asked for (a Retry-After, or a
// client's pause after a 429) when err carries one.
func RetryAfter(err error) (time.Duration, bool) { return transport.RetryAfter(err) }
