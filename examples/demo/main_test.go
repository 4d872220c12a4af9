package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemoRuns(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"read 1000 users", "exactly one more", "account_locked=false", "password_expired=true",
		`role "Administrator With Billing"`, "ErrNotFound: true", `user id "not-an-id" is not a JumpCloud id`, "Limit is 500",
		"unique (usable as sync keys): [email jump_cloud_user_id user_id username]", "0.90  Job Title    -> position", `is a draft: 1 problem(s)`, "77 created in Oomnitza, 923 filtered out; instance holds 77",
		"equals a fresh Apply: true",
		"ErrConflict=true", "-> 0 users (an injection attempt stays a literal)", `role "User"; after Deactivate active=false`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
