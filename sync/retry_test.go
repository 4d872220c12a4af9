package sync_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
	jcsync "github.com/jcoom/jcoom/sync"
)

func TestRetryableSaysWhetherARetryCanHelp(t *testing.T) {
	w := newWorld(t, 10, worldOpts{})
	// A draft mapping: no retry helps.
	_, err := jcsync.New(w.jc, w.oc, mapping.Standard())
	require.Error(t, err)
	assert.False(t, jcsync.Retryable(err), err)

	// A 429 storm with Retry-After beyond the client's patience: retry later.
	s := w.syncer(t, standard())
	require.NoError(t, w.osrv.InjectTooManyRequests("GET /api/v3/users/meta", "120"))
	_, err = s.Plan(t.Context())
	require.Error(t, err)
	assert.True(t, jcsync.Retryable(err), err)
	d, ok := jcsync.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, 120*time.Second, d)

	assert.True(t, jcsync.Retryable(fmt.Errorf("apply: %w", jcsync.ErrPartial)))
	assert.True(t, jcsync.Retryable(jcsync.ErrIncompleteRead))
	assert.False(t, jcsync.Retryable(fmt.Errorf("%w: 12 users", jcsync.ErrThresholdExceeded)))
	assert.False(t, jcsync.Retryable(jcsync.ErrPlanMismatch))
	assert.False(t, jcsync.Retryable(context.Canceled))
	assert.False(t, jcsync.Retryable(errors.New("something else")))
	assert.False(t, jcsync.Retryable(nil))
}
