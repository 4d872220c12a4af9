package presets_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/presets"
)

var suggestNow = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func findingsOf(t *testing.T, rec map[string]any, opts ...presets.SuggestOption) map[presets.Finding]presets.Suggestion {
	t.Helper()
	sugs, err := presets.Suggest(rec, append([]presets.SuggestOption{presets.At(suggestNow)}, opts...)...)
	require.NoError(t, err)
	out := map[presets.Finding]presets.Suggestion{}
	for _, s := range sugs {
		out[s.Finding] = s
	}
	return out
}

// active is a healthy user: no finding.
func active() map[string]any {
	return map[string]any{"_id": "65a1b2c3d4e5f60718293a4b", "username": "ada", "email": "ada@example.com", "state": "ACTIVATED",
		"activated": true, "suspended": false, "account_locked": false, "password_expired": false, "password_never_expires": false,
		"password_expiration_date": "2027-03-01T00:00:00Z", "created": "2024-01-01T00:00:00Z", "mfa": map[string]any{"configured": true},
		"admin": nil}
}

func TestSuggestOneRulePerFinding(t *testing.T) {
	assert.Empty(t, findingsOf(t, active()), "a healthy user has no finding")

	cases := []struct {
		name   string
		change func(map[string]any)
		want   presets.Finding
		preset string
		detail string
	}{
		{"locked", func(r map[string]any) {
			r["account_locked"], r["account_locked_date"], r["badLoginAttempts"] = true, "2026-11-29T12:00:00Z", float64(6)
		}, presets.FindingLocked, presets.NameUnlockUser, "locked for 3 days after 6 bad logins"},
		{"expired", func(r map[string]any) {
			r["password_expired"], r["password_expiration_date"] = true, "2026-11-20T12:00:00Z"
		},
			presets.FindingPasswordExpired, "", "the password expired 12 days ago"},
		{"past its date, not yet flagged", func(r map[string]any) { r["password_expiration_date"] = "2026-12-01T12:00:00Z" },
			presets.FindingPasswordExpired, "", "expired 24 hours ago"},
		{"expiring", func(r map[string]any) { r["password_expiration_date"] = "2026-12-12T12:00:00Z" },
			presets.FindingPasswordExpiring, presets.NameExpirePassword, "expires in 10 days"},
		{"never expires", func(r map[string]any) { r["password_never_expires"], r["password_expiration_date"] = true, nil },
			presets.FindingPasswordNeverExpires, presets.NameExpirePassword, "never expires"},
		{"staged", func(r map[string]any) {
			r["state"], r["activated"], r["created"] = "STAGED", false, "2026-11-01T00:00:00Z"
		},
			presets.FindingNeverActivated, "", "created 32 days ago"},
		{"no password set", func(r map[string]any) { r["activated"] = false }, presets.FindingNeverActivated, "", "never activated"},
		{"mfa", func(r map[string]any) { r["mfa"] = map[string]any{"configured": false, "exclusion": false} },
			presets.FindingMFANotConfigured, "", "MFA is not configured"},
		{"mfa exclusion lapsed", func(r map[string]any) {
			r["mfa"] = map[string]any{"configured": false, "exclusion": true, "exclusionUntil": "2026-11-01T00:00:00Z"}
		}, presets.FindingMFANotConfigured, "", "MFA"},
		{"admin", func(r map[string]any) { r["admin"] = map[string]any{"roleName": "Administrator With Billing"} },
			presets.FindingAdmin, presets.NameUserRole, "administrator: Administrator With Billing"},
	}
	for _, tc := range cases {
		rec := active()
		tc.change(rec)
		got := findingsOf(t, rec)
		require.Contains(t, got, tc.want, tc.name)
		assert.Len(t, got, 1, "%s: only this finding: %v", tc.name, got)
		assert.Equal(t, tc.preset, got[tc.want].Preset, tc.name)
		assert.Contains(t, got[tc.want].Detail, tc.detail, tc.name)
		assert.NotEmpty(t, got[tc.want].Evidence, tc.name)
		assert.NotEmpty(t, got[tc.want].Fix, tc.name)
	}
}

func TestSuggestEdges(t *testing.T) {
	// Several findings at once.
	rec := active()
	rec["account_locked"], rec["password_expired"], rec["mfa"] = true, true, nil
	got := findingsOf(t, rec)
	assert.Len(t, got, 3)

	// Recently staged is not yet a finding; the window decides.
	rec = active()
	rec["state"], rec["activated"], rec["created"] = "STAGED", false, "2026-11-30T00:00:00Z"
	assert.Empty(t, findingsOf(t, rec))
	assert.Contains(t, findingsOf(t, rec, presets.NotActivatedFor(1)), presets.FindingNeverActivated)

	// Expiring depends on the window.
	rec = active()
	rec["password_expiration_date"] = "2027-01-10T00:00:00Z"
	assert.Empty(t, findingsOf(t, rec))
	assert.Contains(t, findingsOf(t, rec, presets.ExpiringWithin(60)), presets.FindingPasswordExpiring)

	// Suspended users cannot log in: no password or MFA findings.
	rec = active()
	rec["suspended"], rec["state"], rec["password_expiration_date"], rec["mfa"] = true, "SUSPENDED", "2026-12-05T00:00:00Z", nil
	rec["password_never_expires"] = true
	assert.Empty(t, findingsOf(t, rec))

	// An MFA exclusion in force is not a finding.
	rec = active()
	rec["mfa"] = map[string]any{"configured": false, "exclusion": true, "exclusionUntil": "2027-01-01T00:00:00Z"}
	assert.Empty(t, findingsOf(t, rec))

	// No admin property (tenants before 2025): the administrators by email.
	rec = active()
	delete(rec, "admin")
	lookup := func(email string) (string, bool, error) { return "Help Desk", email == "ada@example.com", nil }
	got = findingsOf(t, rec, presets.WithAdminLookup(lookup))
	assert.Equal(t, "administrator: Help Desk", got[presets.FindingAdmin].Detail)
	_, err := presets.Suggest(rec, presets.WithAdminLookup(func(string) (string, bool, error) { return "", false, errors.New("boom") }))
	assert.ErrorContains(t, err, "boom")

	// Every finding is described, with a preset or the reason there is none.
	for _, fi := range presets.Findings() {
		assert.NotEmpty(t, fi.Title)
		assert.NotEmpty(t, fi.Fix)
		if fi.Preset != "" {
			_, ok := presets.Lookup(fi.Preset)
			assert.True(t, ok, fi.Preset)
		} else {
			assert.Contains(t, fi.Fix, "no preset", fi.Finding)
		}
	}
}
