// Package oomnitzatest is an in-memory fake of the Oomnitza v3 API for
// tests, benchmarks and demos, on a loopback httptest.Server.
//
// It checks the Authorization2 token; serves users CRUD with the spec's
// shapes and status codes (DELETE answers 200 with the user, or 204 with
// WithDeleteStatus), X-Total-Count, limit/skip, sortby, fields and the
// SQL-like filter language (eq ne lt lte gt gte like in, is [not] null,
// between, and/or/not, parentheses, case-insensitive keywords; unknown
// fields are a 400); serves GET /api/v3/users/meta for the standard fields
// and the custom fields a test declares with WithField (label, type,
// unique, mandatory, dropdown); validates types, dropdown values, known
// role ids and unique fields on every write; and serves SaaS applications,
// SaaS users (assign, external id, activate/deactivate) and SaaS roles.
//
// # Use
//
//	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
//	defer srv.Close()
//	oc, err := srv.Client()
//
// # Failure injection
//
// WithLatency, WithRateLimit (429 with Retry-After), WithFaults and Inject
// (500, 502, 503, reset, commit-then-drop, slow body) and per-route Calls,
// as in jumpcloudtest.
package oomnitzatest
