// Package oomnitza is a typed client for the Oomnitza v3 API: People
// records (users), their field metadata, SaaS applications, SaaS users and
// SaaS roles.
//
// # Getting started
//
//	oc, err := oomnitza.NewClient("https://acme.oomnitza.com", token)
//	u, err := oc.Users.Create(ctx, oomnitza.Record{
//		"username": "ada@acme.com", "email": "ada@acme.com", "role": 25,
//		"jump_cloud_user_id": jumpcloudID, // a custom field, by external id
//	})
//	u, err = oc.Users.Update(ctx, u.UserID, oomnitza.Record{"position": "CTO"}) // PATCH
//	fields, err := oc.Users.Fields(ctx) // GET /api/v3/users/meta
//
// NewClient does no I/O; its options validate and return errors.
// WithNotTriggerWorkflows and WithAllowUnknownMetaFields set Oomnitza's
// request switches.
//
// # Authentication
//
// The token is sent in the Authorization2 header (no "Bearer"), only to
// the configured host. FromEnv reads OOMNITZA_URL and OOMNITZA_API_TOKEN.
// Base URLs must be https, except loopback hosts (tests and the fakes).
//
// # Records and custom fields
//
// Writes take a Record keyed by field external id, so a mapping can write
// any field, custom ones included. User has the standard v3 fields; every
// other field is kept in User.Custom and inlined on the wire, numbers as
// json.Number, so reading, changing and writing back a user loses nothing.
// Dates are epoch seconds (Time). Users.Records streams wire records for
// mappings.
//
// # Assets
//
// Assets is the hardware assets module (/api/v3/assets): List, All,
// Records, Get, GetByField, Create, Update (PATCH), Delete and Fields.
// Asset has the spec's standard fields and keeps custom ones in Custom, as
// User does. Create is safe under lost replies: when the outcome of a POST
// is unknown it looks the asset up by the first unique key the record
// carries (serial_number, then barcode, or the keys given) before sending
// again. equipment_id values are checked as strictly as user ids. Where an
// instance has no asset metadata endpoint, Fields returns ErrNoMetadata;
// StandardAssetFields lists the spec's asset fields to validate against
// instead.
//
// # Pagination
//
// List returns a page and the X-Total-Count total; All returns a lazy,
// re-iterable iter.Seq2 with the semantics of the jumpcloud client (one
// error then stop, no duplicates, optional concurrent pages, an
// incomplete listing is ErrIncompleteList). Filters are typed (Eq, Ne, Lt,
// Lte, Gt, Gte, Like, In, IsNull, And, Or) and values are always quoted
// and escaped: no value can change a filter's meaning. Raw takes a filter
// a person wrote, such as a CLI flag. Fields limits the reply to the
// fields you need.
//
// # Errors
//
// API errors are *Error values; errors.Is works with ErrNotFound,
// ErrUnauthorized, ErrForbidden, ErrConflict (also a 400 for a value that
// breaks a unique field), ErrRateLimited, ErrOutcomeUnknown and
// ErrUnexpectedReply, the same sentinels as the jumpcloud package.
// Per-record failures inside a 200 reply (SaaS-user activation, roles,
// external ids) are an *ItemError: a call never reports success when part
// of it failed.
//
// # Rate limits and retries
//
// The same transport as the jumpcloud client: a client-side limiter
// (WithRateLimit) every attempt waits for; GET, PUT and DELETE, and the
// SaaS writes that set absolute values, retried on 429, 502, 503, 504 and
// connection errors; POST and PATCH only when nothing was sent;
// Retry-After honoured up to WithMaxRetryAfter, a 429 pausing the whole
// client; WithTimeout bounding each attempt from the moment it is sent.
//
// # Safety
//
// Create never duplicates a user when a response is lost: it looks the
// user up by username first. Ids are validated before any request (no
// path segments such as ".." or "meta", no control characters or white
// space), so no id can reach another route. The token never appears in
// logs, errors, URLs or formatted values, and bodies are capped.
//
// # Testing with the fakes
//
// Package oomnitzatest is an in-memory fake of this API: custom, unique,
// mandatory and non-editable fields enforced, the filter language parsed,
// SaaS and roles, and faults on demand; srv.Client() returns a client
// pointed at it.
package oomnitza
