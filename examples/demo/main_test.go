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
		`role "Administrator With Billing"`, "ErrNotFound: true", `user id "not-an-id" is not a JumpCloud id`, "Limit is 500"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
}
