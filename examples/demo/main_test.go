package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDemoRuns(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, config{users: 1000}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"read 1000 users", "exactly one more", "account_locked=false", "password_expired=true",
		`role "Administrator With Billing"`, "finds the system users who are administrators: 1",
		"ErrNotFound: true", `user id "not-an-id" is not a JumpCloud id`, "Limit is 500",
		"A scripted 429 (Retry-After: 1): the client waited 1s and succeeded", "GET /api/systemusers 429:1",
		"unique (usable as sync keys): [email jump_cloud_user_id user_id username]", "0.90  Job Title    -> position", `is a draft: 1 problem(s)`, "77 created in Oomnitza, 923 filtered out; instance holds 77",
		"equals a fresh Apply: true",
		"ErrConflict=true", "-> 0 users (an injection attempt stays a literal)", `role "User"; after Deactivate active=false`,
		`user id ".." is a path dot segment`, "ErrOverBudget=true", "the 404 that follows means done: err=<nil>, user gone=true",
		"requests over", "creation_date: is not editable",
		"jumpcloud.create_user dryrun: would send POST /api/systemusers", "wrote back jump_cloud_user_id: <nil> -> ",
		"jumpcloud.create_user noop", "jumpcloud.unlock_user applied", "jumpcloud.unlock_user noop", "jumpcloud.expire_password noop",
		`role="User"`, "wrote back saas:JumpCloud:role: <nil> -> User", "already recorded in Oomnitza",
		"ErrIdentityMismatch=true", "jumpcloud.delete_user applied", "run 2: applied 0, noop 899, failed 0",
		"is a draft: 1 problem(s)", "create         1000", "3. Apply: 1000 created", "4. Run again: 1000 unchanged, 0 Oomnitza writes",
		`position: "`, "3 updated, 3 PATCHes", "3 already applied, 0 written", ": disputed", "a recycled email",
		"ErrThresholdExceeded=true, Oomnitza writes: 0", "suspended, 1 disputed left alone, 899 unchanged", "unchanged           899",
		"brings 1000 JumpCloud systems", "10 systems pages and 10 System Insights requests", "skipped 43, never merged: mapping: fields[0] (serialNumber -> serial_number): required value is empty",
		"957 assets created, 871 assigned to their people", "run again: 957 unchanged, 0 Oomnitza writes", `device_name: "`, `(rev B)"`,
		"2 PATCHes carrying only those fields", `1 deprovisioned, status now "Retired"`, "-> assigned_to ",
		"12. Many organisations, one MSP key: 3 JumpCloud orgs", "org 5a1b2c: 200 users", "200 created, 200 POSTs, err=<nil>",
		"stopped after operation 25 (100 not run), resumed there: 125 created, 125 POSTs, err=<nil>",
		"a draft mapping false; a 429 with Retry-After: 120 true, after 2m0s; an incomplete read true"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDemoSmallTenant runs main's work with -users 120: the created count,
// a rerun with zero writes, and the five presets.
func TestDemoSmallTenant(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, config{users: 120}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"3. Apply: 120 created", "4. Run again: 120 unchanged, 0 Oomnitza writes",
		"jumpcloud.create_user applied", "jumpcloud.unlock_user applied", "jumpcloud.expire_password applied",
		"jumpcloud.user_role applied", "jumpcloud.delete_user applied", "read 120 users", "11. The final report", "9. Monday morning: jcsync.Insights", "6 unlocked; insights again: 0 locked"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDemoJSON checks -json: one JSON document, the story's figures.
func TestDemoJSON(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, config{users: 60, json: true}); err != nil {
		t.Fatal(err)
	}
	var doc storyJSON
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("not one JSON document: %v\n%s", err, out.String())
	}
	if doc.Applied.Created != 60 || doc.Rerun.OomnitzaWrites != 0 || doc.Rerun.Unchanged != 60 || len(doc.Changed) != 3 {
		t.Errorf("figures: %+v", doc)
	}
	if doc.Disputed == nil || doc.ThresholdStop == "" || doc.Deprovisioned == 0 {
		t.Errorf("disputed %v, threshold %q, deprovisioned %d", doc.Disputed, doc.ThresholdStop, doc.Deprovisioned)
	}
	if d := doc.Devices; d == nil || d.Systems != 60 || d.Created == 0 || d.Created+sum(d.Skipped) != 60 ||
		d.Assigned == 0 || d.RerunWrites != 0 || d.Patches != 2 || len(d.PatchedChanges) != 2 || d.Retired != 1 {
		t.Errorf("devices: %+v", doc.Devices)
	}
	if doc.FixedLocked != 6 || doc.Insights["locked"] != 6 {
		t.Errorf("insights %v, fixed %d", doc.Insights, doc.FixedLocked)
	}
	if len(doc.Orgs) != 3 || doc.Orgs[1].StoppedAt != 25 {
		t.Errorf("orgs: %+v", doc.Orgs)
	}
	for _, o := range doc.Orgs {
		if o.Counts.Created != o.Users || o.Posts != o.Users || o.Counts.NotRun != 0 {
			t.Errorf("org %s: %d users, %d created, %d POSTs, %d not run", o.Org, o.Users, o.Counts.Created, o.Posts, o.Counts.NotRun)
		}
	}
	seen := map[string]bool{}
	for _, r := range doc.Presets {
		seen[r.Preset] = true
	}
	if len(seen) != 5 {
		t.Errorf("presets run: %v", seen)
	}
}

func TestDemoRefusesATinyTenant(t *testing.T) {
	if err := run(t.Context(), io.Discard, config{users: 3}); err == nil || !strings.Contains(err.Error(), "-users 3") {
		t.Fatalf("err = %v", err)
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
