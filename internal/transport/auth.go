package transport

import (
	"errors"
	"fmt"
	"net/http"
)

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
