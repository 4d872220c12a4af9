package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "sk-test-0123456789abcdef"

// newTestClient returns a client over a fresh mock transport.
func newTestClient(t *testing.T, mut func(*Config)) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	cfg := Config{
		BaseURL: "https://api.example.com", AuthHeader: "x-api-key", Credential: NewSecret(testKey),
		BaseTransport: mock, RetryWaitMin: 10 * time.Millisecond, RetryWaitMax: 50 * time.Millisecond,
	}
	if mut != nil {
		mut(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c, mock
}

func TestNewValidatesConfig(t *testing.T) {
	cases := []struct {
		name, base, key, want string
	}{
		{"plain http", "http://api.example.com", testKey, "must use https"},
		{"relative", "api.example.com", testKey, "must be absolute"},
		{"query", "https://api.example.com/?a=b", testKey, "must not carry"},
		{"user info", "https://u:p@api.example.com", testKey, "must not carry"},
		{"empty key", "https://api.example.com", "", "credential is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Config{BaseURL: tc.base, AuthHeader: "x-api-key", Credential: NewSecret(tc.key)})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "u:p@")
		})
	}
	for _, ok := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:9", "https://x.example.com/base/"} {
		_, err := New(Config{BaseURL: ok, AuthHeader: "x-api-key", Credential: NewSecret(testKey)})
		assert.NoError(t, err, ok)
	}
}

func TestDoSendsShapeAndDecodes(t *testing.T) {
	c, mock := newTestClient(t, func(c *Config) { c.UserAgent = "jcoom-test" })
	mock.RegisterResponder(http.MethodPost, "https://api.example.com/api/things",
		func(r *http.Request) (*http.Response, error) {
			assert.Equal(t, testKey, r.Header.Get("x-api-key"))
			assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			assert.Equal(t, "application/json", r.Header.Get("Accept"))
			assert.Equal(t, "jcoom-test", r.Header.Get("User-Agent"))
			assert.Equal(t, "1", r.URL.Query().Get("a"))
			b, _ := io.ReadAll(r.Body)
			assert.JSONEq(t, `{"n":1}`, string(b))
			return httpmock.NewStringResponse(200, `{"ok":true}`), nil
		})
	var out struct{ OK bool }
	resp, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/api/things", Query: map[string][]string{"a": {"1"}}, Body: map[string]int{"n": 1}}, &out)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.True(t, out.OK)
}

func TestErrorBodyIsReadAndTyped(t *testing.T) {
	c, mock := newTestClient(t, nil)
	mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(404, `{"message":"nope"}`))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 404, re.StatusCode)
	assert.Equal(t, `{"message":"nope"}`, string(re.Body))
	assert.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "nope", DecodeAPIMessage(re.Body).Message)
}

func TestErrorBodyReadIsCapped(t *testing.T) {
	c, mock := newTestClient(t, nil)
	big := strings.Repeat("x", 3*MaxErrorBodyBytes)
	mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(400, big))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
	var re *ResponseError
	require.ErrorAs(t, err, &re)
	assert.Len(t, re.Body, MaxErrorBodyBytes)
}

func TestSuccessBodyIsCapped(t *testing.T) {
	c, mock := newTestClient(t, func(c *Config) { c.MaxBodyBytes = 16 })
	mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(200, `{"a":"0123456789012345678"}`))
	var out map[string]any
	_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, &out)
	require.ErrorIs(t, err, ErrBodyTooLarge)
}

// trackedBody records whether it was closed.
type trackedBody struct {
	io.Reader
	mu     sync.Mutex
	closed bool
}

func (b *trackedBody) Close() error { b.mu.Lock(); b.closed = true; b.mu.Unlock(); return nil }

func TestEveryBodyIsClosed(t *testing.T) {
	c, mock := newTestClient(t, func(c *Config) { c.Retries = 2 })
	var bodies []*trackedBody
	var mu sync.Mutex
	respond := func(code int, s string) httpmock.Responder {
		return func(*http.Request) (*http.Response, error) {
			b := &trackedBody{Reader: strings.NewReader(s)}
			mu.Lock()
			bodies = append(bodies, b)
			mu.Unlock()
			return &http.Response{StatusCode: code, Body: b, Header: http.Header{}}, nil
		}
	}
	mock.RegisterResponder("GET", "https://api.example.com/retry", respond(503, "busy"))
	mock.RegisterResponder("GET", "https://api.example.com/ok", respond(200, `{}`))
	mock.RegisterResponder("GET", "https://api.example.com/nobody", respond(204, ``))
	mock.RegisterResponder("GET", "https://api.example.com/bad", respond(400, `{}`))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/retry"}, nil)
	require.Error(t, err)
	_, err = c.Do(t.Context(), &Request{Method: "GET", Path: "/ok"}, &map[string]any{})
	require.NoError(t, err)
	_, err = c.Do(t.Context(), &Request{Method: "GET", Path: "/nobody"}, nil)
	require.NoError(t, err)
	_, err = c.Do(t.Context(), &Request{Method: "GET", Path: "/bad"}, nil)
	require.Error(t, err)
	require.Len(t, bodies, 6)
	for i, b := range bodies {
		assert.True(t, b.closed, "body %d not closed", i)
	}
}

func TestRetriesIdempotentOnRetryableStatus(t *testing.T) {
	for _, code := range []int{429, 502, 503, 504} {
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			t.Run(fmt.Sprint(method, code), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					c, mock := newTestClient(t, nil)
					mock.RegisterResponder(method, "https://api.example.com/x",
						sequence(httpmock.NewStringResponder(code, `{}`), httpmock.NewStringResponder(code, `{}`), httpmock.NewStringResponder(200, `{}`)))
					_, err := c.Do(t.Context(), &Request{Method: method, Path: "/x"}, nil)
					require.NoError(t, err)
					assert.Equal(t, 3, mock.GetTotalCallCount())
				})
			})
		}
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 500, 501} {
		c, mock := newTestClient(t, nil)
		mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(code, `{}`))
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		require.Error(t, err)
		assert.Equal(t, 1, mock.GetTotalCallCount(), "status %d", code)
	}
}

func TestPostOn503IsNotResent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		mock.RegisterResponder("POST", "https://api.example.com/x", httpmock.NewStringResponder(503, `{"message":"busy"}`))
		mock.RegisterResponder("PATCH", "https://api.example.com/x", httpmock.NewStringResponder(502, `{}`))
		_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/x", Body: map[string]int{"a": 1}}, nil)
		var re *ResponseError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 503, re.StatusCode)
		_, err = c.Do(t.Context(), &Request{Method: "PATCH", Path: "/x", Body: map[string]int{"a": 1}}, nil)
		require.Error(t, err)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
}

func TestPostAfterSendFailureIsNotResent(t *testing.T) {
	c, mock := newTestClient(t, nil)
	mock.RegisterResponder("POST", "https://api.example.com/x", httpmock.NewErrorResponder(io.ErrUnexpectedEOF))
	_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/x", Body: 1}, nil)
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.True(t, re.Sent)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

func TestPostIsRetriedWhenDialFailed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		dial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
		mock.RegisterResponder("POST", "https://api.example.com/x",
			sequence(httpmock.NewErrorResponder(dial), httpmock.NewErrorResponder(dial), httpmock.NewStringResponder(200, `{}`)))
		_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/x", Body: 1}, nil)
		require.NoError(t, err)
		assert.Equal(t, 3, mock.GetTotalCallCount())
	})
}

func TestIdempotentPostIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		mock.RegisterResponder("POST", "https://api.example.com/unlock",
			httpmock.NewStringResponder(503, ``).Then(httpmock.NewStringResponder(200, ``)))
		_, err := c.Do(t.Context(), &Request{Method: "POST", Path: "/unlock", Idempotent: true}, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
}

func TestRetryAfterSevenSecondsWaitsExactlySeven(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		var times []time.Time
		mock.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
			times = append(times, time.Now())
			if len(times) == 1 {
				r := httpmock.NewStringResponse(429, `{"message":"slow down"}`)
				r.Header.Set("Retry-After", "7")
				return r, nil
			}
			return httpmock.NewStringResponse(200, `{}`), nil
		})
		start := time.Now()
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		require.NoError(t, err)
		require.Len(t, times, 2)
		assert.Equal(t, 7*time.Second, times[1].Sub(times[0]))
		assert.Equal(t, 7*time.Second, time.Since(start))
	})
}

func TestRetryAfterHTTPDateIsHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		calls := 0
		mock.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
			calls++
			if calls == 1 {
				r := httpmock.NewStringResponse(429, ``)
				r.Header.Set("Retry-After", time.Now().Add(12*time.Second).UTC().Format(http.TimeFormat))
				return r, nil
			}
			return httpmock.NewStringResponse(200, `{}`), nil
		})
		start := time.Now()
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		require.NoError(t, err)
		elapsed := time.Since(start)
		// HTTP dates have whole seconds, so the wait is 11 to 12 s.
		assert.True(t, elapsed > 11*time.Second && elapsed <= 12*time.Second, "waited %s", elapsed)
	})
}

func TestOverCapRetryAfterFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.MaxRetryAfter = 30 * time.Second })
		r := httpmock.NewStringResponder(429, `{"message":"quota"}`).HeaderSet(http.Header{"Retry-After": {"3600"}})
		mock.RegisterResponder("GET", "https://api.example.com/x", r)
		start := time.Now()
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		assert.Zero(t, time.Since(start))
		require.ErrorIs(t, err, ErrRateLimited)
		var re *ResponseError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, time.Hour, re.RetryAfter)
		assert.True(t, re.OverCap)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
}

func TestRetriesStopOnContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.Retries = 10; c.RetryWaitMin = time.Second; c.RetryWaitMax = time.Second })
		mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(503, ``))
		ctx, cancel := context.WithTimeout(t.Context(), 2500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.Do(ctx, &Request{Method: "GET", Path: "/x"}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 2500*time.Millisecond, time.Since(start))
		assert.LessOrEqual(t, mock.GetTotalCallCount(), 5, "backoff is at least 500ms, so at most 5 attempts fit in 2.5s of 11 allowed")
	})
}

func Test429PausesOtherGoroutines(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, nil)
		first := make(chan struct{})
		var mu sync.Mutex
		var otherAt time.Time
		mock.RegisterResponder("GET", "https://api.example.com/a", func(*http.Request) (*http.Response, error) {
			select {
			case <-first:
				return httpmock.NewStringResponse(200, `{}`), nil
			default:
				close(first)
				r := httpmock.NewStringResponse(429, ``)
				r.Header.Set("Retry-After", "10")
				return r, nil
			}
		})
		mock.RegisterResponder("GET", "https://api.example.com/b", func(*http.Request) (*http.Response, error) {
			mu.Lock()
			otherAt = time.Now()
			mu.Unlock()
			return httpmock.NewStringResponse(200, `{}`), nil
		})
		start := time.Now()
		var wg sync.WaitGroup
		wg.Go(func() { _, _ = c.Do(t.Context(), &Request{Method: "GET", Path: "/a"}, nil) })
		<-first
		synctest.Wait() // goroutine a now sleeps in its Retry-After backoff
		wg.Go(func() { _, _ = c.Do(t.Context(), &Request{Method: "GET", Path: "/b"}, nil) })
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, 10*time.Second, otherAt.Sub(start), "the other goroutine waited for the reset")
	})
}

func TestClientSideRateLimitAppliesToEveryAttempt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) {
			c.RateLimit, c.Burst = 2, 1
			c.RetryWaitMin, c.RetryWaitMax = time.Millisecond, time.Millisecond
		})
		var times []time.Time
		mock.RegisterResponder("GET", "https://api.example.com/x", func(*http.Request) (*http.Response, error) {
			times = append(times, time.Now())
			if len(times) < 4 {
				return httpmock.NewStringResponse(502, ``), nil
			}
			return httpmock.NewStringResponse(200, `{}`), nil
		})
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		require.NoError(t, err)
		require.Len(t, times, 4)
		for i := 1; i < len(times); i++ {
			assert.GreaterOrEqual(t, times[i].Sub(times[i-1]), 500*time.Millisecond-time.Microsecond, "attempt %d", i+1) // rate uses float math
		}
	})
}

func TestRateLimitWaitPastDeadlineIsDeadlineExceeded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.RateLimit, c.Burst = 0.1, 1 })
		mock.RegisterResponder("GET", "https://api.example.com/x", httpmock.NewStringResponder(200, `{}`))
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err = c.Do(ctx, &Request{Method: "GET", Path: "/x"}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
}

func TestRedirectToAnotherHostNeverCarriesKey(t *testing.T) {
	var mu sync.Mutex
	var seenByB []string
	b := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seenByB = append(seenByB, r.Header.Get("x-api-key"))
		mu.Unlock()
		_, _ = w.Write([]byte(`{}`))
	}))
	defer b.Close()
	a := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != testKey {
			w.WriteHeader(401)
			return
		}
		http.Redirect(w, r, b.URL+"/stolen", http.StatusFound)
	}))
	defer a.Close()
	c, err := New(Config{BaseURL: a.URL, AuthHeader: "x-api-key", Credential: NewSecret(testKey), Retries: -1})
	require.NoError(t, err)
	_, err = c.Do(t.Context(), &Request{Method: "GET", Path: "/x"}, nil)
	require.ErrorIs(t, err, ErrRedirectRefused)
	mu.Lock()
	defer mu.Unlock()
	for _, k := range seenByB {
		assert.Empty(t, k, "server B saw the API key")
	}
	assert.Empty(t, seenByB, "the cross-host redirect was not followed")
}

func TestAuthHeaderOnlyForConfiguredHost(t *testing.T) {
	rt := &authRoundTripper{host: "api.example.com", header: "x-api-key", credential: NewSecret(testKey),
		next: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(r.Header.Get("x-api-key")))}, nil
		})}
	for host, want := range map[string]string{"api.example.com": testKey, "evil.example.net": "", "api.example.com.evil.net": ""} {
		req, _ := http.NewRequest("GET", "https://"+host+"/x", nil)
		req.Header.Set("x-api-key", "planted")
		resp, err := rt.RoundTrip(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		assert.Equal(t, want, string(b), host)
	}
}

// sequence answers with each responder once, in order, then repeats the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	n := 0
	return func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		i := min(n, len(rs)-1)
		n++
		mu.Unlock()
		return rs[i](r)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestRedirectPolicy(t *testing.T) {
	mk := func(u string) *http.Request { r, _ := http.NewRequest("GET", u, nil); return r }
	assert.NoError(t, checkRedirect(mk("https://a.example.com/2"), []*http.Request{mk("https://a.example.com/1")}))
	assert.ErrorIs(t, checkRedirect(mk("http://a.example.com/2"), []*http.Request{mk("https://a.example.com/1")}), ErrRedirectRefused)
	assert.ErrorIs(t, checkRedirect(mk("https://b.example.com/2"), []*http.Request{mk("https://a.example.com/1")}), ErrRedirectRefused)
	via := make([]*http.Request, 10)
	for i := range via {
		via[i] = mk("https://a.example.com/1")
	}
	assert.ErrorIs(t, checkRedirect(mk("https://a.example.com/2"), via), ErrRedirectRefused)
}

func TestLogsCarryNoQueryHeadersOrKey(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	synctest.Test(t, func(t *testing.T) {
		c, mock := newTestClient(t, func(c *Config) { c.Logger = log })
		mock.RegisterResponder("GET", "https://api.example.com/x",
			httpmock.NewStringResponder(503, `{"secret-body":"`+testKey+`"}`).Once().Then(httpmock.NewStringResponder(200, `{}`)))
		_, err := c.Do(t.Context(), &Request{Method: "GET", Path: "/x", Query: map[string][]string{"filter": {"email:$eq:ada@example.com"}}}, nil)
		require.NoError(t, err)
	})
	out := buf.String()
	assert.Contains(t, out, `"path":"/x"`)
	assert.Contains(t, out, `"status":503`)
	assert.Contains(t, out, `"attempt":2`)
	assert.NotContains(t, out, "ada@example.com")
	assert.NotContains(t, out, testKey)
	assert.NotContains(t, out, "secret-body")
}

func TestSecretNeverPrints(t *testing.T) {
	s := NewSecret(testKey)
	holder := struct {
		Public  Secret
		private Secret
	}{s, s}
	j, err := json.Marshal(holder)
	require.NoError(t, err)
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "secret", s, "holder", holder)
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", holder, holder, holder), fmt.Sprintf("%+v", &holder),
		string(j), buf.String(),
	} {
		assert.NotContains(t, out, testKey)
	}
	assert.Equal(t, "[redacted]", s.String())
	assert.Equal(t, testKey, s.Reveal())
}
