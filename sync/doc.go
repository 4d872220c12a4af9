// Package sync makes Oomnitza the single source of truth for JumpCloud
// users: it plans a reviewable diff, applies exactly that plan, reports
// what it did, and runs on a schedule.
//
// # Getting started
//
//	s, err := sync.New(jc, oc, mapping.Standard().WithRole(25)) // no I/O; a draft mapping is an error
//	plan, err := s.Plan(ctx)       // reads both sides, writes nothing
//	fmt.Print(plan.Summary())      // counts per operation; plan.Diff(n) shows field changes
//	b, err := plan.JSON()          // review it, store it, apply it later: sync.ParsePlan(b)
//	rep, err := s.Apply(ctx, plan) // applies exactly that plan
//	fmt.Print(rep.Summary())
//	if err := rep.Err(); err != nil { ... } // ErrPartial: some records failed
//
//	err = s.RunEvery(ctx, sync.Daily("02:00", time.UTC), func(r *sync.Report, err error) { ... })
//
// # Plan
//
// Plan reads the Oomnitza People fields, validates the mapping against
// them (a draft returns the *mapping.ValidationError), reads the Oomnitza
// users once with only the fields the mapping and its keys need, and
// streams the JumpCloud users in their wire form (every value as the API
// sent it, false and null included). Each JumpCloud user gets exactly one
// operation:
//
//   - create, or update with only the fields that differ (old -> new,
//     compared with the mapping's Equal, so no type makes a perpetual
//     difference);
//   - unchanged;
//   - skip, with its reason: filtered out, a required value missing, a
//     sync key value shared by several users on either side, create_only
//     or update_only;
//   - disputed, never merged: the sync keys point to different Oomnitza
//     users, or the matched Oomnitza user carries another JumpCloud id
//     (a recycled email).
//
// Matching follows the ordered sync keys, emails trimmed and
// case-folded. Values from the run itself ($sync.time) ride along with
// other changes but never make a record differ on their own, so an
// unchanged rerun writes nothing. The plan carries what Apply checks: the
// mapping's fingerprint, the Oomnitza URL and the JumpCloud org (never a
// credential).
//
// # Apply
//
// Apply refuses a plan made for another tenant or mapping
// (ErrPlanMismatch). Before it changes a record it re-reads the current
// values, in batches: still what the plan saw -> written (a PATCH with
// only the differing fields); already what the plan would write ->
// "already applied"; anything else -> "stale", left alone. A plan can
// therefore be applied again, or resumed after a failure or a
// cancellation, with no double write; OpRange applies a range of
// operations for schedulers that work in chunks, and OnApplyProgress
// reports after each batch (ApplyBatchSize) the operation a resumed apply
// starts at (ApplyProgress.Through); Report.Before and Report.Merge join
// the reports of the interrupted and the resumed apply. Retryable says
// whether running a failed step again can help, RecordOutcome.Retryable
// the same per record. Creates are safe under
// lost responses (the client's safe create). Writes run on a bounded
// pool (WithConcurrency) within the clients' rate limits; one failing
// record never stops the others.
//
// # Deprovisioning
//
// Off by default. WithDeprovision(Deprovision{Action: Suspend(), MaxCount:
// 10}) touches only Oomnitza users that carry a JumpCloud id that
// JumpCloud no longer has, only after JumpCloud was read completely (the
// users read equal its totalCount and the read ended without an error),
// checks with JumpCloud that each id is really gone before writing, and
// stops with ErrThresholdExceeded, writing nothing, above the threshold.
//
// # Devices into assets
//
// A mapping of kind assets (mapping.StandardAssets) runs on the same
// engine: New reads JumpCloud systems, joins the System Insights rows of
// the tables the mapping references (fetched in batches of system ids),
// and plans against Oomnitza assets, with the same apply, re-checks,
// report and zero-write reruns. assigned_to is looked up through
// oomnitza_username: the Oomnitza user carrying the device's bound
// JumpCloud user id, else the one unlinked user with that email or
// username; ambiguity assigns nobody. A device without a serial number is
// skipped with its reason. Deprovisioning for assets sets a field
// (SetField("status", "Retired")) or deletes; Suspend is for users.
// WithTargetFields validates against given fields where the instance has
// no asset metadata endpoint.
//
// # Users plus SaaS users
//
// With mode users_and_saas, the SaaS application (default "JumpCloud") is
// found or created once, and every synced user is assigned to it with the
// JumpCloud id as external id and its role (presets.RoleOf: the
// administrator role, else "User") as SaaS role. Up-to-date SaaS users
// cost no write.
//
// # Reports
//
// A Report counts the outcomes (Created, Updated, AlreadyApplied,
// Unchanged, Skipped, Disputed, Stale, Deprovisioned, Failed, NotRun; the
// JumpCloud users' outcomes add up to the users read), lists every
// record's outcome with its changes and error, counts the API calls per
// endpoint and encodes to JSON. Err is non-nil whenever anything failed,
// was not run, or JumpCloud was not read completely.
//
// # Insights
//
// Insights reads the JumpCloud users once, streamed, and reports per
// finding (presets.Findings) the count, the users and the preset that
// fixes it. JoinOomnitza joins the Oomnitza users through the mapping's
// sync keys, adding suspended in JumpCloud but active in Oomnitza, gone
// from JumpCloud (only after a complete read) and missing from Oomnitza,
// and naming each user's Oomnitza record so a presets.Runner can fix it.
// The report encodes to JSON, CSV and a summary; InsightsAt fixes the
// clock. It writes nothing.
//
// # Schema
//
// FetchSchema and SchemaFromFields turn Oomnitza field metadata into the
// *mapping.Schema a mapping is validated against; Plan does this itself.
//
// # Errors
//
// Errors callers branch on: ErrThresholdExceeded (a deprovision threshold
// stopped the run; the plan or report is returned with it, for review),
// ErrPlanMismatch (a plan for another tenant, mapping or kind), ErrPartial
// (some records failed or were not run; Report.Err) and ErrIncompleteRead
// (JumpCloud was not read completely: what was read was synced, nothing
// was deprovisioned). A draft mapping is the *mapping.ValidationError, and
// the clients' errors are wrapped with %w, so errors.Is(err,
// jumpcloud.ErrUnauthorized) works through a run.
//
// # Rate limits and retries
//
// The sync makes its calls through the clients, so their rate limits and
// retries apply; WithConcurrency bounds the writes in flight. Reads are
// paged (Oomnitza in pages of oomnitza.DefaultPageSize with only the
// fields needed, JumpCloud streamed), and Apply re-reads in batches of 50
// ids per request.
//
// # Safety
//
// Nothing is written that a plan did not show: Run is Plan then Apply of
// that plan, Apply re-checks every record before writing it, and a
// deprovision is applied only as its plan shows it. No record is tied to
// the wrong person: shared key values are skipped, conflicting keys and
// recycled emails are disputed. Nothing destructive happens on an
// incomplete read. Plans and reports never hold a credential.
//
// # Testing with the fakes
//
// Point a Syncer at jumpcloudtest and oomnitzatest servers
// (srv.Client()) to test a mapping and a sync end to end with no tenant;
// WithClock fixes the run time. The example below runs that way.
package sync
