package transport

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A POST that waits behind another call's Retry-After is not timed out by
// the wait: the attempt's timeout starts when it is sent.
func TestWaitAtTheGateIsNotTheAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.Timeout = 500 * time.Millisecond })
		paused := make(chan struct{})
		var once sync.Once
		mock.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
			first := false
			once.Do(func() { first = true })
			if first {
				defer close(paused)
				r := httpmock.NewStringResponse(429, ``)
				r.Header.Set("Retry-After", "2")
				return r, nil
			}
			return httpmock.NewStringResponse(200, `{}`), nil
		})
		var sentAt time.Time
		mock.RegisterResponder("POST", "https://api.example.com/y", func(*http.Request) (*http.Response, error) {
			sentAt = time.Now()
			return httpmock.NewStringResponse(201, `{}`), nil
		})
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
			done <- err
		}()
		<-paused
		synctest.Wait()
		_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/y", Body: 1}, nil)
		require.NoError(t, err, "2 s at the gate are not 500 ms of attempt")
		assert.Equal(t, 2*time.Second, sentAt.Sub(start))
		require.NoError(t, <-done)
	})
}

// The client's own rate limit is waited out for as long as the context
// allows, whatever the per-attempt timeout.
func TestRateLimitWaitIsBoundedOnlyByTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.RateLimit, c.Burst, c.Timeout = 5, 1, time.Second })
		mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(200, `{}`))
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 12)
		for range 12 {
			wg.Go(func() {
				_, err := c.Do(ctx, &Request{Method: "GET", Path: "/x"}, nil)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
		assert.Equal(t, 12, mock.GetTotalCallCount())
	})
}

// A POST that the context ends while it waits at the gate was never sent:
// it is not an unknown outcome.
func TestAPostStoppedAtTheGateIsNotSent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.RateLimit, c.Burst, c.Timeout = 0.5, 1, 100*time.Millisecond })
		mock.RegisterResponder("POST", "https://api.example.com/y", httpmock.NewStringResponder(201, `{}`))
		_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/y", Body: 1}, nil)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err = c.Do(ctx, &Request{Method: "POST", Path: "/y", Body: 1}, nil)
		var re *RequestError
		require.ErrorAs(t, err, &re)
		assert.False(t, re.Sent)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
}

// The attempt timeout still bounds a server that does not answer.
func TestTheAttemptTimeoutBoundsASlowServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.Timeout = time.Second; c.Retries = -1 })
		mock.RegisterResponder("GET", "https://api.example.com/x", func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		})
		start := time.Now()
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "attempt timed out after 1s")
		assert.Equal(t, time.Second, time.Since(start))
	})
}

func TestRetryAfterTooLargeToParseIsOverTheCap(t *testing.T) {
	for _, v := range []string{"1e400", strings.Repeat("9", 5000)} {
		synctest.Test(t, func(t *testing.T) {
			c, mock := newTestClient(t, nil)
			mock.RegisterResponder("GET", "https://api.example.com/x",
				httpmock.NewStringResponder(429, ``).HeaderSet(http.Header{"Retry-After": {v}}))
			_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
			require.ErrorIs(t, err, ErrRateLimited)
			var re *ResponseError
			require.ErrorAs(t, err, &re)
			assert.True(t, re.OverCap, "%.10s", v)
			assert.Equal(t, 1, mock.GetTotalCallCount(), "%.10s: not retried", v)
		})
	}
}

func TestRetryAfterOfNoTimeUsesTheMinimumBackoff(t *testing.T) {
	for _, v := range []string{"0", "-5", "past"} {
		synctest.Test(t, func(t *testing.T) {
			if v == "past" {
				v = time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
			}
			c, mock := newTestClient(t, func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = 100*time.Millisecond, time.Second })
			var times []time.Time
			mock.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
				times = append(times, time.Now())
				r := httpmock.NewStringResponse(429, ``)
				r.Header.Set("Retry-After", v)
				return r, nil
			})
			_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
			require.ErrorIs(t, err, ErrRateLimited)
			require.Len(t, times, 1+DefaultRetries, v)
			for i := 1; i < len(times); i++ {
				assert.GreaterOrEqual(t, times[i].Sub(times[i-1]), 50*time.Millisecond, "%s: attempt %d came at once", v, i+1)
			}
		})
	}
}

func TestDeleteRetriedAfterAnUnknownOutcomeAnswered404IsDone(t *testing.T) {
	cases := []struct {
		name  string
		first httpmock.Responder
		ok    bool
	}{
		{"reply lost", httpmock.NewErrorResponder(io.ErrUnexpectedEOF), true},
		{"502", httpmock.NewStringResponder(502, ``), true},
		{"429 (not applied)", httpmock.NewStringResponder(429, ``), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				c, mock := newTestClient(t, nil)
				mock.RegisterResponder("DELETE", "https://api.example.com/u/1",
					sequence(tc.first, httpmock.NewStringResponder(404, `{"message":"Not Found"}`)))
				_, err := c.Do(t.Context(), &Request{Method: "DELETE", Path: "/u/1"}, nil)
				if tc.ok {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, ErrNotFound)
				}
				assert.Equal(t, 2, mock.GetTotalCallCount())
			})
		})
	}
	t.Run("404 at once", func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		mock.RegisterResponder("DELETE", "https://api.example.com/u/1", httpmock.NewStringResponder(404, ``))
		_, err := c.Do(t.Context(), &Request{Method: "DELETE", Path: "/u/1"}, nil)
		require.ErrorIs(t, err, ErrNotFound)
	})
}
