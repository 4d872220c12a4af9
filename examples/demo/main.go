// Command demo runs the whole jcoom SDK end to end against its in-memory
// fakes: no credentials and no network beyond loopback, a few seconds.
//
// It tells the story first: a draft mapping refused, the plan, apply, a
// rerun with zero writes, changed users and their field diffs, a recycled
// email disputed, the deprovision threshold stopping a run, the five
// presets on one person with write-back, and the final report. Then it
// shows the clients and the mapping under the hood.
//
//	go run ./examples/demo                 # 1,000 generated users
//	go run ./examples/demo -users 200      # a smaller tenant
//	go run ./examples/demo -json           # the story's figures as JSON
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
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
	jcsync "github.com/jcoom/jcoom/sync"
)

func main() {
	users := flag.Int("users", 1000, "JumpCloud users the fakes generate (at least 50)")
	asJSON := flag.Bool("json", false, "print the story's figures as JSON instead of the text")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, config{users: *users, json: *asJSON}); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

// config is the demo's flags.
type config struct {
	users int
	json  bool
}

func run(ctx context.Context, out io.Writer, cfg config) error {
	if cfg.users < 50 || cfg.users > 100_000 {
		return fmt.Errorf("-users %d: want 50 to 100000", cfg.users)
	}
	text := out
	if cfg.json {
		text = io.Discard
	}
	doc, err := runStory(ctx, text, cfg.users)
	if err != nil {
		return fmt.Errorf("the story: %w", err)
	}
	if err := underTheHood(ctx, text, cfg.users); err != nil {
		return err
	}
	fmt.Fprintln(text, "\nTry the CLI: go run ./examples/jcoom fake; many orgs on Temporal: examples/temporal")
	if cfg.json {
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(out, "%s\n", b)
		return err
	}
	return nil
}

// underTheHood shows the clients and the mapping one feature at a time:
// streaming, filters, lost responses, workflow actions, roles, bad input,
// rate limits, field metadata, Smart Mapping, drafts, unique fields, SaaS.
func underTheHood(ctx context.Context, out io.Writer, n int) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	users := jumpcloudtest.GenerateUsers(n, 2026)
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
	say("\n== Under the hood: fake JumpCloud at %s with %d users ==", srv.URL, srv.Len())

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
	say("\n13. Users.All (concurrency 4) read %d users in %s despite injected 502/503/resets",
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
	say("\n14. Filter department=Security, state=ACTIVATED: %d match; first %d:", page.TotalCount, len(page.Users))
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
	say("\n15. Create with a lost response: user %s (%s), users %d -> %d (exactly one more)", ada.Username, ada.ID, before, srv.Len())

	// 4. The user workflow actions.
	if err := jc.Users.Activate(ctx, ada.ID, jumpcloud.SendEmail(false)); err != nil {
		return err
	}
	ada, err = jc.Users.Update(ctx, ada.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Chief Analyst")})
	if err != nil {
		return err
	}
	say("\n16. Activate + Update: state %s, job title %q", ada.State, ada.JobTitle)
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
	say("\n17. %s is also a console administrator: role %q", boss.Email, role)
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
	say("\n18. Deleted %s; Get now fails with ErrNotFound: %v", gone.Username, errors.Is(err, jumpcloud.ErrNotFound))

	// 7. Bad input is refused before anything is sent.
	_, err = jc.Users.Get(ctx, "not-an-id")
	say("\n19. Bad input, nothing sent:\n   %v", err)
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
	say("\n20. A scripted 429 (Retry-After: 1): the client waited %s and succeeded", time.Since(start).Round(100*time.Millisecond))
	say("   faults the fake served: %v", srv.FaultsServed())

	printCalls(out, "JumpCloud", srv.Calls())
	say("   %d requests over %d connections (idle connections are kept for concurrent pages)", total(srv.Calls()), srv.Connections())

	if err := runOomnitza(ctx, out, srv, jc); err != nil {
		return fmt.Errorf("oomnitza part: %w", err)
	}
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
	say("\n21. GET /api/v3/users/meta: %d fields; unique (usable as sync keys): %v", len(fields), unique)

	// 9. The mapping: Smart Mapping suggestions, a draft, then the standard
	// mapping with a role, compiled against this instance's schema.
	schema := jcsync.SchemaFromFields(fields)
	say("\n22. Smart Mapping suggestions (JumpCloud -> Oomnitza):")
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
	say("\n23. A second record with the same JumpCloud User Id: ErrConflict=%v\n    %v", errors.Is(err, oomnitza.ErrConflict), err)

	// 11. Typed filters are quoted and escaped: values never change their meaning.
	f := oomnitza.And(oomnitza.Like("position", "Security%"), oomnitza.Eq("suspended", false))
	page, err := oc.Users.List(ctx, &oomnitza.ListOptions{Limit: 3, Filter: f, Fields: []string{"username", "position"}, Sort: "username"})
	if err != nil {
		return err
	}
	say("\n24. filter=%s -> %d users; first %d:", f, page.Total, len(page.Users))
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
	say("\n25. PATCH position -> %q; jump_cloud_user_id still %s", upd.Position, upd.CustomString("jump_cloud_user_id"))

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
	say("\n26. SaaS %q (id %d): %s has external id %s, role %q; after Deactivate active=%v",
		app.SaaSName, app.SaaSID, su.Username, su.UserExternalID, su.Roles.RoleExternalLabel, active)

	// 14. Hostile input and lost replies: refused before sending, bounded,
	// or recognised as done.
	_, err = oc.Users.Update(ctx, "..", oomnitza.Record{"position": "x"})
	say("\n27. An id that would reach another route, nothing sent:\n    %v", err)
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

	printCalls(out, "Oomnitza", srv.Calls())
	say("   %d requests over %d connections", total(srv.Calls()), srv.Connections())
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
