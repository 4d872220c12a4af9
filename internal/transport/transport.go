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
	"net/url"
	"strings"
	"sync/atomic"
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
	// MaxIdleConnsPerHost is how many idle connections the default
	// transport keeps per host: as many as the largest concurrency the
	// clients allow (paging, sync workers), so concurrent calls reuse
	// connections instead of opening new ones.
	MaxIdleConnsPerHost = 32
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
	// Limiter, when set, is a token bucket and 429 pause shared with other
	// clients; RateLimit and Burst must then be zero.
	Limiter *Limiter
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
	if err := checkHeaderValue(cfg.Credential.Reveal()); err != nil {
		return nil, fmt.Errorf("transport: the credential %w; it would fail on every request (the value is not shown)", err)
	}
	if err := checkHeaderValue(cfg.UserAgent); err != nil {
		return nil, fmt.Errorf("transport: the User-Agent %w", err)
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
	lim := cfg.Limiter
	switch {
	case lim != nil && (cfg.RateLimit != 0 || cfg.Burst != 0):
		return nil, errors.New("transport: give a shared Limiter or a RateLimit, not both")
	case lim == nil:
		lim = NewLimiter(cfg.RateLimit, cfg.Burst)
	}
	c.gate = &gate{Limiter: lim, maxWait: c.maxRetryAft}

	inner := cfg.BaseTransport
	if inner == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// net/http keeps 2 idle connections per host by default: with 8
		// pages in flight, most requests would open a new connection (a
		// TLS handshake each against the real APIs).
		t.MaxIdleConnsPerHost = MaxIdleConnsPerHost
		inner = t
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
		// No Client.Timeout: it would count the wait at the gate. The
		// attempt's timeout starts once the gate lets it through.
		CheckRedirect: checkRedirect,
		Transport: &attemptRoundTripper{gate: c.gate, timeout: timeout, next: &authRoundTripper{
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
// loopback hosts only) with no query, fragment or credentials. Its errors
// never show a password in raw, even when raw does not parse.
func ParseBaseURL(raw string) (*url.URL, error) {
	shown := RedactURL(raw)
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error repeats the raw URL
		}
		return nil, fmt.Errorf("transport: base URL %q is not a URL: %w", shown, err)
	}
	if u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("transport: base URL %q must be absolute, like https://host", shown)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("transport: base URL %q must use https (plain http is allowed only for loopback hosts)", shown)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("transport: base URL %q must not carry credentials, a query or a fragment", shown)
	}
	return u, nil
}

// RedactURL returns raw with any user information (user:password@) and
// whatever follows a "?" or "#" replaced by "xxxxx", whether or not raw
// parses as a URL.
func RedactURL(raw string) string {
	rest := raw
	prefix := ""
	if i := strings.Index(rest, "//"); i >= 0 {
		prefix, rest = rest[:i+2], rest[i+2:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = "xxxxx" + rest[at:]
	} else if prefix == "" {
		// No authority marker: anything up to an "@" may be user
		// information ("user:pass@host").
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			rest = "xxxxx" + rest[at:]
		}
	}
	if q := strings.IndexAny(rest, "?#"); q >= 0 {
		rest = rest[:q+1] + "xxxxx"
	}
	return prefix + rest
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
	// ambiguous is set when an attempt that may have been applied (sent
	// with no reply, or answered with a 5xx) is retried.
	ambiguous *atomic.Bool
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
	info := callInfo{method: r.Method, idempotent: r.Idempotent || idempotent(r.Method), ambiguous: new(atomic.Bool)}
	ctx = context.WithValue(ctx, ctxKey{}, info)
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
	if resp.StatusCode == http.StatusNotFound && r.Method == http.MethodDelete && info.ambiguous.Load() {
		// An earlier attempt may have deleted it: gone is what was asked.
		c.logger.DebugContext(ctx, "delete answered 404 after an attempt whose outcome was unknown: already deleted", "path", r.Path)
		return &Response{StatusCode: resp.StatusCode, Header: resp.Header}, nil
	}
	if resp.StatusCode >= 300 {
		return nil, newResponseError(r.Method, r.Path, resp, c.maxRetryAft)
	}
	out2 := &Response{StatusCode: resp.StatusCode, Header: resp.Header}
	if out == nil {
		return out2, nil
	}
	data, err := readBody(http.MaxBytesReader(nil, resp.Body, c.maxBody), resp.ContentLength, c.maxBody)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, tooLarge.Limit)
		}
		return nil, &RequestError{Method: r.Method, Path: r.Path, Err: fmt.Errorf("reading response body: %w", err), Sent: true, Attempts: 1}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return out2, nil
	}
	if u, ok := out.(OwnedUnmarshaler); ok {
		err = u.UnmarshalOwnedJSON(data)
	} else if u, ok := out.(json.Unmarshaler); ok {
		// The type decodes, and so validates, the body itself: calling it
		// directly spares encoding/json's own pass over it.
		err = u.UnmarshalJSON(data)
	} else {
		err = json.Unmarshal(data, out)
	}
	if err != nil {
		return nil, &RequestError{Method: r.Method, Path: r.Path, Err: fmt.Errorf("decoding response body: %w", err), Sent: true, Attempts: 1}
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
	attempts := 1
	var ae *attemptsError
	if errors.As(err, &ae) {
		attempts, err = ae.n, ae.err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &RequestError{Method: method, Path: path, Err: err, Sent: !isDialError(err) && !errors.Is(err, errNotSent), Attempts: attempts}
}

// OwnedUnmarshaler is implemented by reply types that keep slices of the
// body: Do hands them its body buffer, which nothing else holds or
// writes, so they need not copy it. They must validate it themselves.
type OwnedUnmarshaler interface {
	UnmarshalOwnedJSON(body []byte) error
}

// readBody reads r to the end. With a known length within the cap it
// allocates once, at that size, instead of growing as io.ReadAll does.
func readBody(r io.Reader, length, maxBody int64) ([]byte, error) {
	if length <= 0 || length > maxBody {
		return io.ReadAll(r)
	}
	buf := bytes.NewBuffer(make([]byte, 0, length+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

func drainClose(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, MaxErrorBodyBytes))
	_ = body.Close()
}

// ErrBodyTooLarge is returned when a successful body exceeds the cap.
var ErrBodyTooLarge = errors.New("response body exceeds the configured limit")

// checkHeaderValue refuses what cannot travel in an HTTP header: control
// characters (a newline would even start a new header) and surrounding
// white space. The message names the problem, never the value.
func checkHeaderValue(v string) error {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return fmt.Errorf("contains a control character (byte %#02x at offset %d)", c, i)
		}
	}
	if strings.TrimSpace(v) != v {
		return errors.New("starts or ends with white space")
	}
	return nil
}
