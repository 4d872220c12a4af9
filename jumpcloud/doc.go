// Package jumpcloud is a typed client for the JumpCloud API: system users
// (API v1 /api/systemusers) and console administrators (/api/users).
//
// # Getting started
//
//	jc, err := jumpcloud.NewClient(apiKey, jumpcloud.WithOrgID(org), jumpcloud.WithRateLimit(10, 5))
//	for u, err := range jc.Users.All(ctx, &jumpcloud.ListOptions{
//		Filter: jumpcloud.Filters{jumpcloud.Eq("state", jumpcloud.StateActivated)},
//	}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(u.Username)
//	}
//
// FromEnv reads JUMPCLOUD_API_KEY, JUMPCLOUD_ORG_ID and JUMPCLOUD_BASE_URL.
// Use EUBaseURL for the EU data centre. NewClient does no I/O.
//
// # Listing
//
// List returns one page (at most MaxLimit = 100 users, as the API allows)
// with the total count. All returns an iter.Seq2 that is lazy, re-iterable,
// never modifies the options, yields an error once and then stops, and
// never yields a user twice. Lists are sorted by _id unless Sort says
// otherwise, which keeps offset paging stable. With ListOptions.Concurrency
// pages after the first are fetched in parallel, still in order.
//
// Filters are typed: Eq, Ne, Gt, Gte, Lt, Lte, In and StartsWith build
// `field:$op:value` conditions that are validated and query-escaped, so a
// value can never change the filter's field or operator.
//
// # Writes
//
// Update requests use pointers (Ptr) so that false and "" can be sent.
// Create is safe against lost responses: when the outcome of a POST is
// unknown it looks the user up by username before sending again, so a
// timeout never creates a duplicate. Unlock and ExpirePassword converge, so
// they are retried like PUTs. Ids are checked (24 hex characters) before
// any request.
//
// # Errors
//
// API errors are *Error values carrying the status, JumpCloud's code,
// message, status text and details. Match them with errors.Is against
// ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict (also a 400
// "already exists") and ErrRateLimited.
//
// # Reliability and secrets
//
// Every attempt waits for the client-side rate limit (WithRateLimit). GET,
// PUT and DELETE are retried on 429, 502, 503, 504 and connection errors,
// honouring Retry-After up to WithMaxRetryAfter; a 429 pauses the whole
// client. Redirects are followed only on the same host, the API key is
// sent only to the configured host, and it never appears in logs, errors
// or formatted values. The x-org-id header is never sent to /api/users.
//
// # Testing
//
// Package jumpcloudtest provides an in-memory fake of this API to test
// code that uses this client.
package jumpcloud
