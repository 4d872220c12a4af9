// Package jumpcloudtest is an in-memory fake of the JumpCloud API for tests,
// benchmarks and demos. It runs on a loopback httptest.Server and answers as
// the vendor's specs and the project's reference notes say JumpCloud does,
// because code tested against it will run against tenants that cannot be
// restored.
//
// # Use
//
//	srv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(1000, 1))
//	defer srv.Close()
//	jc, err := srv.Client()
//
// # What it models
//
//	Area                 Modelled                                          Source
//	auth, tenancy        x-api-key; x-org-id rules (400 malformed, 401     spec (H)
//	                     missing for multi-tenant, 404 unknown org);
//	                     x-org-id optional and ignored on /api/users       notes section 1
//	system users         list/get/create/PUT (partial, body optional)/     spec (H)
//	                     delete (cascade_manager, 409 for managers),
//	                     unlock, expire, resetmfa, state/activate,
//	                     ssh keys (list/add/delete)
//	list parameters      limit (default 10, max 100), skip, sort (space    spec (H)
//	                     separated, "-" descending), fields, filter
//	filters              $eq $ne $gt $gte $lt $lte $in $nin $sw, ANDed or  spec, 2025 spec
//	                     filter[or][n]; $ew $co $nco only with
//	                     x-eventually-consistent: true; on response
//	                     fields, nested paths (admin.roleName) included;
//	                     parsed by the fake's own parser, not the client's
//	advanced search      POST /api/search/systemusers: searchFilter        spec (H); the
//	                     (substring of searchTerm in fields) and a          filter object's
//	                     Mongo-style filter object ($eq $ne $in $regex,     form is inferred
//	                     and/or)
//	error bodies         parameter errors and duplicates message-only      notes section 5
//	                     ({"message": "Already Exists"}); schema errors
//	                     ErrorDetails {code,message,status,details};
//	                     401/403/404/409 the Error {code,message,status}
//	defaults             every systemuserreturn field present; unix_uid    spec minimum 1;
//	                     and unix_guid from 5000; seeded users belong to    5000 is inferred
//	                     the server's org
//	admin property       the admin object ({id, roleName, roleNames}) from   2025 spec; fill
//	                     the administrator with the same email, else null;  by email inferred
//	                     WithoutAdminProperty omits it (pre-2025 tenants)
//	systems              GET /api/systems (paging, filters, sort, fields   spec (H)
//	                     as for users), GET /api/systems/{id}; generated
//	                     devices (WithGeneratedSystems): Mac, Windows and
//	                     Linux models with unique serials, VMs without     generated data
//	                     one, ~9 in 10 bound to an active user             inferred
//	system insights      GET /api/v2/systeminsights/{table} for            v2 spec (H);
//	                     system_info, os_version, chassis_info, disk_info, notes assets.md
//	                     battery: bare arrays, limit up to 10,000, eq and
//	                     in only, system_id plus one table field; unknown
//	                     table 404; some devices have insights disabled
//	clock                password_expired follows password_expiration_     inferred
//	                     date and WithClock; GenerateUsersAt and
//	                     WithGeneratedUsers build data relative to it
//
// # What it does not model
//
// The search query parameter of GET /systemusers (its encoding in a query
// string is documented nowhere: the fake answers 400 rather than ignore
// it), v2 endpoints other than System Insights (groups, associations,
// the graph of system bindings), the System Insights tables without
// hardware facts (software, users, apps), passwords and MFA beyond the
// flags, the exact text of JumpCloud's messages where no source quotes
// one, and rate limits by number (none are published; WithRateLimit and
// Fault429 let tests choose).
//
// # Failure injection
//
// WithLatency delays requests; WithRateLimit answers 429 with Retry-After
// from a token bucket; WithFaults injects faults at random. Inject scripts
// faults for the next requests to a route (500, 502, 503, 429, connection
// reset, commit-then-drop, where the write happens and the reply is lost,
// and slow bodies), InjectTooManyRequests scripts a 429 with any
// Retry-After value, FailRoute fails every request to a route, and a route
// the fake does not have is an error. Calls counts requests per route,
// FaultsServed the faults served, Connections the connections opened, and
// Reset clears counters and scripted faults.
package jumpcloudtest
