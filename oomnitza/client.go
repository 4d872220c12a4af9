package oomnitza

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jcoom/jcoom/internal/clientopt"
	"github.com/jcoom/jcoom/internal/transport"
)

// Version is the SDK version reported in the User-Agent.
const Version = "0.1.0"

const defaultUserAgent = "jcoom/" + Version + " (+https://github.com/jcoom/jcoom)"

// Environment variables read by FromEnv.
const (
	EnvURL      = "OOMNITZA_URL"
	EnvAPIToken = "OOMNITZA_API_TOKEN"
)

// Header names of Oomnitza's request switches.
const (
	HeaderNotTriggerWorkflows    = "Oomnitza-Not-Trigger-WF"
	HeaderAllowUnknownMetaFields = "Oomnitza-Allow-Unknown-Meta-Fields"
	HeaderIgnoreMetaRestriction  = "Oomnitza-Ignore-Meta-Restriction"
)

// Client talks to the Oomnitza v3 API of one instance. It is safe for
// concurrent use; create one per instance and token and reuse it.
type Client struct {
	tc      *transport.Client
	headers http.Header

	// Users manages People records: /api/v3/users.
	Users *UsersService
	// Assets manages hardware assets: /api/v3/assets.
	Assets *AssetsService
	// SaaS manages SaaS applications, their users and roles: /api/v3/saas.
	SaaS *SaaSService
	// SaaSUsers activates and deactivates SaaS-user records: /api/v3/saas_users.
	SaaSUsers *SaaSUsersService
}

type settings struct {
	clientopt.Settings
	headers http.Header
}

// Option configures a Client. Options validate their input and NewClient
// returns the first error.
type Option func(*settings) error

// WithHTTPClient uses hc's Transport as the innermost round tripper (for
// proxies, custom TLS, or httpmock in tests) and hc's Timeout, when set,
// as the timeout of each attempt (WithTimeout wins when both are given).
// The SDK keeps its own redirect policy (same host only, never https to
// http) and retry layers around it; hc's CheckRedirect and Jar are not
// used.
func WithHTTPClient(hc *http.Client) Option {
	return func(s *settings) error { return s.SetHTTPClient(hc) }
}

// WithRateLimit limits the client to perSecond requests per second with the
// given burst (every retry counts). Without it there is no client-side limit.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *settings) error { return s.SetRateLimit(perSecond, burst) }
}

// Limiter is a client-side rate limit (a token bucket) together with the
// pause a 429 imposes. Clients given the same Limiter (WithLimiter) share
// both: the API's budget belongs to the credential, not to one client, so
// every client made with one key should hold one Limiter. It is safe for
// concurrent use.
type Limiter = transport.Limiter

// NewLimiter returns a Limiter of perSecond requests per second with the
// given burst, for WithLimiter.
func NewLimiter(perSecond float64, burst int) (*Limiter, error) {
	return clientopt.NewLimiter("oomnitza", perSecond, burst)
}

// WithLimiter makes the client wait at l, which other clients may share;
// it replaces WithRateLimit.
func WithLimiter(l *Limiter) Option { return func(s *settings) error { return s.SetLimiter(l) } }

// WithRetries sets how many times a failed request may be retried (0 to
// 20; default 5).
func WithRetries(n int) Option { return func(s *settings) error { return s.SetRetries(n) } }

// WithTimeout bounds each attempt (default 30s).
func WithTimeout(d time.Duration) Option { return func(s *settings) error { return s.SetTimeout(d) } }

// WithMaxRetryAfter caps how long the client waits on a Retry-After
// (default 60s). A longer Retry-After returns an ErrRateLimited error at once.
func WithMaxRetryAfter(d time.Duration) Option {
	return func(s *settings) error { return s.SetMaxRetryAfter(d) }
}

// WithBackoff bounds the jittered exponential backoff between retries
// (default 500ms to 30s). A Retry-After from the server takes precedence.
func WithBackoff(minWait, maxWait time.Duration) Option {
	return func(s *settings) error { return s.SetBackoff(minWait, maxWait) }
}

// WithLogger logs one record per attempt (method, host, path, status,
// attempt, wait). Queries, headers, bodies and the token are never logged.
func WithLogger(l *slog.Logger) Option { return func(s *settings) error { return s.SetLogger(l) } }

// WithUserAgent prefixes the User-Agent with ua (the jcoom product token is kept).
func WithUserAgent(ua string) Option {
	return func(s *settings) error { return s.SetUserAgent(ua, defaultUserAgent) }
}

func withSwitch(name string, on bool) Option {
	return func(s *settings) error {
		if on {
			s.headers.Set(name, "1")
		} else {
			s.headers.Del(name)
		}
		return nil
	}
}

// WithNotTriggerWorkflows sends Oomnitza-Not-Trigger-WF: 1, so writes do
// not start Oomnitza workflows.
func WithNotTriggerWorkflows(on bool) Option { return withSwitch(HeaderNotTriggerWorkflows, on) }

// WithAllowUnknownMetaFields sends Oomnitza-Allow-Unknown-Meta-Fields: 1:
// fields that match no Oomnitza field are ignored instead of rejected.
func WithAllowUnknownMetaFields(on bool) Option {
	return withSwitch(HeaderAllowUnknownMetaFields, on)
}

// WithIgnoreMetaRestriction sends Oomnitza-Ignore-Meta-Restriction: 1, which
// allows writing fields marked not editable.
func WithIgnoreMetaRestriction(on bool) Option { return withSwitch(HeaderIgnoreMetaRestriction, on) }

// NewClient returns a client for the instance at baseURL (such as
// https://acme.oomnitza.com) with an API token. It does no I/O.
func NewClient(baseURL, token string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(token) == "" {
		return nil, errors.New("oomnitza: API token is empty; create one under Configuration > Security > API tokens (or set " + EnvAPIToken + " with FromEnv)")
	}
	s := settings{Settings: clientopt.Settings{Pkg: "oomnitza", UserAgent: defaultUserAgent}, headers: http.Header{}}
	if err := s.SetBaseURL(baseURL); err != nil {
		return nil, err
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	tc, err := s.Transport("Authorization2", transport.NewSecret(token))
	if err != nil {
		return nil, err
	}
	c := &Client{tc: tc, headers: s.headers}
	c.Users = &UsersService{client: c}
	c.Assets = &AssetsService{client: c}
	c.SaaS = &SaaSService{client: c}
	c.SaaSUsers = &SaaSUsersService{client: c}
	return c, nil
}

// FromEnv builds a client from OOMNITZA_URL and OOMNITZA_API_TOKEN.
func FromEnv(opts ...Option) (*Client, error) {
	u, tok := os.Getenv(EnvURL), os.Getenv(EnvAPIToken)
	if u == "" {
		return nil, errors.New("oomnitza: " + EnvURL + " is not set (e.g. https://acme.oomnitza.com)")
	}
	if tok == "" {
		return nil, errors.New("oomnitza: " + EnvAPIToken + " is not set")
	}
	return NewClient(u, tok, opts...)
}

// BaseURL returns the instance URL the client talks to.
func (c *Client) BaseURL() string { return c.tc.BaseURL().String() }

func (c *Client) do(ctx context.Context, method, path string, query map[string][]string, body, out any) (*transport.Response, error) {
	return c.send(ctx, method, path, query, body, out, false)
}

// doIdempotent is do for a write that sets absolute values, so it may be
// retried like a PUT.
func (c *Client) doIdempotent(ctx context.Context, method, path string, query map[string][]string, body, out any) (*transport.Response, error) {
	return c.send(ctx, method, path, query, body, out, true)
}

func (c *Client) send(ctx context.Context, method, path string, query map[string][]string, body, out any, idempotent bool) (*transport.Response, error) {
	if ctx == nil {
		return nil, errors.New("oomnitza: nil context")
	}
	var h http.Header
	if len(c.headers) > 0 && (method != http.MethodGet) {
		h = c.headers.Clone()
	}
	resp, err := c.tc.Do(ctx, &transport.Request{Method: method, Path: path, Query: query, Header: h, Body: body, Idempotent: idempotent}, out)
	if err != nil {
		return nil, convertError(err)
	}
	return resp, nil
}
