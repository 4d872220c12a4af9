// Package presets runs the five JumpCloud workflow actions of Oomnitza's
// JumpCloud integration (Create User, Delete User, Unlock User, Expire
// System Password, User Role) as typed, repeatable, checked operations,
// alone or driven by Oomnitza People records.
//
// # Typed actions
//
//	res, err := presets.UnlockUser(ctx, jc, jumpcloudUserID)
//	fmt.Println(res.Status, res.Reason) // applied: unlocked the account
//
// Each action returns a *Result (it encodes to JSON): a Status (applied,
// noop, dryrun, failed), the JumpCloud user id, the role for User Role, a
// one-line Reason, and the JumpCloud request made or that would be made
// (method, path, body; never a credential, a password shows as
// "[redacted]"). On failure the error is returned and also kept in the
// result (Result.Err).
//
// # Repeatable, never destructive by accident
//
// An action whose goal already holds writes nothing and reports NoOp:
// unlocking an unlocked user, expiring an expired password, deleting a
// user already gone (404), creating a user who exists with the same
// username and email (linked, not duplicated). The same username with
// another email is a *ConflictError naming the existing user. A create
// whose response is lost never makes a second user (the client's safe
// create).
//
// Delete User and Expire Password, the actions that hurt when aimed at the
// wrong person, check identity when run from an Oomnitza record (or with
// ForPerson): the JumpCloud user's email or alternateEmail must equal the
// record's email (trimmed, case-folded), or its username the record's
// username; otherwise the action is refused with ErrIdentityMismatch and
// nothing is written. WithoutIdentityCheck turns the check off.
//
// A JumpCloud id that is missing, empty or not 24 lower-case hex
// characters is an *InputError naming the field it came from
// (jump_cloud_user_id), before any request. Path variables are escaped as
// one segment each, so no value reaches another endpoint.
//
// # Registry
//
// All and Lookup return the presets by name (jumpcloud.create_user,
// jumpcloud.delete_user, jumpcloud.unlock_user, jumpcloud.expire_password,
// jumpcloud.user_role); each tells its Description, Inputs and Request
// template, such as POST /api/systemusers/{{jump_cloud_user_id}}/unlock.
//
// # Runner
//
//	run := presets.NewRunner(jc, oc, presets.WithIDField("jump_cloud_user_id"))
//	res, err := run.Run(ctx, "jumpcloud.expire_password", oomnitzaUserID, presets.DryRun())
//	results, err := run.RunMany(ctx, "jumpcloud.unlock_user", oomnitzaUserIDs)
//
// A Runner reads the Oomnitza user, renders the inputs from its fields,
// runs the action and writes the outcome back onto the record: the
// JumpCloud id after Create (also when an existing user was linked), the
// id cleared after Delete, and the role after User Role, by default as the
// user's SaaS role on the "JumpCloud" SaaS application (found by name or
// created; the user assigned with the JumpCloud id as external id), or,
// with WithRoleField, into a People field. Write-backs are listed in
// Result.WriteBack and are skipped when the record already holds the
// value, so a rerun writes nothing. DryRun reads the record and renders the
// request but sends no JumpCloud request and writes nothing. RunMany runs
// one preset over many users with bounded concurrency and returns one
// result per user, in input order; one failure never stops the others.
//
// User Role reads the administrator role: admin.roleName on the system
// user, or, for tenants whose system users have no admin property, the
// administrator with the same email from GET /api/users; else the plain
// role "User".
//
// # Insights
//
// Suggest reads one JumpCloud user's wire record and reports what needs
// attention, each Suggestion with its evidence (the fields and values it
// rests on) and the preset that fixes it, or, when none of the five does,
// what does: locked accounts (Unlock User), expired passwords (no preset:
// the user must reset), passwords expiring soon or never expiring (Expire
// System Password), users never activated and MFA not configured (no
// preset), administrators (User Role). Findings and Describe list every
// finding; the sync package's Insights runs Suggest over a whole tenant.
//
// # Errors
//
// ErrInvalidInput (an *InputError naming the field, the value and what was
// expected), ErrIdentityMismatch (an *IdentityError naming both sides),
// ErrUnknownPreset, and *ConflictError, which matches jumpcloud.ErrConflict.
// The clients' errors (ErrNotFound, ErrRateLimited, ...) are wrapped with
// %w. A failed run's Result has StatusFailed and the error's text.
//
// # Rate limits and retries
//
// Actions make their calls through the clients, so their rate limits and
// retries apply; RunMany runs at most WithConcurrency (4 by default) at a
// time.
//
// # Safety
//
// Nothing is sent before the inputs are checked; DryRun sends nothing;
// Delete and Expire check the person first; a repeat writes nothing.
//
// # Testing with the fakes
//
// jumpcloudtest and oomnitzatest serve every route the presets use; the
// examples of this package run against them.
package presets
