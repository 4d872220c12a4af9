package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

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
		case permanentTransportError(err):
			return false, err
		case isDialError(err), errors.Is(err, errNotSent):
			return true, nil
		case info.idempotent:
			info.markAmbiguous()
			return true, nil
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
	if resp.StatusCode >= 500 {
		info.markAmbiguous()
	}
	return true, nil
}

func (i callInfo) markAmbiguous() {
	if i.ambiguous != nil {
		i.ambiguous.Store(true)
	}
}

// permanentTransportError reports failures that sending again cannot
// fix: the server's certificate is not trusted or not for this host, or
// the server does not speak TLS.
func permanentTransportError(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		alert     tls.AlertError
	)
	return errors.As(err, &verify) || errors.As(err, &authority) || errors.As(err, &hostname) ||
		errors.As(err, &invalid) || errors.As(err, &record) || errors.As(err, &alert)
}

// backoff honours Retry-After (already checked against the cap) and falls
// back to jittered exponential backoff.
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		// A Retry-After of 0, below 0 or in the past asks for no wait at
		// all; the minimum backoff applies, so that retries are not spent
		// at once.
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > 0 && d <= c.maxRetryAft {
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
		return nil, &attemptsError{n: attempts, err: err}
	}
	if resp == nil {
		return nil, &attemptsError{n: attempts, err: errors.New("no response")}
	}
	defer drainClose(resp.Body)
	re := newResponseError("", "", resp, c.maxRetryAft)
	re.Attempts = attempts
	return nil, re
}

// attemptsError carries the number of attempts from the error handler to
// the RequestError that Do returns.
type attemptsError struct {
	n   int
	err error
}

func (e *attemptsError) Error() string { return e.err.Error() }
func (e *attemptsError) Unwrap() error { return e.err }
