// Package clientopt holds the options every jcoom API client shares, with
// their validation, so that jumpcloud.WithRetries and oomnitza.WithRetries
// behave the same. Each client wraps these setters in its own Option type.
package clientopt

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jcoom/jcoom/internal/transport"
	"golang.org/x/time/rate"
)

// Settings are the shared options. Pkg prefixes error messages.
type Settings struct {
	Pkg           string
	BaseURL       string
	HTTPClient    *http.Client
	RateLimit     rate.Limit
	Burst         int
	Limiter       *transport.Limiter
	Retries       int
	RetriesSet    bool
	Timeout       time.Duration
	MaxRetryAfter time.Duration
	WaitMin       time.Duration
	WaitMax       time.Duration
	Logger        *slog.Logger
	UserAgent     string
}

func (s *Settings) errorf(option, format string, a ...any) error {
	return fmt.Errorf("%s: %s: %s", s.Pkg, option, fmt.Sprintf(format, a...))
}

// SetBaseURL validates and sets the host root.
func (s *Settings) SetBaseURL(u string) error {
	if _, err := transport.ParseBaseURL(u); err != nil {
		return fmt.Errorf("%s: WithBaseURL: %w", s.Pkg, err)
	}
	s.BaseURL = u
	return nil
}

// SetHTTPClient sets the client whose Transport is the innermost round
// tripper and whose Timeout, when set, bounds each attempt (unless
// SetTimeout sets one).
func (s *Settings) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return s.errorf("WithHTTPClient", "client is nil")
	}
	s.HTTPClient = hc
	return nil
}

// SetRateLimit sets the client-side token bucket.
func (s *Settings) SetRateLimit(perSecond float64, burst int) error {
	if err := s.checkRate("WithRateLimit", perSecond, burst); err != nil {
		return err
	}
	s.RateLimit, s.Burst = rate.Limit(perSecond), burst
	return nil
}

func (s *Settings) checkRate(option string, perSecond float64, burst int) error {
	if !(perSecond > 0) {
		return s.errorf(option, "perSecond is %v; want a number above 0", perSecond)
	}
	if burst < 1 {
		return s.errorf(option, "burst is %d; want 1 or more", burst)
	}
	return nil
}

// SetLimiter shares a client-side limit and 429 pause with other clients.
func (s *Settings) SetLimiter(l *transport.Limiter) error {
	if l == nil {
		return s.errorf("WithLimiter", "limiter is nil")
	}
	s.Limiter = l
	return nil
}

// NewLimiter validates a rate and burst and returns a Limiter for them.
func NewLimiter(pkg string, perSecond float64, burst int) (*transport.Limiter, error) {
	s := Settings{Pkg: pkg}
	if err := s.checkRate("NewLimiter", perSecond, burst); err != nil {
		return nil, err
	}
	return transport.NewLimiter(rate.Limit(perSecond), burst), nil
}

// SetRetries sets the number of retries (0 to 20).
func (s *Settings) SetRetries(n int) error {
	if n < 0 || n > 20 {
		return s.errorf("WithRetries", "%d is out of range; want 0 to 20", n)
	}
	s.Retries, s.RetriesSet = n, true
	return nil
}

// SetTimeout sets the per-attempt timeout.
func (s *Settings) SetTimeout(d time.Duration) error {
	if d <= 0 {
		return s.errorf("WithTimeout", "%v; want a positive duration", d)
	}
	s.Timeout = d
	return nil
}

// SetMaxRetryAfter sets the longest Retry-After the client waits for.
func (s *Settings) SetMaxRetryAfter(d time.Duration) error {
	if d <= 0 {
		return s.errorf("WithMaxRetryAfter", "%v; want a positive duration", d)
	}
	s.MaxRetryAfter = d
	return nil
}

// SetBackoff bounds the jittered exponential backoff.
func (s *Settings) SetBackoff(minWait, maxWait time.Duration) error {
	if minWait <= 0 || maxWait < minWait {
		return s.errorf("WithBackoff", "min %v and max %v; want 0 < min <= max", minWait, maxWait)
	}
	s.WaitMin, s.WaitMax = minWait, maxWait
	return nil
}

// SetLogger sets the logger.
func (s *Settings) SetLogger(l *slog.Logger) error {
	if l == nil {
		return s.errorf("WithLogger", "logger is nil")
	}
	s.Logger = l
	return nil
}

// SetUserAgent puts ua in front of the default product token.
func (s *Settings) SetUserAgent(ua, defaultUA string) error {
	if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
		return s.errorf("WithUserAgent", "%q is not a valid User-Agent", ua)
	}
	s.UserAgent = ua + " " + defaultUA
	return nil
}

// Transport builds the shared transport with the given credential header.
func (s *Settings) Transport(authHeader string, credential transport.Secret) (*transport.Client, error) {
	if s.Limiter != nil && s.RateLimit != 0 {
		return nil, s.errorf("WithLimiter", "give WithLimiter or WithRateLimit, not both (the shared limiter has its own rate)")
	}
	cfg := transport.Config{
		BaseURL:       s.BaseURL,
		AuthHeader:    authHeader,
		Credential:    credential,
		RateLimit:     s.RateLimit,
		Burst:         s.Burst,
		Limiter:       s.Limiter,
		Retries:       s.Retries,
		RetriesSet:    s.RetriesSet,
		Timeout:       s.Timeout,
		MaxRetryAfter: s.MaxRetryAfter,
		RetryWaitMin:  s.WaitMin,
		RetryWaitMax:  s.WaitMax,
		Logger:        s.Logger,
		UserAgent:     s.UserAgent,
	}
	if s.HTTPClient != nil {
		cfg.BaseTransport = s.HTTPClient.Transport
		if cfg.BaseTransport == nil {
			cfg.BaseTransport = http.DefaultTransport
		}
		if cfg.Timeout == 0 && s.HTTPClient.Timeout > 0 {
			cfg.Timeout = s.HTTPClient.Timeout // per attempt; WithTimeout wins
		}
	}
	tc, err := transport.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Pkg, err)
	}
	return tc, nil
}
