// Command demo runs the jcoom SDK end to end against in-memory fakes: no
// credentials and no network beyond loopback. It grows with every part of
// the SDK; today it shows the JumpCloud client against jumpcloudtest and
// the Oomnitza client against oomnitzatest.
//
//	go run ./examples/demo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	users := jumpcloudtest.GenerateUsers(1000, 2026)
	srv := jumpcloudtest.NewServer(
		jumpcloudtest.WithUsers(users...),
		jumpcloudtest.WithAdmins(
			&jumpcloud.Admin{Email: users[0].Email, Firstname: users[0].Firstname, Lastname: users[0].Lastname, RoleName: "Administrator With Billing"},
			&jumpcloud.Admin{Email: "helpdesk@example.com", Firstname: "Help", Lastname: "Desk", RoleName: "Help Desk"},
		),
		jumpcloudtest.WithLatency(2*time.Millisecond),
		// A flaky network: the client retries these transparently.
		jumpcloudtest.WithFaults(0.05, 7, jumpcloudtest.Fault502, jumpcloudtest.Fault503, jumpcloudtest.FaultReset),
	)
	defer srv.Close()
	jc, err := srv.Client(jumpcloud.WithRateLimit(500, 20), jumpcloud.WithBackoff(5*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		return err
	}
	say("== jcoom demo: fake JumpCloud at %s with %d users ==", srv.URL, srv.Len())

	// 1. Stream every user, pages fetched 4 at a time, in _id order.
	start := time.Now()
	states := map[jumpcloud.State]int{}
	var locked, expired int
	for u, err := range jc.Users.All(ctx, &jumpcloud.ListOptions{Concurrency: 4}) {
		if err != nil {
			return fmt.Errorf("listing users: %w", err)
		}
		states[u.State]++
		if u.AccountLocked {
			locked++
		}
		if u.PasswordExpired {
			expired++
		}
	}
	say("\n1. Users.All (concurrency 4) read %d users in %s despite injected 502/503/resets",
		states[jumpcloud.StateActivated]+states[jumpcloud.StateStaged]+states[jumpcloud.StateSuspended], time.Since(start).Round(time.Millisecond))
	for _, st := range []jumpcloud.State{jumpcloud.StateActivated, jumpcloud.StateStaged, jumpcloud.StateSuspended} {
		say("   %-9s %4d", st, states[st])
	}
	say("   locked accounts: %d, expired passwords: %d", locked, expired)

	// 2. Typed filters, evaluated by the server.
	page, err := jc.Users.List(ctx, &jumpcloud.ListOptions{Limit: 3, Fields: []string{"username", "jobTitle", "department"},
		Filter: jumpcloud.Filters{jumpcloud.Eq("department", "Security"), jumpcloud.Eq("state", jumpcloud.StateActivated)}})
	if err != nil {
		return err
	}
	say("\n2. Filter department=Security, state=ACTIVATED: %d match; first %d:", page.TotalCount, len(page.Users))
	for _, u := range page.Users {
		say("   %-28s %s", u.Username, u.JobTitle)
	}

	// 3. A create whose response is lost never duplicates the user.
	srv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop)
	before := srv.Len()
	ada, err := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{
		Username: "ada.lovelace.demo", Email: "ada.lovelace.demo@example.com", Firstname: "Ada", Lastname: "Lovelace",
		JobTitle: "Analyst", State: jumpcloud.StateStaged,
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	say("\n3. Create with a lost response: user %s (%s), users %d -> %d (exactly one more)", ada.Username, ada.ID, before, srv.Len())

	// 4. The user workflow actions.
	if err := jc.Users.Activate(ctx, ada.ID, jumpcloud.SendEmail(false)); err != nil {
		return err
	}
	ada, err = jc.Users.Update(ctx, ada.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Chief Analyst")})
	if err != nil {
		return err
	}
	say("\n4. Activate + Update: state %s, job title %q", ada.State, ada.JobTitle)
	srv.LockUser(ada.ID)
	if err := jc.Users.Unlock(ctx, ada.ID); err != nil {
		return err
	}
	if err := jc.Users.ExpirePassword(ctx, ada.ID); err != nil {
		return err
	}
	ada, err = jc.Users.Get(ctx, ada.ID)
	if err != nil {
		return err
	}
	say("   Unlock: account_locked=%v   ExpirePassword: password_expired=%v", ada.AccountLocked, ada.PasswordExpired)

	// 5. Roles: the admin object on a system user, and the administrators list.
	boss, err := jc.Users.GetByEmail(ctx, users[0].Email)
	if err != nil {
		return err
	}
	role := "User"
	if boss.Admin != nil {
		role = boss.Admin.RoleName
	}
	say("\n5. %s is also a console administrator: role %q", boss.Email, role)
	for a, err := range jc.Admins.All(ctx, nil) {
		if err != nil {
			return err
		}
		say("   admin %-34s %s", a.Email, a.RoleName)
	}
	admins, err := jc.Users.List(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Ne("admin", "")}, Fields: []string{"username", "admin"}})
	if err != nil {
		return err
	}
	say("   filter admin:$ne:null finds the system users who are administrators: %d", admins.TotalCount)

	// 6. Delete returns the deleted user; later calls see ErrNotFound.
	gone, err := jc.Users.Delete(ctx, ada.ID, nil)
	if err != nil {
		return err
	}
	_, err = jc.Users.Get(ctx, ada.ID)
	say("\n6. Deleted %s; Get now fails with ErrNotFound: %v", gone.Username, errors.Is(err, jumpcloud.ErrNotFound))

	// 7. Bad input is refused before anything is sent.
	_, err = jc.Users.Get(ctx, "not-an-id")
	say("\n7. Bad input, nothing sent:\n   %v", err)
	_, err = jc.Users.List(ctx, &jumpcloud.ListOptions{Limit: 500})
	say("   %v", err)

	// 8. Scripted faults: a 429 with Retry-After for one route.
	if err := srv.InjectTooManyRequests("GET /api/systemusers", "1"); err != nil {
		return err
	}
	start = time.Now()
	if _, err := jc.Users.List(ctx, &jumpcloud.ListOptions{Limit: 1}); err != nil {
		return err
	}
	say("\n8. A scripted 429 (Retry-After: 1): the client waited %s and succeeded", time.Since(start).Round(100*time.Millisecond))
	say("   faults the fake served: %v", srv.FaultsServed())

	printCalls(out, "JumpCloud", srv.Calls())
	say("   %d requests over %d connections (idle connections are kept for concurrent pages)", total(srv.Calls()), srv.Connections())

	if err := runOomnitza(ctx, out, srv, jc); err != nil {
		return fmt.Errorf("oomnitza part: %w", err)
	}
	if err := runSync(ctx, out); err != nil {
		return fmt.Errorf("sync part: %w", err)
	}
	say("\nNext to land here: the jcoom CLI, insights, devices -> assets, and many orgs on Temporal.")
	return nil
}

func total(calls map[string]int) int {
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}

func printCalls(out io.Writer, api string, calls map[string]int) {
	fmt.Fprintf(out, "\n%s API calls by route (retries included):\n", api)
	for _, k := range slices.Sorted(maps.Keys(calls)) {
		fmt.Fprintf(out, "   %-45s %4d\n", k, calls[k])
	}
}

// runOomnitza shows the Oomnitza client and the mapping: field metadata,
// Smart Mapping, a draft mapping, the standard mapping applied to JumpCloud
// users, unique fields, filters, lost-response safety, and the "JumpCloud"
// SaaS application with users and roles.
func runOomnitza(ctx context.Context, out io.Writer, jsrv *jumpcloudtest.Server, jc *jumpcloud.Client) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	srv := oomnitzatest.NewServer(
		oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithLatency(time.Millisecond),
		oomnitzatest.WithFaults(0.05, 11, oomnitzatest.Fault502, oomnitzatest.Fault503),
	)
	defer srv.Close()
	oc, err := srv.Client(oomnitza.WithBackoff(5*time.Millisecond, 50*time.Millisecond), oomnitza.WithNotTriggerWorkflows(true))
	if err != nil {
		return err
	}
	say("\n== Oomnitza: fake instance at %s ==", srv.URL)

	// 8. Field metadata: what a mapping can write to.
	fields, err := oc.Users.Fields(ctx)
	if err != nil {
		return err
	}
	var unique []string
	for _, f := range fields {
		if f.Unique {
			unique = append(unique, f.ExternalID)
		}
	}
	say("\n8. GET /api/v3/users/meta: %d fields; unique (usable as sync keys): %v", len(fields), unique)

	// 9. The mapping: Smart Mapping suggestions, a draft, then the standard
	// mapping with a role, compiled against this instance's schema.
	schema := jcsync.SchemaFromFields(fields)
	say("\n9. Smart Mapping suggestions (JumpCloud -> Oomnitza):")
	for _, sg := range mapping.Suggest(mapping.JumpCloudUserFields(), schema.Fields()) {
		if sg.Score >= 0.9 {
			say("    %.2f  %-12s -> %-20s %s", sg.Score, sg.Source.Label, sg.Target.ExternalID, sg.Reason)
		}
	}
	if err := mapping.Standard().Validate(schema); err != nil {
		say("    mapping.Standard() alone: %v", err)
	}
	typos, err := mapping.Load(strings.NewReader(`name: typos
role: 25
sync_keys: [jumpcloud_user_id, email]
fields:
  - {from: _id, to: jump_cloud_user_id}
  - {from: email, to: [username, email], transform: [trimm, lower]}
  - {from: jobTitle, to: postion}
  - {from: created, to: creation_date}
`))
	if err != nil {
		return err
	}
	say("    a mapping file with typos, validated against the live schema:\n%v", typos.Validate(schema))
	m := mapping.Standard().WithRole(25)
	m.Filter = `department == "Security" && state == "ACTIVATED"`
	cm, err := m.Compile(schema, mapping.WithRun(mapping.RunInfo{Time: time.Now(), Credential: "JumpCloud (demo)"}))
	if err != nil {
		return err
	}
	say("    with role 25 and filter %q: valid; it writes %v", m.Filter, cm.Targets())

	created, skipped := 0, 0
	var first *oomnitza.User
	for u, err := range jc.Users.All(ctx, &jumpcloud.ListOptions{Concurrency: 4}) {
		if err != nil {
			return err
		}
		src, err := u.Record()
		if err != nil {
			return err
		}
		if ok, err := cm.Match(src); err != nil {
			return err
		} else if !ok {
			skipped++
			continue
		}
		rec, err := cm.Apply(src)
		if err != nil {
			return err
		}
		if created == 0 {
			srv.Inject("POST /api/v3/users", oomnitzatest.FaultCommitThenDrop) // the first reply is lost
		}
		p, err := oc.Users.Create(ctx, oomnitza.Record(rec))
		if err != nil {
			return err
		}
		if first == nil {
			first = p
		}
		created++
	}
	say("    applied to every JumpCloud user: %d created in Oomnitza, %d filtered out; instance holds %d (the first reply was lost; no duplicate)",
		created, skipped, srv.Len())
	back, err := oc.Users.Get(ctx, first.UserID)
	if err != nil {
		return err
	}
	src, _ := jc.Users.Get(ctx, first.CustomString("jump_cloud_user_id"))
	srcRec, _ := src.Record()
	again, _ := cm.Apply(srcRec)
	same := true
	for field, v := range again {
		got, _ := back.Field(field)
		same = same && cm.Equal(field, v, got)
	}
	say("    read back from Oomnitza, %s equals a fresh Apply: %v (a second sync would write nothing)", back.Username, same)

	// 10. Unique fields are enforced and reported clearly.
	_, err = oc.Users.Create(ctx, oomnitza.Record{"username": "someone.else@example.com", "role": 25, "jump_cloud_user_id": first.CustomString("jump_cloud_user_id")})
	say("\n10. A second record with the same JumpCloud User Id: ErrConflict=%v\n    %v", errors.Is(err, oomnitza.ErrConflict), err)

	// 11. Typed filters are quoted and escaped: values never change their meaning.
	f := oomnitza.And(oomnitza.Like("position", "Security%"), oomnitza.Eq("suspended", false))
	page, err := oc.Users.List(ctx, &oomnitza.ListOptions{Limit: 3, Filter: f, Fields: []string{"username", "position"}, Sort: "username"})
	if err != nil {
		return err
	}
	say("\n11. filter=%s -> %d users; first %d:", f, page.Total, len(page.Users))
	for _, u := range page.Users {
		say("    %-32s %s", u.Username, u.Position)
	}
	inj := oomnitza.Eq("username", `x" or username like "%`)
	page, err = oc.Users.List(ctx, &oomnitza.ListOptions{Filter: inj})
	if err != nil {
		return err
	}
	say("    filter=%s -> %d users (an injection attempt stays a literal)", inj, page.Total)

	// 12. Custom fields survive read -> modify -> write.
	upd, err := oc.Users.Update(ctx, first.UserID, oomnitza.Record{"position": "Chief Security Officer"})
	if err != nil {
		return err
	}
	say("\n12. PATCH position -> %q; jump_cloud_user_id still %s", upd.Position, upd.CustomString("jump_cloud_user_id"))

	// 13. "User plus SaaS user": the JumpCloud SaaS application.
	app, err := oc.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: "JumpCloud", URL: jc.BaseURL()})
	if err != nil {
		return err
	}
	if err := oc.SaaS.AssignUsers(ctx, app.SaaSID, oomnitza.Assignment{UserID: first.UserID, Assign: true}); err != nil {
		return err
	}
	if err := oc.SaaS.SetUserExternalID(ctx, app.SaaSID, first.UserID, first.CustomString("jump_cloud_user_id")); err != nil {
		return err
	}
	if err := oc.SaaS.SetUserRoles(ctx, app.SaaSID, first.UserID, oomnitza.RoleRef{ExternalID: "User", Label: "User"}); err != nil {
		return err
	}
	var su *oomnitza.SaaSUser
	for u, err := range oc.SaaS.Users(ctx, app.SaaSID) {
		if err != nil {
			return err
		}
		su = u
		break
	}
	if su == nil {
		return errors.New("the SaaS application has no users")
	}
	if err := oc.SaaSUsers.Deactivate(ctx, su.SaaSUserID); err != nil {
		return err
	}
	active, _ := srv.SaaSUserActive(su.SaaSUserID)
	say("\n13. SaaS %q (id %d): %s has external id %s, role %q; after Deactivate active=%v",
		app.SaaSName, app.SaaSID, su.Username, su.UserExternalID, su.Roles.RoleExternalLabel, active)

	// 14. Hostile input and lost replies: refused before sending, bounded,
	// or recognised as done.
	_, err = oc.Users.Update(ctx, "..", oomnitza.Record{"position": "x"})
	say("\n14. An id that would reach another route, nothing sent:\n    %v", err)
	bomb := mapping.Standard().WithRole(25)
	bomb.Fields = append(bomb.Fields, mapping.Field{Expr: `reduce(1..99999, #acc + firstname, "")`, To: []string{"full_name"}})
	bomb.Fields = slices.DeleteFunc(bomb.Fields, func(f mapping.Field) bool { return f.From == "displayname" })
	if cb, err := bomb.Compile(schema); err != nil {
		return err
	} else {
		_, err = cb.Apply(srcRec)
		say("    an expression that would build megabytes for one record: ErrOverBudget=%v\n    %v", errors.Is(err, mapping.ErrOverBudget), err)
	}
	_, err = oc.Users.Update(ctx, upd.UserID, oomnitza.Record{"creation_date": 0})
	say("    a write to a field the data model marks not editable is refused, as Oomnitza does:\n    %v", err)
	srv.Inject("DELETE /api/v3/users/{ident}", oomnitzatest.FaultCommitThenDrop)
	err = oc.Users.Delete(ctx, upd.UserID)
	_, getErr := oc.Users.Get(ctx, upd.UserID)
	say("    a DELETE whose reply is lost is retried; the 404 that follows means done: err=%v, user gone=%v",
		err, errors.Is(getErr, oomnitza.ErrNotFound))

	if err := runPresets(ctx, out, jsrv, jc, oc); err != nil {
		return fmt.Errorf("presets: %w", err)
	}

	printCalls(out, "Oomnitza", srv.Calls())
	say("   %d requests over %d connections", total(srv.Calls()), srv.Connections())
	return nil
}

// runPresets runs the five workflow actions on one Oomnitza record, then
// one of them over many records.
func runPresets(ctx context.Context, out io.Writer, jsrv *jumpcloudtest.Server, jc *jumpcloud.Client, oc *oomnitza.Client) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	show := func(res *presets.Result) {
		say("    %s", res)
		for _, c := range res.WriteBack {
			say("      wrote back %s: %v -> %v", c.Field, c.Old, c.New)
		}
	}
	say("\n== Presets: the five JumpCloud workflow actions, driven by an Oomnitza record ==")
	for _, p := range presets.All() {
		say("    %-26s %s", p.Name(), p.Request())
	}
	hedy, err := oc.Users.Create(ctx, oomnitza.Record{"username": "hedy.lamarr@example.com", "email": "hedy.lamarr@example.com",
		"first_name": "Hedy", "last_name": "Lamarr", "role": 25})
	if err != nil {
		return err
	}
	run := presets.NewRunner(jc, oc, presets.WithConcurrency(8))
	steps := []struct {
		preset string
		before func(*presets.Result)
		opts   []presets.Option
	}{
		{preset: presets.NameCreateUser, opts: []presets.Option{presets.DryRun()}},
		{preset: presets.NameCreateUser},
		{preset: presets.NameCreateUser},
		{preset: presets.NameUnlockUser, before: func(r *presets.Result) { jsrv.LockUser(r.UserID) }},
		{preset: presets.NameUnlockUser},
		{preset: presets.NameExpirePassword},
		{preset: presets.NameExpirePassword},
		{preset: presets.NameUserRole},
		{preset: presets.NameUserRole},
	}
	say("\n15. %s (Oomnitza user %s), step by step; a repeat finds the goal holding:", hedy.Username, hedy.UserID)
	var last *presets.Result
	for _, st := range steps {
		if st.before != nil && last != nil {
			st.before(last)
		}
		res, err := run.Run(ctx, st.preset, hedy.UserID, st.opts...)
		if err != nil {
			return err
		}
		show(res)
		if res.UserID != "" {
			last = res
		}
	}
	// The identity guard: an id aimed at someone else is refused.
	_, err = presets.DeleteUser(ctx, jc, last.UserID, presets.ForPerson(presets.Person{Email: "someone.else@example.com"}))
	say("    the same id on somebody else's record: ErrIdentityMismatch=%v, nothing sent", errors.Is(err, presets.ErrIdentityMismatch))
	_, err = run.Run(ctx, presets.NameUnlockUser, "../meta")
	say("    a hostile record id: %v", err)
	res, err := run.Run(ctx, presets.NameDeleteUser, hedy.UserID)
	if err != nil {
		return err
	}
	show(res)
	_, err = run.Run(ctx, presets.NameDeleteUser, hedy.UserID)
	say("    again: %v", err)

	// RunMany: one preset over every linked record, some accounts locked.
	var ids []string
	locked := 0
	for u, err := range oc.Users.All(ctx, &oomnitza.ListOptions{Fields: []string{"jump_cloud_user_id"}}) {
		if err != nil {
			return err
		}
		if u.CustomString("jump_cloud_user_id") == "" {
			continue
		}
		ids = append(ids, u.UserID)
		if len(ids)%4 == 0 {
			jsrv.LockUser(u.CustomString("jump_cloud_user_id"))
		}
		if ju, ok := jsrv.User(u.CustomString("jump_cloud_user_id")); ok && ju.AccountLocked {
			locked++
		}
	}
	for round := 1; round <= 2; round++ {
		results, err := run.RunMany(ctx, presets.NameUnlockUser, ids)
		if err != nil {
			return err
		}
		counts := map[presets.Status]int{}
		for _, r := range results {
			counts[r.Status]++
		}
		say("    RunMany unlock_user over %d linked records (%d locked), run %d: applied %d, noop %d, failed %d",
			len(ids), locked, round, counts[presets.StatusApplied], counts[presets.StatusNoOp], counts[presets.StatusFailed])
	}
	return nil
}

// runSync tells the sync's story on fresh fakes: a draft, a plan, apply,
// a rerun with zero writes, changes with their diffs, a recycled email,
// and the deprovision threshold.
func runSync(ctx context.Context, out io.Writer) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	const n = 300
	now := time.Now()
	jsrv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(n, 99), jumpcloudtest.WithLatency(time.Millisecond))
	defer jsrv.Close()
	osrv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()), oomnitzatest.WithLatency(time.Millisecond))
	defer osrv.Close()
	jc, err := jsrv.Client()
	if err != nil {
		return err
	}
	oc, err := osrv.Client()
	if err != nil {
		return err
	}
	say("\n== Sync: JumpCloud (%d users) -> an empty Oomnitza ==", n)

	// 16. A mapping without a role is a draft: nothing can run.
	_, err = jcsync.New(jc, oc, mapping.Standard())
	say("\n16. sync.New with mapping.Standard() and no role:\n    %v", err)

	s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25), jcsync.WithCredentialName("JumpCloud (demo)"))
	if err != nil {
		return err
	}
	plan, err := s.Plan(ctx)
	if err != nil {
		return err
	}
	say("\n17. The plan (nothing written yet; it encodes to JSON for review):")
	say("%s", indent(plan.Summary()))
	rep, err := s.Apply(ctx, plan)
	if err != nil {
		return err
	}
	say("18. Apply: %d created in %s, err=%v; Oomnitza holds %d", rep.Counts.Created, rep.Duration.Round(time.Millisecond), rep.Err(), osrv.Len())

	osrv.ResetCalls()
	rep, err = s.Run(ctx)
	if err != nil {
		return err
	}
	say("\n19. Run again: %d unchanged, %d Oomnitza writes", rep.Counts.Unchanged, writeCalls(osrv.Calls()))

	// 20. Three people change in JumpCloud.
	users := jsrv.Users()
	for i, u := range users[:3] {
		req := &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Director of " + u.Department)}
		if i == 2 {
			req.Lastname = jumpcloud.Ptr(u.Lastname + "-Smith")
			req.Displayname = jumpcloud.Ptr(u.Firstname + " " + u.Lastname + "-Smith")
		}
		if _, err := jc.Users.Update(ctx, u.ID, req); err != nil {
			return err
		}
	}
	plan, err = s.Plan(ctx)
	if err != nil {
		return err
	}
	say("\n20. Three users changed in JumpCloud; the plan shows field-level diffs:\n%s", plan.Diff(5))
	osrv.ResetCalls()
	if rep, err = s.Apply(ctx, plan); err != nil {
		return err
	}
	say("    applied: %d updated, %d PATCHes carrying only those fields", rep.Counts.Updated, osrv.Calls()["PATCH /api/v3/users/{ident}"])
	rep, err = s.Apply(ctx, plan)
	if err != nil {
		return err
	}
	say("    the same plan applied again: %d already applied, %d written", rep.Counts.AlreadyApplied, rep.Writes())

	// 21. A recycled email: the person left, the address went to someone new.
	left := users[10]
	if _, err := jc.Users.Delete(ctx, left.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err != nil {
		return err
	}
	newcomer, err := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "newcomer", Email: left.Email, Firstname: "New", Lastname: "Comer"})
	if err != nil {
		return err
	}
	plan, err = s.Plan(ctx)
	if err != nil {
		return err
	}
	for _, op := range plan.Ops {
		if op.SourceID == newcomer.ID {
			say("\n21. %s was given %s, the address of a JumpCloud user who left: %s\n    %s", newcomer.Username, left.Email, op.Kind, op.Reason)
		}
	}

	// 22. Deprovisioning, off by default, stops above its threshold.
	gone := 0
	for _, u := range users[20:] {
		if gone == 30 {
			break
		}
		if _, err := jc.Users.Delete(ctx, u.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err == nil {
			gone++
		}
	}
	guarded, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: 10}))
	if err != nil {
		return err
	}
	osrv.ResetCalls()
	_, err = guarded.Run(ctx)
	say("\n22. %d more users left JumpCloud; a sync that may suspend at most 10:\n    ErrThresholdExceeded=%v, Oomnitza writes: %d\n    %v",
		gone, errors.Is(err, jcsync.ErrThresholdExceeded), writeCalls(osrv.Calls()), err)
	allowed, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxPercent: 15}))
	if err != nil {
		return err
	}
	rep, err = allowed.Run(ctx)
	if err != nil {
		return err
	}
	say("    with at most 15%%: %d suspended, %d disputed left alone, %d unchanged; err=%v", rep.Counts.Deprovisioned, rep.Counts.Disputed, rep.Counts.Unchanged, rep.Err())
	say("\n23. The final report:\n%s", indent(rep.Summary()))
	say("    (the demo's sync ran in %s)", time.Since(now).Round(time.Millisecond))
	return nil
}

func writeCalls(calls map[string]int) int {
	n := 0
	for k, v := range calls {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
