// Package oomnitzatest is an in-memory fake of the Oomnitza v3 API for
// tests, benchmarks and demos, on a loopback httptest.Server. It answers as
// the OpenAPI spec and the project's reference notes say Oomnitza does;
// where the vendor documents nothing, it follows a stated inference.
//
// # Use
//
//	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
//	defer srv.Close()
//	oc, err := srv.Client()
//
// # What it models
//
//	Area                 Modelled                                          Source
//	auth                 Authorization2 token                              spec (H)
//	users                list/get/create/PATCH/delete (200 with the user,  spec (H)
//	                     or 204 with WithDeleteStatus); X-Total-Count,
//	                     limit, skip, sortby, fields
//	metadata             GET /api/v3/users/meta: standard fields and the   spec (H)
//	                     custom fields declared with WithField
//	writes               types, dropdowns, known roles (an unknown one     spec; notes
//	                     names the valid ids), unique fields, mandatory
//	                     fields; unknown fields refused unless
//	                     Oomnitza-Allow-Unknown-Meta-Fields: 1;
//	                     non-editable fields refused, naming them, unless
//	                     Oomnitza-Ignore-Meta-Restriction: 1 (then
//	                     stored); user_id and uid never written
//	dates                ISO 8601 or epoch seconds in, epoch seconds out;  spec (H)
//	                     ISO offsets ignored (the wall clock read as UTC);
//	                     DATE values stored as sent, not truncated
//	filters              eq ne lt lte gt gte like in, is [not] null,       notes section 2
//	                     between (unquoted MM/DD/YYYY dates too; a day as  (examples);
//	                     the upper bound includes the whole day), and/or/  the operator table
//	                     not, parentheses, case-insensitive keywords;      is inferred
//	                     unknown fields 400
//	SaaS                 applications (create 201, get, PATCH, delete),    spec (H)
//	                     users per application and GET /api/v3/saas_users
//	                     (filter, text), last_visit as epoch seconds,
//	                     assignment, external ids, activate/deactivate,
//	                     roles (create, PATCH, delete 204 with their user
//	                     relations, assign, overwrite)
//	assets               list/get/create/PATCH/delete under /api/v3/assets spec (H)
//	                     and GET /api/v3/assets/meta; unique               meta endpoint
//	                     serial_number and barcode, custom asset fields    inferred (M)
//	                     (WithAssetField); WithoutAssetMeta answers 404
//	                     for the meta endpoint
//	roles                DefaultRoles: 1 "Super Administrator", 25          notes (ids are
//	                     "Employee"; WithRoles sets others                 the fake's)
//	error bodies         {"errors": [...]} with 4xx                        inferred (L)
//
// # What it does not model
//
// Object types other than users and assets (locations, contracts,
// software), asset assignment rules beyond storing assigned_to as sent,
// saved searches, the v2 bulk API, workflows (Oomnitza-Not-Trigger-WF is accepted and has no effect),
// change history, and the exact status and text of errors the vendor does
// not document.
//
// # Failure injection
//
// WithLatency, WithRateLimit (429 with Retry-After), WithFaults, Inject,
// InjectTooManyRequests, FailRoute, FaultsServed, Connections and Reset,
// as in jumpcloudtest; Inject refuses a route the fake does not have.
package oomnitzatest
