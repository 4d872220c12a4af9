package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"golang.org/x/time/rate"
)

// Defaults used when a Config leaves a value at zero.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultRetries       = 5
	DefaultMaxRetryAfter = 60 * time.Second
	DefaultMaxBodyBytes  = 64 << 20
	DefaultRetryWaitMin  = 500 * time.Millisecond
	DefaultRetryWaitMax  = 30 * time.Second
	// MaxErrorBodyBytes is how much of an error response body is read.
	MaxErrorBodyBytes = 1 << 20
)

// Config describes one API client's transport. The zero value of every
// optional field selects the documented default.
type Config struct {
	// BaseURL is the API host root, e.g. https://console.jumpcloud.com.
	// It must be https unless the host is a loopback address.
	BaseURL string
	// AuthHeader is the name of the header that carries Credential.
	AuthHeader string
	// Credential is attached only to requests for BaseURL's host.
	Credential Secret
	// BaseTransport is the innermost RoundTripper; nil means a clone of
	// http.DefaultTransport.
	BaseTransport http.RoundTripper
	// RateLimit and Burst configure the client-side token bucket; a zero
	// RateLimit means no limit (rate.Inf).
	RateLimit rate.Limit
	Burst     int
	// Retries is the number of retries after the first attempt. Negative
	// means zero retries; zero means DefaultRetries unless RetriesSet.
	Retries    int
	RetriesSet bool
	// Timeout bounds each attempt.
	Timeout time.Duration
	// MaxRetryAfter caps how long a Retry-After is honoured; past it the
	// call fails at once with a rate-limit error.
	MaxRetryAfter time.Duration
	// RetryWaitMin and RetryWaitMax bound the jittered exponential backoff.
	RetryWaitMin, RetryWaitMax time.Duration
	// MaxBodyBytes caps successful response bodies.
	MaxBodyBytes int64
	// Logger receives one record per attempt; nil discards.
	Logger *slog.Logger
	// UserAgent is sent on every request.
	UserAgent string
}

// Client is the shared HTTP machinery of one API client: retries, rate
// limit, pause gate, redirects, auth and logging.
type Client struct {
	base        *url.URL
	authHeader  string
	credential  Secret
	userAgent   string
	logger      *slog.Logger
	maxRetryAft time.Duration
	maxBody     int64
	gate        *gate
	retry       *retryablehttp.Client
}

// New validates cfg and builds a Client. It does no I/O.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.AuthHeader == "" {
		return nil, errors.New("transport: AuthHeader is empty")
	}
	if cfg.Credential.IsZero() {
		return nil, errors.New("transport: credential is empty")
	}
	c := &Client{
		base:        base,
		authHeader:  cfg.AuthHeader,
		credential:  cfg.Credential,
		userAgent:   cfg.UserAgent,
		logger:      cfg.Logger,
		maxRetryAft: cfg.MaxRetryAfter,
		maxBody:     cfg.MaxBodyBytes,
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if c.maxRetryAft <= 0 {
		c.maxRetryAft = DefaultMaxRetryAfter
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	limit := cfg.RateLimit
	if limit <= 0 {
		limit = rate.Inf
	}
	burst := cfg.Burst
	if burst < 1 {
		burst = 1
	}
	c.gate = &gate{limiter: rate.NewLimiter(limit, burst), maxWait: c.maxRetryAft}

	inner := cfg.BaseTransport
	if inner == nil {
		inner = http.DefaultTransport.(*http.Transport).Clone()
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	retries := cfg.Retries
	if !cfg.RetriesSet && retries == 0 {
		retries = DefaultRetries
	}
	if retries < 0 {
		retries = 0
	}
	waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
	if waitMin <= 0 {
		waitMin = DefaultRetryWaitMin
	}
	if waitMax <= 0 {
		waitMax = DefaultRetryWaitMax
	}
	httpClient := &http.Client{
		Timeout:       timeout,
		CheckRedirect: checkRedirect,
		Transport: &limitRoundTripper{gate: c.gate, next: &authRoundTripper{
			host: base.Host, header: c.authHeader, credential: c.credential, next: inner,
		}},
	}
	c.retry = &retryablehttp.Client{
		HTTPClient:      httpClient,
		RetryWaitMin:    waitMin,
		RetryWaitMax:    waitMax,
		RetryMax:        retries,
		CheckRetry:      c.checkRetry,
		Backoff:         c.backoff,
		ErrorHandler:    c.errorHandler,
		RequestLogHook:  c.logRequest,
		ResponseLogHook: c.logResponse,
	}
	return c, nil
}

// ParseBaseURL checks that raw is an absolute https URL (http is allowed for
// loopback hosts only) with no query, fragment or credentials.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		return nil, fmt.Errorf("transport: base URL %q is not a URL: %w", raw, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("transport: base URL %q must be absolute, like https://host", raw)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("transport: base URL %q must use https (plain http is allowed only for loopback hosts)", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("transport: base URL %q must not carry credentials, a query or a fragment", u.Redacted())
	}
	return u, nil
}

// IsLoopback reports whether host (no port) is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns a copy of the configured base URL.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Request is one API call.
type Request struct {
	Method string
	// Path is the escaped path below the base URL, starting with "/".
	Path   string
	Query  url.Values
	Header http.Header
	// Body, when non-nil, is sent as JSON.
	Body any
	// Idempotent lets a POST or PATCH be retried like a PUT; set it only
	// for calls whose effect converges (unlock, expire).
	Idempotent bool
}

// Response describes a successful reply.
type Response struct {
	StatusCode int
	Header     http.Header
}

type ctxKey struct{}

// callInfo travels in the request context so that the retry policy, which
// does not see the request, knows the method.
type callInfo struct {
	method     string
	idempotent bool
}

// Do sends r and decodes a 2xx JSON body into out (when out is non-nil and
// the body is not empty). A non-2xx reply is a *ResponseError; a failure that
// produced no reply is a *RequestError. Every body is drained and closed.
func (c *Client) Do(ctx context.Context, r *Request, out any) (*Response, error) {
	var body []byte
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("transport: encoding %s %s body: %w", r.Method, r.Path, err)
		}
		body = b
	}
	u := *c.base
	u.Path = strings.TrimRight(c.base.Path, "/") + r.Path
	u.RawPath = ""
	if p, err := url.PathUnescape(u.Path); err == nil && p != u.Path {
		u.RawPath, u.Path = u.Path, p
	}
	if len(r.Query) > 0 {
		u.RawQuery = r.Query.Encode()
	}
	ctx = context.WithValue(ctx, ctxKey{}, callInfo{method: r.Method, idempotent: r.Idempotent || idempotent(r.Method)})
	var raw any
	if body != nil {
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), raw)
	if err != nil {
		return nil, fmt.Errorf("transport: building %s %s: %w", r.Method, r.Path, err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.retry.Do(req)
	if err != nil {
		return nil, c.wrapErr(r.Method, r.Path, err)
	}
	defer drainClose(resp.Body)
	if resp.StatusCode >= 300 {
		return nil, newResponseError(r.Method, r.Path, resp, c.maxRetryAft)
	}
	out2 := &Response{StatusCode: resp.StatusCode, Header: resp.Header}
	if out == nil {
		return out2, nil
	}
	lb := &limitedBody{r: resp.Body, left: c.maxBody}
	data, err := io.ReadAll(lb)
	if err != nil {
		return nil, &RequestError{Method: r.Method, Path: r.Path, Err: fmt.Errorf("reading response body: %w", err), Sent: true}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return out2, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return nil, &RequestError{Method: r.Method, Path: r.Path, Err: fmt.Errorf("decoding response body: %w", err), Sent: true}
	}
	return out2, nil
}

// wrapErr turns what retryablehttp returned into a typed error whose text
// holds the method and path but never the query string.
func (c *Client) wrapErr(method, path string, err error) error {
	var re *ResponseError
	if errors.As(err, &re) {
		re.Method, re.Path = method, path
		return re
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		rl.Method, rl.Path = method, path
		return rl
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &RequestError{Method: method, Path: path, Err: err, Sent: !isDialError(err)}
}

func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, MaxErrorBodyBytes))
	_ = body.Close()
}

// ErrBodyTooLarge is returned when a successful body exceeds the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the configured limit")

type limitedBody struct {
	r    io.Reader
	left int64
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// checkRedirect follows redirects only on the same host and never from https
// to http.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("%w: stopped after 10 redirects", ErrRedirectRefused)
	}
	first, prev := via[0], via[len(via)-1]
	if req.URL.Host != first.URL.Host {
		return fmt.Errorf("%w: to another host", ErrRedirectRefused)
	}
	if prev.URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("%w: from https to http", ErrRedirectRefused)
	}
	return nil
}

// ErrRedirectRefused marks a redirect the client would not follow.
var ErrRedirectRefused = errors.New("redirect refused")

// authRoundTripper adds the credential header only for the configured host.
type authRoundTripper struct {
	host       string
	header     string
	credential Secret
	next       http.RoundTripper
}

func (a *authRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	req2 := req.Clone(req.Context())
	req2.Header.Del(a.header)
	if req.URL.Host == a.host {
		req2.Header.Set(a.header, a.credential.Reveal())
	}
	return a.next.RoundTrip(req2)
}

// gate is the per-client pause gate plus token bucket. A 429 closes the gate
// until its reset; every attempt from every goroutine waits at the gate.
type gate struct {
	limiter *rate.Limiter
	maxWait time.Duration

	mu          sync.Mutex
	pausedUntil time.Time
}

func (g *gate) pause(until time.Time) {
	g.mu.Lock()
	if until.After(g.pausedUntil) {
		g.pausedUntil = until
	}
	g.mu.Unlock()
}

func (g *gate) wait(ctx context.Context) error {
	g.mu.Lock()
	until := g.pausedUntil
	g.mu.Unlock()
	if d := time.Until(until); d > 0 {
		if d > g.maxWait {
			return &RateLimitError{RetryAfter: d, Err: errors.New("client paused by an earlier 429 for longer than the Retry-After cap")}
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if err := g.limiter.Wait(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		// rate.Limiter fails at once when the wait would pass the deadline.
		return fmt.Errorf("%w: %w: %w", errLimiterWait, err, context.DeadlineExceeded)
	}
	return nil
}

// errLimiterWait marks a client-side rate-limit wait that could not finish
// before the context deadline.
var errLimiterWait = errors.New("client-side rate limit wait")

type limitRoundTripper struct {
	gate *gate
	next http.RoundTripper
}

func (l *limitRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := l.gate.wait(req.Context()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	return l.next.RoundTrip(req)
}

// idempotent reports whether a method may be re-sent after the request may
// have reached the server.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// isDialError reports whether err happened before anything was sent.
func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// checkRetry is the retry policy: see the package documentation.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	info, _ := ctx.Value(ctxKey{}).(callInfo)
	if err != nil {
		var rl *RateLimitError
		switch {
		case errors.As(err, &rl), errors.Is(err, ErrRedirectRefused), errors.Is(err, errLimiterWait):
			return false, err
		case isDialError(err):
			return true, nil
		case info.idempotent:
			return !permanentTransportError(err), nil
		default:
			return false, err
		}
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if ok {
			if d > c.maxRetryAft {
				// Do not wait, do not retry: hand back a rate-limit error now.
				return false, nil
			}
			c.gate.pause(time.Now().Add(d))
		}
	}
	if !retryableStatus(resp.StatusCode) || !info.idempotent {
		return false, nil
	}
	return true, nil
}

func permanentTransportError(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "certificate") || strings.Contains(msg, "unsupported protocol scheme") ||
		strings.Contains(msg, "invalid header")
}

// backoff honours Retry-After (already checked against the cap) and falls
// back to jittered exponential backoff.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d <= c.maxRetryAft {
			c.logger.Debug("waiting for Retry-After", "status", resp.StatusCode, "wait", d)
			return d
		}
	}
	exp := float64(minWait) * math.Pow(2, float64(attempt))
	if exp > float64(maxWait) || math.IsInf(exp, 0) {
		exp = float64(maxWait)
	}
	// Full jitter in [exp/2, exp].
	d := time.Duration(exp/2 + rand.Float64()*exp/2)
	c.logger.Debug("backing off", "attempt", attempt+1, "wait", d)
	return d
}

// errorHandler runs when retries are exhausted or the policy stopped with
// an error. It turns a last response into a *ResponseError (or a
// *RateLimitError when the Retry-After is over the cap).
func (c *Client) errorHandler(resp *http.Response, err error, attempts int) (*http.Response, error) {
	if err != nil {
		// A refused redirect comes with the redirect response (body closed
		// by net/http); the error is what matters.
		if resp != nil {
			drainClose(resp.Body)
		}
		return nil, fmt.Errorf("after %d attempt(s): %w", attempts, err)
	}
	if resp == nil {
		return nil, fmt.Errorf("after %d attempt(s): no response", attempts)
	}
	defer drainClose(resp.Body)
	re := newResponseError("", "", resp, c.maxRetryAft)
	re.Attempts = attempts
	return nil, re
}

func (c *Client) logRequest(_ retryablehttp.Logger, req *http.Request, attempt int) {
	c.logger.LogAttrs(req.Context(), slog.LevelDebug, "request",
		slog.String("method", req.Method), slog.String("host", req.URL.Host),
		slog.String("path", req.URL.Path), slog.Int("attempt", attempt+1))
}

func (c *Client) logResponse(_ retryablehttp.Logger, resp *http.Response) {
	level := slog.LevelDebug
	if resp.StatusCode >= 400 {
		level = slog.LevelWarn
	}
	req := resp.Request
	ctx := context.Background()
	if req != nil {
		ctx = req.Context()
	}
	attrs := []slog.Attr{slog.Int("status", resp.StatusCode)}
	if req != nil {
		attrs = append(attrs, slog.String("method", req.Method), slog.String("host", req.URL.Host), slog.String("path", req.URL.Path))
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		attrs = append(attrs, slog.String("retry_after", ra))
	}
	c.logger.LogAttrs(ctx, level, "response", attrs...)
}
