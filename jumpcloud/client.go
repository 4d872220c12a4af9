package jumpcloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/jcoom/jcoom/internal/clientopt"
	"github.com/jcoom/jcoom/internal/transport"
)

// Base URLs of JumpCloud's data centres.
const (
	DefaultBaseURL = "https://console.jumpcloud.com"
	EUBaseURL      = "https://console.eu.jumpcloud.com"
)

// Version is the SDK version reported in the User-Agent.
const Version = "0.1.0"

const defaultUserAgent = "jcoom/" + Version + " (+https://github.com/jcoom/jcoom)"

// Environment variables read by FromEnv.
const (
	EnvAPIKey  = "JUMPCLOUD_API_KEY"
	EnvOrgID   = "JUMPCLOUD_ORG_ID"
	EnvBaseURL = "JUMPCLOUD_BASE_URL"
)

// Client talks to the JumpCloud API. It is safe for concurrent use; create
// one per API key and reuse it.
type Client struct {
	tc    *transport.Client
	orgID string

	// Users manages system users (API v1 /api/systemusers).
	Users *UsersService
	// Admins reads console administrators (/api/users).
	Admins *AdminsService
	// Systems reads devices (API v1 /api/systems).
	Systems *SystemsService
	// Insights reads System Insights tables (API v2
	// /api/v2/systeminsights): the hardware facts of devices.
	Insights *InsightsService
}

type settings struct {
	clientopt.Settings
	orgID string
}

// Option configures a Client. Options validate their input and NewClient
// returns the first error.
type Option func(*settings) error

// WithBaseURL sets the host root (the client adds /api/...), e.g.
// EUBaseURL. It must be https unless the host is loopback.
func WithBaseURL(u string) Option { return func(s *settings) error { return s.SetBaseURL(u) } }

var orgIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

// WithOrgID sets the x-org-id header that multi-tenant administrators must
// send. It is a 24-character hex id. The header is never sent to /api/users.
func WithOrgID(id string) Option {
	return func(s *settings) error {
		if !orgIDPattern.MatchString(id) {
			return fmt.Errorf("jumpcloud: WithOrgID: organization id %q is not a 24-character hex id", id)
		}
		s.orgID = id
		return nil
	}
}

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
	return clientopt.NewLimiter("jumpcloud", perSecond, burst)
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
// attempt, wait). Queries, headers, bodies and the API key are never logged.
func WithLogger(l *slog.Logger) Option { return func(s *settings) error { return s.SetLogger(l) } }

// WithUserAgent prefixes the User-Agent with ua (the jcoom product token is kept).
func WithUserAgent(ua string) Option {
	return func(s *settings) error { return s.SetUserAgent(ua, defaultUserAgent) }
}

// NewClient returns a client for the given API key. It does no I/O.
func NewClient(apiKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, errors.New("jumpcloud: API key is empty; pass the key of a JumpCloud administrator (or set " + EnvAPIKey + " with FromEnv)")
	}
	s := settings{Settings: clientopt.Settings{Pkg: "jumpcloud", BaseURL: DefaultBaseURL, UserAgent: defaultUserAgent}}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s); err != nil {
			return nil, err
		}
	}
	tc, err := s.Transport("x-api-key", transport.NewSecret(apiKey))
	if err != nil {
		return nil, err
	}
	return (&Client{tc: tc}).with(s.orgID), nil
}

// FromEnv builds a client from JUMPCLOUD_API_KEY, JUMPCLOUD_ORG_ID (optional)
// and JUMPCLOUD_BASE_URL (optional). Options passed here win over the
// environment.
func FromEnv(opts ...Option) (*Client, error) {
	key := os.Getenv(EnvAPIKey)
	if key == "" {
		return nil, errors.New("jumpcloud: " + EnvAPIKey + " is not set")
	}
	var env []Option
	if org := os.Getenv(EnvOrgID); org != "" {
		env = append(env, WithOrgID(org))
	}
	if base := os.Getenv(EnvBaseURL); base != "" {
		env = append(env, WithBaseURL(base))
	}
	return NewClient(key, append(env, opts...)...)
}

// BaseURL returns the host root the client talks to.
func (c *Client) BaseURL() string { return c.tc.BaseURL().String() }

// OrgID returns the organisation id sent as x-org-id, or "" when the
// client has none (a single-tenant key).
func (c *Client) OrgID() string { return c.orgID }

// ForOrg returns a client for another organisation of the same
// multi-tenant administrator: it sends orgID as x-org-id and shares
// everything else with c (the key, the connection pool, the rate limit and
// any 429 pause, the retry and timeout settings). It does no I/O, so an
// MSP can make one per organisation and request cheaply.
func (c *Client) ForOrg(orgID string) (*Client, error) {
	if !orgIDPattern.MatchString(orgID) {
		return nil, fmt.Errorf("jumpcloud: ForOrg: organization id %q is not a 24-character hex id", orgID)
	}
	return c.with(orgID), nil
}

func (c *Client) with(orgID string) *Client {
	n := &Client{tc: c.tc, orgID: orgID}
	n.Users = &UsersService{client: n}
	n.Admins = &AdminsService{client: n}
	n.Systems = &SystemsService{client: n}
	n.Insights = &InsightsService{client: n}
	return n
}

// do sends one request. x-org-id is added except on /api/users routes.
func (c *Client) do(ctx context.Context, method, path string, query map[string][]string, body, out any) (*transport.Response, error) {
	return c.send(ctx, &transport.Request{Method: method, Path: path, Query: query, Body: body}, out)
}

// doIdempotent is do for a POST whose effect converges, so it may be retried.
func (c *Client) doIdempotent(ctx context.Context, method, path string, query map[string][]string, body, out any) (*transport.Response, error) {
	return c.send(ctx, &transport.Request{Method: method, Path: path, Query: query, Body: body, Idempotent: true}, out)
}

func (c *Client) send(ctx context.Context, r *transport.Request, out any) (*transport.Response, error) {
	if ctx == nil {
		return nil, errors.New("jumpcloud: nil context")
	}
	if c.orgID != "" && !isAdminRoute(r.Path) {
		r.Header = http.Header{"X-Org-Id": {c.orgID}}
	}
	resp, err := c.tc.Do(ctx, r, out)
	if err != nil {
		return nil, convertError(err)
	}
	return resp, nil
}

// isAdminRoute reports whether path is /api/users or below; JumpCloud
// rejects x-org-id there.
func isAdminRoute(path string) bool {
	return path == "/api/users" || strings.HasPrefix(path, "/api/users/")
}
