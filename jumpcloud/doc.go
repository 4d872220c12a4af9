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
// NewClient does no I/O; its options validate and return errors.
//
// # Authentication
//
// The API key goes in the x-api-key header, only to the configured host.
// Multi-tenant administrators name the organisation with WithOrgID, sent
// as x-org-id (never to the administrator route /api/users, which refuses
// it). FromEnv reads JUMPCLOUD_API_KEY, JUMPCLOUD_ORG_ID and
// JUMPCLOUD_BASE_URL; use EUBaseURL for the EU data centre. Base URLs must
// be https, except loopback hosts (tests and the fakes).
//
// # Pagination
//
// List returns one page (at most MaxLimit = 100 users, as the API allows)
// with the total count. All returns an iter.Seq2 that is lazy,
// re-iterable, never modifies the options, yields an error once and then
// stops, and never yields a user twice. Lists are sorted by _id unless Sort
// says otherwise, which keeps offset paging stable. With
// ListOptions.Concurrency pages after the first are fetched in parallel,
// still yielded in order. A page shorter than asked for ends a listing only
// when the total agrees; an empty page where the count promises more, a
// page of repeats or an item without an id ends All with ErrIncompleteList,
// so nothing can be concluded from what is missing. Records decodes each
// page once into wire records, for mappings.
//
// Filters are typed: Eq, Ne, Gt, Gte, Lt, Lte, In and StartsWith build
// field:$op:value conditions that are validated (fields the systemuser
// schema lacks, with a "did you mean"; states that do not exist) and
// query-escaped, so a value can never change the filter's field or
// operator.
//
// # Writes
//
// Update requests use pointers (Ptr) so that false and "" can be sent.
// Create is safe against lost responses: when the outcome of a POST is
// unknown it looks the user up by username before sending again, so a
// timeout never creates a duplicate, and a user found that way with
// another email is an *ExistingRecordError, never claimed. Unlock and
// ExpirePassword converge, so they are retried like PUTs. A retried DELETE
// answered 404 after a lost reply is done. Ids are checked (24 hex
// characters) before any request.
//
// # Systems and System Insights
//
// Systems lists, streams and gets JumpCloud devices (GET /api/systems) with
// the same paging, filters, x-org-id, concurrency and de-duplication as
// Users; System carries every field of both spec versions and keeps
// unknown ones (Raw), and PrimaryUserID names the user bound to the device
// (primarySystemUser.id) where present. Insights reads the System Insights
// tables with hardware facts (system_info, os_version, chassis_info,
// disk_info, battery; HardwareTables) under their own rules: v2 filters
// with eq and in only, a limit up to 10,000, bare arrays. Rows asks for
// the given systems in batches (system_id:in:a|b, 100 a request by
// default, 250 at most) and pages each batch until a short page; SystemInfo,
// OSVersion, ChassisInfo, DiskInfo and Battery return typed rows.
//
// # Errors
//
// API errors are *Error values carrying the status, JumpCloud's code,
// message, details and the attempts made; a failure with no reply is a
// *RequestError (Sent, Attempts). Match them with errors.Is against
// ErrNotFound, ErrUnauthorized, ErrForbidden, ErrConflict (also a 400
// "already exists"), ErrRateLimited, ErrMultipleMatches and
// ErrOutcomeUnknown (a write failed but may have been applied: read
// before writing again). A 200 that is an error object, empty, or another
// user than the one asked for is ErrUnexpectedReply.
//
// # Rate limits and retries
//
// Every attempt waits for the client-side rate limit (WithRateLimit; none
// by default), so retries count against it too. GET, PUT and DELETE are
// retried (WithRetries, 5 by default) on 429, 502, 503, 504 and connection
// errors; POST and PATCH only when nothing was sent. Retry-After, in
// seconds or as an HTTP date, is honoured up to WithMaxRetryAfter (60 s);
// past it the call fails at once with ErrRateLimited. A 429 pauses the
// whole client until the reset, not just one goroutine. WithTimeout bounds
// each attempt from the moment it is sent: waiting at the limiter or
// behind a Retry-After is bounded only by ctx.
//
// # Safety
//
// The API key never appears in logs (WithLogger), errors, URLs or %v and
// %+v output. Redirects are followed only on the same host, never from
// https to http. Bodies are capped (error bodies at 1 MiB), so a hostile
// server cannot exhaust memory. Bad input (a malformed id, Limit above
// 100, a nil filter value) is an error naming the field and value, and
// nothing is sent.
//
// # Testing with the fakes
//
// Package jumpcloudtest is an in-memory fake of this API that behaves as
// the spec says the real one does, with latency, 429s, 5xx, resets and
// lost replies on demand; srv.Client() returns a client pointed at it.
// For request-shape tests, give WithHTTPClient an
// httpmock.NewMockTransport per test.
package jumpcloud
