package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"golang.org/x/time/rate"

	"github.com/jcoom/jcoom/internal/paging"
)

func TestRetryableClassifiesReplies(t *testing.T) {
	cases := []struct {
		status int
		header string
		want   bool
		after  time.Duration
	}{
		{400, "", false, 0}, {401, "", false, 0}, {403, "", false, 0}, {404, "", false, 0}, {409, "", false, 0},
		{408, "", true, 0}, {429, "7", true, 7 * time.Second}, {500, "", true, 0}, {502, "", true, 0}, {503, "2", true, 2 * time.Second},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			c, mock := newTestClient(t, func(c *Config) { c.Retries, c.RetriesSet = 0, true })
			mock.RegisterResponder(http.MethodGet, "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
				r := httpmock.NewStringResponse(tc.status, `{}`)
				if tc.header != "" {
					r.Header.Set("Retry-After", tc.header)
				}
				return r, nil
			})
			_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
			assert.Error(t, err)
			assert.Equal(t, tc.want, Retryable(err), err)
			wrapped := fmt.Errorf("reading users: %w", err)
			assert.Equal(t, tc.want, Retryable(wrapped), "wrapped")
			d, ok := RetryAfter(wrapped)
			assert.Equal(t, tc.after, d)
			assert.Equal(t, tc.after > 0, ok)
		})
	}
}

func TestRetryableClassifiesOtherFailures(t *testing.T) {
	c, mock := newTestClient(t, func(c *Config) { c.Retries, c.RetriesSet = 0, true })
	mock.RegisterResponder(http.MethodGet, "https://api.example.com/reset", httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/reset"}, nil)
	assert.True(t, Retryable(err), "a connection failure: %v", err)

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = c.Do(cancelled, &Request{Method: "GET", Path: "/reset"}, nil)
	assert.False(t, Retryable(err), "a cancelled context: %v", err)

	assert.True(t, Retryable(&RateLimitError{RetryAfter: time.Minute}))
	d, ok := RetryAfter(&RateLimitError{RetryAfter: time.Minute})
	assert.True(t, ok)
	assert.Equal(t, time.Minute, d)
	assert.True(t, Retryable(fmt.Errorf("users: %w: short page", paging.ErrIncomplete)))
	assert.True(t, Retryable(context.DeadlineExceeded))
	assert.False(t, Retryable(fmt.Errorf("x: %w", ErrRedirectRefused)))
	assert.False(t, Retryable(errors.New("mapping: a draft")))
	assert.False(t, Retryable(nil))
}

// TestSharedLimiterPausesEveryClient: a 429 seen by one client holds back
// another client that shares its Limiter.
func TestSharedLimiterPausesEveryClient(t *testing.T) {
	lim := NewLimiter(rate.Inf, 1)
	a, mockA := newTestClient(t, func(c *Config) { c.Limiter = lim; c.Retries, c.RetriesSet = 0, true })
	b, _ := newTestClient(t, func(c *Config) { c.Limiter = lim; c.MaxRetryAfter = time.Second })
	mockA.RegisterResponder(http.MethodGet, "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(429, `{}`)
		r.Header.Set("Retry-After", "30")
		return r, nil
	})
	_, err := a.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
	assert.Error(t, err)
	assert.WithinDuration(t, time.Now().Add(30*time.Second), lim.PausedUntil(), 5*time.Second)
	// b's cap (1s) is below the shared pause: it fails at once, sending nothing.
	_, err = b.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
	var rl *RateLimitError
	assert.ErrorAs(t, err, &rl)

	_, err = New(Config{BaseURL: "https://api.example.com", AuthHeader: "x", Credential: NewSecret(testKey), Limiter: lim, RateLimit: 5})
	assert.ErrorContains(t, err, "not both")
}
