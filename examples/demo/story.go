package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

// storyJSON is what -json prints: the story's figures, for machines.
type storyJSON struct {
	Users         int                     `json:"jumpcloud_users"`
	DraftError    string                  `json:"draft_error"`
	Plan          map[jcsync.OpKind]int   `json:"plan"`
	Applied       jcsync.Counts           `json:"applied"`
	Rerun         rerunJSON               `json:"rerun"`
	Changed       []jcsync.Op             `json:"changed"`
	Disputed      *jcsync.Op              `json:"disputed,omitempty"`
	ThresholdStop string                  `json:"threshold_stop"`
	Deprovisioned int                     `json:"deprovisioned"`
	Presets       []*presets.Result       `json:"presets"`
	Insights      map[presets.Finding]int `json:"insights"`
	FixedLocked   int                     `json:"fixed_locked"`
	Devices       *devicesJSON            `json:"devices"`
	Final         jcsync.Counts           `json:"final"`
	FinalCalls    map[string]int          `json:"final_api_calls"`
	Orgs          []orgsJSON              `json:"orgs"`
}

type rerunJSON struct {
	Unchanged      int `json:"unchanged"`
	OomnitzaWrites int `json:"oomnitza_writes"`
}

// runStory tells the product's story on fresh fakes: a draft, the plan,
// apply, a rerun with zero writes, changes with their diffs, a recycled
// email, the deprovision threshold, the five presets on one person with
// write-back, insights, the tenant's devices into hardware assets, and the
// final report.
func runStory(ctx context.Context, out io.Writer, n int) (*storyJSON, error) {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	doc := &storyJSON{Users: n, Plan: map[jcsync.OpKind]int{}}
	now := time.Now()
	jsrv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(n, 99), jumpcloudtest.WithGeneratedSystems(n, 99),
		jumpcloudtest.WithLatency(time.Millisecond))
	defer jsrv.Close()
	osrv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField()), oomnitzatest.WithLatency(time.Millisecond))
	defer osrv.Close()
	jc, err := jsrv.Client()
	if err != nil {
		return nil, err
	}
	oc, err := osrv.Client()
	if err != nil {
		return nil, err
	}
	say("== The story: JumpCloud (%d users) -> an empty Oomnitza, on the embedded fakes ==", n)

	// 1. A mapping without a role is a draft: nothing can run.
	_, err = jcsync.New(jc, oc, mapping.Standard())
	say("\n1. sync.New with mapping.Standard() and no role:\n    %v", err)
	doc.DraftError = err.Error()

	s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25), jcsync.WithCredentialName("JumpCloud (demo)"))
	if err != nil {
		return nil, err
	}
	plan, err := s.Plan(ctx)
	if err != nil {
		return nil, err
	}
	for _, op := range plan.Ops {
		doc.Plan[op.Kind]++
	}
	say("\n2. The plan (nothing written yet; it encodes to JSON for review):")
	say("%s", indent(plan.Summary()))
	rep, err := s.Apply(ctx, plan)
	if err != nil {
		return nil, err
	}
	doc.Applied = rep.Counts
	say("3. Apply: %d created in %s, err=%v; Oomnitza holds %d", rep.Counts.Created, rep.Duration.Round(time.Millisecond), rep.Err(), osrv.Len())

	osrv.ResetCalls()
	rep, err = s.Run(ctx)
	if err != nil {
		return nil, err
	}
	doc.Rerun = rerunJSON{Unchanged: rep.Counts.Unchanged, OomnitzaWrites: writeCalls(osrv.Calls())}
	say("\n4. Run again: %d unchanged, %d Oomnitza writes", rep.Counts.Unchanged, doc.Rerun.OomnitzaWrites)

	// 5. Three people change in JumpCloud.
	users := jsrv.Users()
	for i, u := range users[:3] {
		req := &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Director of " + u.Department)}
		if i == 2 {
			req.Lastname = jumpcloud.Ptr(u.Lastname + "-Smith")
			req.Displayname = jumpcloud.Ptr(u.Firstname + " " + u.Lastname + "-Smith")
		}
		if _, err := jc.Users.Update(ctx, u.ID, req); err != nil {
			return nil, err
		}
	}
	plan, err = s.Plan(ctx)
	if err != nil {
		return nil, err
	}
	for _, op := range plan.Ops {
		if op.Kind == jcsync.OpUpdate {
			doc.Changed = append(doc.Changed, op)
		}
	}
	say("\n5. Three users changed in JumpCloud; the plan shows field-level diffs:\n%s", plan.Diff(5))
	osrv.ResetCalls()
	if rep, err = s.Apply(ctx, plan); err != nil {
		return nil, err
	}
	say("    applied: %d updated, %d PATCHes carrying only those fields", rep.Counts.Updated, osrv.Calls()["PATCH /api/v3/users/{ident}"])
	rep, err = s.Apply(ctx, plan)
	if err != nil {
		return nil, err
	}
	say("    the same plan applied again: %d already applied, %d written", rep.Counts.AlreadyApplied, rep.Writes())

	// 6. A recycled email: the person left, the address went to someone new.
	left := users[10]
	if _, err := jc.Users.Delete(ctx, left.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err != nil {
		return nil, err
	}
	newcomer, err := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "newcomer", Email: left.Email, Firstname: "New", Lastname: "Comer"})
	if err != nil {
		return nil, err
	}
	plan, err = s.Plan(ctx)
	if err != nil {
		return nil, err
	}
	for _, op := range plan.Ops {
		if op.SourceID == newcomer.ID {
			say("\n6. %s was given %s, the address of a JumpCloud user who left: %s\n    %s", newcomer.Username, left.Email, op.Kind, op.Reason)
			doc.Disputed = &op
		}
	}

	// 7. Deprovisioning, off by default, stops above its threshold.
	leaving := max(5, n/10)
	gone := 0
	for _, u := range users[20:] {
		if gone == leaving {
			break
		}
		if _, err := jc.Users.Delete(ctx, u.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err == nil {
			gone++
		}
	}
	limit := gone / 3
	guarded, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: limit}))
	if err != nil {
		return nil, err
	}
	osrv.ResetCalls()
	_, err = guarded.Run(ctx)
	if !errors.Is(err, jcsync.ErrThresholdExceeded) {
		return nil, fmt.Errorf("the threshold did not stop the run: %v", err)
	}
	doc.ThresholdStop = err.Error()
	say("\n7. %d more users left JumpCloud; a sync that may suspend at most %d:\n    ErrThresholdExceeded=%v, Oomnitza writes: %d\n    %v",
		gone, limit, errors.Is(err, jcsync.ErrThresholdExceeded), writeCalls(osrv.Calls()), err)
	allowed, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxPercent: 15}))
	if err != nil {
		return nil, err
	}
	rep, err = allowed.Run(ctx)
	if err != nil {
		return nil, err
	}
	doc.Deprovisioned = rep.Counts.Deprovisioned
	say("    with at most 15%%: %d suspended, %d disputed left alone, %d unchanged; err=%v", rep.Counts.Deprovisioned, rep.Counts.Disputed, rep.Counts.Unchanged, rep.Err())

	// 8. The five presets on one person, driven by the Oomnitza record.
	results, err := runPresets(ctx, out, jsrv, jc, oc)
	if err != nil {
		return nil, fmt.Errorf("presets: %w", err)
	}
	doc.Presets = results

	// 9. Monday morning: who needs attention, and the preset that fixes it.
	if err := runInsights(ctx, out, doc, jsrv, jc, oc); err != nil {
		return nil, fmt.Errorf("insights: %w", err)
	}

	// 10. The same engine for devices: JumpCloud systems -> hardware assets.
	if err := runDevices(ctx, out, doc, jsrv, osrv, jc, oc); err != nil {
		return nil, fmt.Errorf("devices: %w", err)
	}

	// 11. The final report: a scheduled run would print this every day.
	rep, err = allowed.Run(ctx)
	if err != nil {
		return nil, err
	}
	doc.Final, doc.FinalCalls = rep.Counts, rep.Calls
	say("\n11. The final report (what a daily sync.RunEvery prints):\n%s", indent(rep.Summary()))

	// 12. Many organisations: what a durable scheduler builds on.
	if err := runOrgs(ctx, out, doc, n); err != nil {
		return nil, fmt.Errorf("many organisations: %w", err)
	}
	say("    (the story ran in %s)", time.Since(now).Round(time.Millisecond))
	return doc, nil
}

// runPresets runs the five workflow actions on one Oomnitza record, then
// one of them over every linked record.
func runPresets(ctx context.Context, out io.Writer, jsrv *jumpcloudtest.Server, jc *jumpcloud.Client, oc *oomnitza.Client) ([]*presets.Result, error) {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	var all []*presets.Result
	show := func(res *presets.Result) {
		all = append(all, res)
		say("    %s", res)
		for _, c := range res.WriteBack {
			say("      wrote back %s: %v -> %v", c.Field, c.Old, c.New)
		}
	}
	say("\n8. The five JumpCloud workflow presets, driven by an Oomnitza record:")
	for _, p := range presets.All() {
		say("    %-26s %s", p.Name(), p.Request())
	}
	hedy, err := oc.Users.Create(ctx, oomnitza.Record{"username": "hedy.lamarr@example.com", "email": "hedy.lamarr@example.com",
		"first_name": "Hedy", "last_name": "Lamarr", "role": 25})
	if err != nil {
		return nil, err
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
	say("    %s (Oomnitza user %s), step by step; a repeat finds the goal holding:", hedy.Username, hedy.UserID)
	var last *presets.Result
	for _, st := range steps {
		if st.before != nil && last != nil {
			st.before(last)
		}
		res, err := run.Run(ctx, st.preset, hedy.UserID, st.opts...)
		if err != nil {
			return nil, err
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
		return nil, err
	}
	show(res)
	_, err = run.Run(ctx, presets.NameDeleteUser, hedy.UserID)
	say("    again: %v", err)

	// RunMany: one preset over every linked record, some accounts locked.
	var ids []string
	locked := 0
	for u, err := range oc.Users.All(ctx, &oomnitza.ListOptions{Fields: []string{"jump_cloud_user_id"}}) {
		if err != nil {
			return nil, err
		}
		id := u.CustomString("jump_cloud_user_id")
		if id == "" {
			continue
		}
		if _, ok := jsrv.User(id); !ok {
			continue // deprovisioned: left JumpCloud
		}
		ids = append(ids, u.UserID)
		if len(ids)%4 == 0 {
			jsrv.LockUser(id)
		}
		if ju, ok := jsrv.User(id); ok && ju.AccountLocked {
			locked++
		}
	}
	for round := 1; round <= 2; round++ {
		results, err := run.RunMany(ctx, presets.NameUnlockUser, ids)
		if err != nil {
			return nil, err
		}
		counts := map[presets.Status]int{}
		for _, r := range results {
			counts[r.Status]++
		}
		say("    RunMany unlock_user over %d linked records (%d locked), run %d: applied %d, noop %d, failed %d",
			len(ids), locked, round, counts[presets.StatusApplied], counts[presets.StatusNoOp], counts[presets.StatusFailed])
	}
	return all, nil
}

// runInsights shows the tenant's insights, joined with Oomnitza, and
// fixes the locked accounts with the preset the report names.
func runInsights(ctx context.Context, out io.Writer, doc *storyJSON, jsrv *jumpcloudtest.Server, jc *jumpcloud.Client, oc *oomnitza.Client) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	// Over the weekend, six people locked themselves out.
	locked := 0
	for _, u := range jsrv.Users() {
		if locked < 6 && !u.Suspended && !u.AccountLocked {
			jsrv.LockUser(u.ID)
			locked++
		}
	}
	rep, err := jcsync.Insights(ctx, jc, jcsync.JoinOomnitza(oc, mapping.Standard()))
	if err != nil {
		return err
	}
	doc.Insights = map[presets.Finding]int{}
	say("\n9. Monday morning: jcsync.Insights over %d JumpCloud users, joined with %d Oomnitza users:", rep.JumpCloudRead, rep.OomnitzaRead)
	for _, fr := range rep.Findings {
		doc.Insights[fr.Finding] = fr.Count
		fix := fr.Fix
		if fr.Preset != "" {
			fix = "fix: " + fr.Preset
		}
		say("    %-45s %4d   %s", fr.Title, fr.Count, fix)
	}
	lockedRep := rep.Finding(presets.FindingLocked)
	var ids []string
	for _, u := range lockedRep.Users {
		ids = append(ids, u.OomnitzaUserID)
	}
	say("    locked: %s (%s)", lockedRep.Users[0].Username, lockedRep.Users[0].Detail)
	results, err := presets.NewRunner(jc, oc).RunMany(ctx, lockedRep.Preset, ids)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Status == presets.StatusApplied {
			doc.FixedLocked++
		}
	}
	again, err := jcsync.Insights(ctx, jc, jcsync.JoinOomnitza(oc, mapping.Standard()))
	if err != nil {
		return err
	}
	say("    RunMany %s over the %d locked users: %d unlocked; insights again: %d locked",
		lockedRep.Preset, len(ids), doc.FixedLocked, again.Finding(presets.FindingLocked).Count)
	return nil
}

// devicesJSON is the devices part of -json.
type devicesJSON struct {
	Systems        int            `json:"jumpcloud_systems"`
	Created        int            `json:"assets_created"`
	Assigned       int            `json:"assets_assigned"`
	Skipped        map[string]int `json:"skipped_reasons"`
	RerunWrites    int            `json:"rerun_oomnitza_writes"`
	Patches        int            `json:"patches"`
	Retired        int            `json:"retired"`
	InsightsCalls  int            `json:"insights_requests"`
	SystemsPages   int            `json:"systems_pages"`
	PatchedChanges []jcsync.Op    `json:"patched,omitempty"`
}

// runDevices brings the tenant's JumpCloud devices into Oomnitza hardware
// assets on the same engine: plan, apply, each device assigned to its
// person, a rerun with zero writes, changed devices, and a retired one.
func runDevices(ctx context.Context, out io.Writer, doc *storyJSON, jsrv *jumpcloudtest.Server, osrv *oomnitzatest.Server, jc *jumpcloud.Client, oc *oomnitza.Client) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	dev := &devicesJSON{Systems: len(jsrv.Systems()), Skipped: map[string]int{}}
	doc.Devices = dev
	s, err := jcsync.New(jc, oc, mapping.StandardAssets(), jcsync.WithCredentialName("JumpCloud (demo)"))
	if err != nil {
		return err
	}
	jsrv.ResetCalls()
	plan, err := s.Plan(ctx)
	if err != nil {
		return err
	}
	calls := jsrv.Calls()
	dev.SystemsPages = calls["GET /api/systems"]
	dev.InsightsCalls = calls["GET /api/v2/systeminsights/{table}"]
	say("\n10. Devices: mapping.StandardAssets() brings %d JumpCloud systems into Oomnitza hardware assets.", dev.Systems)
	say("    The plan read %d systems pages and %d System Insights requests (system_info, %d devices a batch):",
		dev.SystemsPages, dev.InsightsCalls, jumpcloud.DefaultInsightsBatch)
	say("%s", indent(plan.Summary()))
	for _, op := range plan.Ops {
		if op.Kind == jcsync.OpSkip {
			dev.Skipped[op.Reason]++
		}
	}
	for _, reason := range slices.Sorted(maps.Keys(dev.Skipped)) {
		say("    skipped %d, never merged: %s", dev.Skipped[reason], reason)
	}
	rep, err := s.Apply(ctx, plan)
	if err != nil {
		return err
	}
	dev.Created = rep.Counts.Created
	// mapping.Standard() wrote each person's email as the Oomnitza username.
	people := map[string]*jumpcloud.User{}
	for _, u := range jsrv.Users() {
		people[u.Email] = u
	}
	shown := 0
	for _, a := range osrv.Assets() {
		if a.AssignedTo == "" {
			continue
		}
		dev.Assigned++
		if u := people[a.AssignedTo]; u != nil && shown < 3 {
			shown++
			say("    %-24s %-16s serial %-13s -> assigned_to %s (JumpCloud user %s)", a.DeviceName, a.Model, a.SerialNumber, a.AssignedTo, u.ID)
		}
	}
	say("    applied: %d assets created, %d assigned to their people; err=%v", dev.Created, dev.Assigned, rep.Err())

	osrv.ResetCalls()
	if rep, err = s.Run(ctx); err != nil {
		return err
	}
	dev.RerunWrites = writeCalls(osrv.Calls())
	say("    run again: %d unchanged, %d Oomnitza writes", rep.Counts.Unchanged, dev.RerunWrites)

	// Two devices change: one renamed, one whose model JumpCloud now reports
	// differently (a replaced logic board).
	var synced []*jumpcloud.System
	for _, sys := range jsrv.Systems() {
		if sys.SerialNumber != "" {
			synced = append(synced, sys)
		}
	}
	if len(synced) < 3 {
		return fmt.Errorf("only %d devices with a serial number", len(synced))
	}
	jsrv.SetSystemFields(synced[0].ID, map[string]any{"displayName": "design-studio-imac"})
	rows := jsrv.InsightsRows(jumpcloud.TableSystemInfo, synced[1].ID)
	if len(rows) > 0 {
		rows[0]["hardware_model"] = fmt.Sprint(rows[0]["hardware_model"], " (rev B)")
		jsrv.SetInsightsRows(jumpcloud.TableSystemInfo, synced[1].ID, rows[0])
	}
	if plan, err = s.Plan(ctx); err != nil {
		return err
	}
	for _, op := range plan.Ops {
		if op.Kind == jcsync.OpUpdate {
			dev.PatchedChanges = append(dev.PatchedChanges, op)
		}
	}
	say("    two devices changed in JumpCloud:\n%s", indent(plan.Diff(5)))
	osrv.ResetCalls()
	if _, err = s.Apply(ctx, plan); err != nil {
		return err
	}
	dev.Patches = osrv.Calls()["PATCH /api/v3/assets/{ident}"]
	say("    applied: %d PATCHes carrying only those fields", dev.Patches)

	// A device leaves JumpCloud: retired in Oomnitza, within a threshold.
	jsrv.RemoveSystem(synced[2].ID)
	retire, err := jcsync.New(jc, oc, mapping.StandardAssets(),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.SetField("status", "Retired"), MaxCount: 1}))
	if err != nil {
		return err
	}
	if rep, err = retire.Run(ctx); err != nil {
		return err
	}
	dev.Retired = rep.Counts.Deprovisioned
	for _, a := range osrv.Assets() {
		if a.SerialNumber == synced[2].SerialNumber {
			say("    %s (%s) left JumpCloud; with SetField(status, Retired), at most 1: %d deprovisioned, status now %q",
				synced[2].DisplayName, a.SerialNumber, dev.Retired, a.Status)
		}
	}
	return nil
}
