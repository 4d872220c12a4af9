package readme_test

// The README's Go snippets, each verbatim in a function body.
// TestREADMESnippetsAreHere checks that they match the README; the
// package's tests compile them and run those that can against the fakes.
// Edit README.md and this file together.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/presets"
	"github.com/jcoom/jcoom/sync"
)

func jumpCloudQuickStart(ctx context.Context, apiKey, orgID string) error {
	jc, err := jumpcloud.NewClient(apiKey,
		jumpcloud.WithOrgID(orgID),     // multi-tenant administrators only
		jumpcloud.WithRateLimit(10, 5)) // client-side limit; every retry counts
	if err != nil {
		return err
	}
	// Every activated user, streamed page by page (lazy, re-iterable, in _id order).
	for u, err := range jc.Users.All(ctx, &jumpcloud.ListOptions{
		Filter: jumpcloud.Filters{jumpcloud.Eq("state", jumpcloud.StateActivated)},
	}) {
		if err != nil {
			return err
		}
		fmt.Println(u.Username, u.Email, u.JobTitle)
	}
	u, err := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{
		Username: "ada", Email: "ada@example.com", Firstname: "Ada", Lastname: "Lovelace"})
	if err != nil {
		return err
	}
	if _, err := jc.Users.Update(ctx, u.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("CTO")}); err != nil {
		return err
	}
	if err := jc.Users.Unlock(ctx, u.ID); err != nil {
		return err
	}
	if _, err := jc.Users.Delete(ctx, u.ID, nil); errors.Is(err, jumpcloud.ErrNotFound) {
		fmt.Println("already gone")
	}
	return nil
}

func oomnitzaQuickStart(ctx context.Context, token, jumpcloudID string) error {
	oc, err := oomnitza.NewClient("https://acme.oomnitza.com", token) // or oomnitza.FromEnv()
	if err != nil {
		return err
	}
	// Writes take a Record keyed by field external id: custom fields included.
	u, err := oc.Users.Create(ctx, oomnitza.Record{
		"username": "ada@acme.com", "email": "ada@acme.com", "role": 25,
		"jump_cloud_user_id": jumpcloudID})
	if err != nil {
		return err
	}
	if _, err := oc.Users.Update(ctx, u.UserID, oomnitza.Record{"position": "CTO"}); err != nil { // PATCH
		return err
	}
	// Typed, escaped filters; only the fields you need; X-Total-Count paging.
	for u, err := range oc.Users.All(ctx, &oomnitza.ListOptions{
		Filter: oomnitza.And(oomnitza.Like("email", "%@acme.com"), oomnitza.IsNull("jump_cloud_user_id")),
		Fields: []string{"username", "email"},
	}) {
		if err != nil {
			return err
		}
		fmt.Println(u.Username)
	}
	fields, err := oc.Users.Fields(ctx) // GET /api/v3/users/meta: label, type, unique, mandatory, dropdowns
	if err != nil {
		return err
	}
	fmt.Println(len(fields), "People fields")
	app, created, err := oc.SaaS.Ensure(ctx, "JumpCloud") // found by name, or created
	if err != nil {
		return err
	}
	fmt.Println(app.SaaSID, created)
	return nil
}

func mappingQuickStart(ctx context.Context, oc *oomnitza.Client) error {
	m, err := mapping.LoadFile("examples/mapping/jumpcloud-all.yaml") // or mapping.Standard().WithRole(25)
	if err != nil {
		return err // a *mapping.LoadError: every problem with its line and column
	}
	schema, err := sync.FetchSchema(ctx, oc.Users) // types, unique, mandatory, editable, dropdowns
	if err != nil {
		return err
	}
	if err := m.Validate(schema); err != nil {
		fmt.Println(err) // a draft: every problem with file:line:col, the field rule, and the fix
	}
	for _, sg := range mapping.Suggest(mapping.JumpCloudUserFields(), schema.Fields()) { // Smart Mapping
		fmt.Printf("%.2f %s -> %s\n", sg.Score, sg.Source.Path, sg.Target.ExternalID)
	}
	return nil
}

func syncQuickStart(ctx context.Context, jc *jumpcloud.Client, oc *oomnitza.Client) error {
	s, err := sync.New(jc, oc, mapping.Standard().WithRole(25)) // a mapping without a role is a draft: an error listing what is missing
	if err != nil {
		return err
	}
	plan, err := s.Plan(ctx) // reads both sides, writes nothing
	if err != nil {
		return err
	}
	fmt.Print(plan.Summary()) // create / update / unchanged / skip / disputed / deprovision, with reasons
	fmt.Print(plan.Diff(20))  // field by field: position: "Engineer" -> "Staff Engineer"
	b, err := plan.JSON()     // review it; later, anywhere: sync.ParsePlan(b), then s.Apply
	if err != nil {
		return err
	}
	reviewed, err := sync.ParsePlan(b)
	if err != nil {
		return err
	}
	rep, err := s.Apply(ctx, reviewed) // exactly that plan, re-checked record by record
	if err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		fmt.Println(err) // sync.ErrPartial: the report says which records and why
	}
	fmt.Print(rep.Summary())
	return nil
}

func scheduleQuickStart(ctx context.Context, s *sync.Syncer) error {
	err := s.RunEvery(ctx, sync.Daily("02:00", time.UTC), func(r *sync.Report, err error) {
		if err != nil {
			log.Print(err) // a draft mapping, a threshold stop, an API failure: the next run still happens
			return
		}
		log.Print(r.Summary())
	})
	return err
}

func presetsQuickStart(ctx context.Context, jc *jumpcloud.Client, oc *oomnitza.Client, jumpcloudUserID, oomnitzaUserID string, oomnitzaUserIDs []string) error {
	res, err := presets.UnlockUser(ctx, jc, jumpcloudUserID)
	if err != nil {
		return err
	}
	fmt.Println(res.Status, res.Reason) // applied: unlocked the account (again: noop: the account is not locked)

	run := presets.NewRunner(jc, oc)                                                      // reads jump_cloud_user_id from the Oomnitza record
	res, err = run.Run(ctx, presets.NameExpirePassword, oomnitzaUserID, presets.DryRun()) // sends nothing
	if err != nil {
		return err
	}
	fmt.Println(res.Request.Method, res.Request.Path)                       // what it would send
	results, err := run.RunMany(ctx, presets.NameUserRole, oomnitzaUserIDs) // role -> the user's SaaS role in Oomnitza
	if err != nil {
		return err // some failed; each failed result's Err says why
	}
	fmt.Println(len(results))
	return nil
}

func fakesQuickStart() error {
	srv := jumpcloudtest.NewServer(
		jumpcloudtest.WithGeneratedUsers(1000, 42), // realistic, consistent with the fake's clock
		jumpcloudtest.WithFaults(0.05, 1, jumpcloudtest.Fault503, jumpcloudtest.FaultReset))
	defer srv.Close()
	jc, err := srv.Client()
	if err != nil {
		return err
	}
	if err := srv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop); err != nil { // the write happens, the reply is lost
		return err
	}
	if err := srv.InjectTooManyRequests("GET /api/systemusers", "30"); err != nil { // any Retry-After, as sent
		return err
	}
	fmt.Println(jc.BaseURL(), srv.Calls()["GET /api/systemusers"], srv.FaultsServed(), srv.Connections())
	return nil
}

func insightsQuickStart(ctx context.Context, jc *jumpcloud.Client, oc *oomnitza.Client) error {
	rep, err := sync.Insights(ctx, jc,
		sync.JoinOomnitza(oc, mapping.Standard()), // optional: adds the findings that need both sides
		sync.ExpiringDays(7))
	if err != nil {
		return err
	}
	fmt.Print(rep.Summary()) // per finding: count, the fix, the first users; also rep.JSON(), rep.WriteCSV(w)
	locked := rep.Finding(presets.FindingLocked)
	var ids []string
	for _, u := range locked.Users {
		ids = append(ids, u.OomnitzaUserID) // joined: each user's Oomnitza record
	}
	results, err := presets.NewRunner(jc, oc).RunMany(ctx, locked.Preset, ids) // jumpcloud.unlock_user
	if err != nil {
		return err
	}
	fmt.Println(len(results), "unlocked")
	return nil
}

func assetsQuickStart(ctx context.Context, jc *jumpcloud.Client, oc *oomnitza.Client) error {
	s, err := sync.New(jc, oc, mapping.StandardAssets()) // kind: assets; sync keys serial_number, then jumpcloud_system_id
	if err != nil {
		return err // a draft, or an instance without the unique "JumpCloud System Id" asset field: what to create
	}
	plan, err := s.Plan(ctx) // systems, the System Insights tables the mapping reads (100 devices a request), assets
	if err != nil {
		return err
	}
	fmt.Print(plan.Summary())      // a device without a serial number is a skip with its reason, never merged
	rep, err := s.Apply(ctx, plan) // assigned_to: the bound user's Oomnitza username, looked up by JumpCloud id
	if err != nil {
		return err
	}
	fmt.Print(rep.Summary())
	// The clients underneath: systems, their hardware facts, the assets.
	var ids []string
	for sys, err := range jc.Systems.All(ctx, nil) { // every field of both spec versions; unknown ones kept
		if err != nil {
			return err
		}
		ids = append(ids, sys.ID)
		fmt.Println(sys.DisplayName, sys.OS, sys.SerialNumber, sys.PrimaryUserID())
	}
	for row, err := range jc.Insights.SystemInfo(ctx, &jumpcloud.InsightsOptions{SystemIDs: ids}) { // system_id:in:, in batches
		if err != nil {
			return err
		}
		fmt.Println(row.HardwareVendor, row.HardwareModel, row.HardwareSerial)
	}
	for a, err := range oc.Assets.All(ctx, &oomnitza.ListOptions{Filter: oomnitza.Eq("assigned_to", "ada@acme.com")}) {
		if err != nil {
			return err
		}
		fmt.Println(a.SerialNumber, a.Model, a.Status)
	}
	return nil
}
