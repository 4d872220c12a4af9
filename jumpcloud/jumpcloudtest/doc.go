// Package jumpcloudtest is an in-memory fake of the JumpCloud API for tests,
// benchmarks and demos. It runs on a loopback httptest.Server and behaves as
// JumpCloud documents it: x-api-key checked, x-org-id rules for
// multi-tenant organisations, {"totalCount","results"} envelopes, limit
// above 100 answered with the documented 400, filters ($eq $ne $gt $gte
// $lt $lte $in $sw, ANDed, or grouped with filter[or][n]), sort, fields and
// skip, duplicate usernames and emails rejected with 400, 404 for unknown
// ids, state and suspended kept consistent, and the admin object and
// /api/users administrators.
//
// # Use
//
//	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(1000, 1)...))
//	defer srv.Close()
//	jc, err := srv.Client()
//
// # Failure injection
//
// WithLatency delays requests; WithRateLimit answers 429 with Retry-After;
// WithFaults injects faults at random and Inject scripts them per route:
// 500, 502, 503, connection resets, commit-then-drop (the write happens and
// the response is lost) and slow bodies. Calls counts requests per route.
package jumpcloudtest
