// Package transport is the HTTP machinery shared by the jcoom API clients.
//
// # Layering
//
// From the outside in: SDK method -> retryablehttp.Client.Do -> http.Client
// (same-host redirects only, never https->http) -> limiter RoundTripper
// (pause gate, then rate.Limiter.Wait, on every attempt) -> auth
// RoundTripper (credential header only for the configured host) -> the base
// transport (a clone of http.DefaultTransport by default).
//
// # Retries
//
// GET, HEAD, PUT and DELETE are retried on 429, 502, 503, 504 and on
// transport errors. POST and PATCH are retried only when the connection
// failed before anything was sent (a dial error); any other failure is
// returned so that the caller can decide how to recover. Retry-After is
// honoured as delta seconds (decimals tolerated) or an HTTP date; past the
// cap the call returns a rate-limit error at once. A 429 pauses every
// goroutine of the client until its reset.
//
// # Secrets and logging
//
// Credentials are held in a Secret, which prints "[redacted]" everywhere.
// The slog records carry method, host, path (never the query), status,
// attempt and wait; never headers or bodies.
package transport
