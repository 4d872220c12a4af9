package orgsync

import (
	"context"
	"errors"

	"go.temporal.io/sdk/temporal"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/sync"
)

// The Type of the application errors the activities return, for
// RetryPolicy.NonRetryableErrorTypes and for alerting.
const (
	ErrTypeDraftMapping      = "DraftMapping"      // the mapping is incomplete or does not fit the instance
	ErrTypePlanMismatch      = "PlanMismatch"      // a plan applied to another tenant or mapping
	ErrTypeThresholdExceeded = "ThresholdExceeded" // a deprovision stop: a person must look
	ErrTypeInvalidInput      = "InvalidInput"      // an OrgRef or other input is wrong, or a 4xx reply
	ErrTypeRateLimited       = "RateLimited"       // a 429; retried after Retry-After
	ErrTypeIncompleteRead    = "IncompleteRead"    // JumpCloud could not be read completely; retried
	ErrTypeRecordsFailed     = "RecordsFailed"     // some records failed and a retry can help; retried
	ErrTypeUnavailable       = "Unavailable"       // 5xx, timeouts, connection failures; retried
	ErrTypeRecordsRefused    = "RecordsRefused"    // the run finished, some records failed for good
)

// NonRetryable lists the error types Temporal must not retry; SyncOrg's
// retry policies carry it too, so a draft is never retried even by a
// worker of an older version.
var nonRetryable = []string{ErrTypeDraftMapping, ErrTypePlanMismatch, ErrTypeThresholdExceeded, ErrTypeInvalidInput, ErrTypeRecordsRefused}

// classify turns an SDK error into a Temporal application error that
// says whether a retry can help (sync.Retryable), and after how long
// when the server said so. Cancellation passes through unchanged.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !sync.Retryable(err) {
		return err
	}
	if !sync.Retryable(err) {
		var ve *mapping.ValidationError
		typ := ErrTypeInvalidInput
		switch {
		case errors.As(err, &ve):
			typ = ErrTypeDraftMapping
		case errors.Is(err, sync.ErrPlanMismatch):
			typ = ErrTypePlanMismatch
		case errors.Is(err, sync.ErrThresholdExceeded):
			typ = ErrTypeThresholdExceeded
		}
		return temporal.NewNonRetryableApplicationError(err.Error(), typ, nil)
	}
	typ := ErrTypeUnavailable
	switch {
	case errors.Is(err, sync.ErrPartial):
		typ = ErrTypeRecordsFailed
	case errors.Is(err, sync.ErrIncompleteRead):
		typ = ErrTypeIncompleteRead
	}
	var opts temporal.ApplicationErrorOptions
	if d, ok := sync.RetryAfter(err); ok {
		typ, opts.NextRetryDelay = ErrTypeRateLimited, d
	}
	return temporal.NewApplicationErrorWithOptions(err.Error(), typ, opts)
}

// storeErr classifies a BlobStore error: a missing blob cannot appear on
// a retry; anything else (a full disk, a network volume away) may pass.
func storeErr(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, ErrNotFound) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, nil)
	}
	return temporal.NewApplicationError(err.Error(), ErrTypeUnavailable)
}
