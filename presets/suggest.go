package presets

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// Finding names something about a JumpCloud user that needs attention.
type Finding string

// The findings Suggest reports for one JumpCloud user.
const (
	// FindingLocked: the account is locked (account_locked), e.g. after too
	// many bad logins.
	FindingLocked Finding = "locked"
	// FindingPasswordExpired: the password has expired (password_expired).
	FindingPasswordExpired Finding = "password_expired"
	// FindingPasswordExpiring: the password expires within the window
	// (password_expiration_date), and is not set to never expire.
	FindingPasswordExpiring Finding = "password_expiring"
	// FindingPasswordNeverExpires: the password never expires
	// (password_never_expires).
	FindingPasswordNeverExpires Finding = "password_never_expires"
	// FindingNeverActivated: the user is STAGED, or never set a password
	// (activated is false), and was created longer ago than the window.
	FindingNeverActivated Finding = "never_activated"
	// FindingMFANotConfigured: multi-factor authentication is not configured
	// (mfa.configured) and no exclusion is in force.
	FindingMFANotConfigured Finding = "mfa_not_configured"
	// FindingAdmin: the user is a JumpCloud administrator (admin.roleName,
	// or the administrator with the user's email).
	FindingAdmin Finding = "admin"
)

// The findings that need the Oomnitza side (see the sync package's
// insights report); Suggest never reports them.
const (
	// FindingSuspendedButActive: suspended in JumpCloud, active in Oomnitza.
	FindingSuspendedButActive Finding = "suspended_in_jumpcloud_active_in_oomnitza"
	// FindingGoneFromJumpCloud: an active Oomnitza user carries a JumpCloud
	// id that JumpCloud no longer has.
	FindingGoneFromJumpCloud Finding = "gone_from_jumpcloud"
	// FindingMissingFromOomnitza: a JumpCloud user the mapping selects has
	// no Oomnitza user.
	FindingMissingFromOomnitza Finding = "missing_from_oomnitza"
)

// FindingInfo says what a finding means and what fixes it.
type FindingInfo struct {
	Finding Finding `json:"finding"`
	// Title is a short human name, e.g. "Locked accounts".
	Title string `json:"title"`
	// Preset is the preset that fixes it, or "" when none does.
	Preset string `json:"preset,omitempty"`
	// Fix says how the preset fixes it, or, with no preset, what does.
	Fix string `json:"fix"`
}

var findings = []FindingInfo{
	{FindingLocked, "Locked accounts", NameUnlockUser, "unlock the account"},
	{FindingPasswordExpired, "Expired passwords", "", "no preset fixes this: the user must set a new password (unlocking does not reset one); an administrator can send a reset from JumpCloud"},
	{FindingPasswordExpiring, "Passwords expiring soon", NameExpirePassword, "expire the password now, so the user changes it at the next login instead of being locked out by the deadline (or just notify the user)"},
	{FindingPasswordNeverExpires, "Passwords that never expire", NameExpirePassword, "expire the password once, so it is rotated; turn off password_never_expires in JumpCloud"},
	{FindingNeverActivated, "Never activated", "", "no preset activates a user: resend the activation email from JumpCloud, or delete the account (jumpcloud.delete_user) if it was abandoned"},
	{FindingMFANotConfigured, "MFA not configured", "", "no preset sets up MFA: ask the user to enrol, or require MFA in JumpCloud"},
	{FindingAdmin, "Administrators", NameUserRole, "record the administrator role in Oomnitza (the user's SaaS role), so access reviews see it"},
	{FindingSuspendedButActive, "Suspended in JumpCloud, active in Oomnitza", "", "no preset: run a sync with a mapping that writes suspended (the standard mapping does)"},
	{FindingGoneFromJumpCloud, "Gone from JumpCloud, still in Oomnitza", NameCreateUser, "create the JumpCloud user again if the person should still have an account (the new id is written back); otherwise let a sync deprovision the Oomnitza user"},
	{FindingMissingFromOomnitza, "In JumpCloud, missing from Oomnitza", "", "no preset: run a sync, which creates them"},
}

// Findings lists every finding, in report order, with what fixes it.
func Findings() []FindingInfo { return append([]FindingInfo(nil), findings...) }

// Describe returns what a finding means and what fixes it.
func Describe(f Finding) (FindingInfo, bool) {
	for _, fi := range findings {
		if fi.Finding == f {
			return fi, true
		}
	}
	return FindingInfo{}, false
}

// Evidence is one field of the record behind a finding, as JumpCloud sent
// it.
type Evidence struct {
	Field string `json:"field"`
	Value any    `json:"value"`
}

// String is field=value.
func (e Evidence) String() string { return fmt.Sprintf("%s=%v", e.Field, e.Value) }

// Suggestion is one finding about one JumpCloud user and the preset that
// fixes it.
type Suggestion struct {
	FindingInfo
	// Detail says it for this user, e.g. "locked for 3 days".
	Detail string `json:"detail"`
	// Evidence is the fields the finding rests on.
	Evidence []Evidence `json:"evidence"`
}

// SuggestOption tunes Suggest.
type SuggestOption func(*suggestConfig)

type suggestConfig struct {
	now           time.Time
	expiringDays  int
	activationAge int
	adminRole     func(email string) (string, bool, error)
}

// The windows Suggest uses unless told otherwise.
const (
	DefaultExpiringDays  = 14
	DefaultActivationAge = 7
)

// At sets the time findings are judged at (default: time.Now()).
func At(now time.Time) SuggestOption { return func(c *suggestConfig) { c.now = now } }

// ExpiringWithin sets the window of FindingPasswordExpiring, in days
// (default 14; values below 1 count as 1).
func ExpiringWithin(days int) SuggestOption {
	return func(c *suggestConfig) { c.expiringDays = max(days, 1) }
}

// NotActivatedFor sets how many days a user may stay STAGED or without a
// password before FindingNeverActivated (default 7; below 0 counts as 0).
func NotActivatedFor(days int) SuggestOption {
	return func(c *suggestConfig) { c.activationAge = max(days, 0) }
}

// WithAdminLookup names the administrator role of a user whose record has
// no admin property (tenants from before 2025), by email, as RoleOf does.
func WithAdminLookup(fn func(email string) (role string, found bool, err error)) SuggestOption {
	return func(c *suggestConfig) { c.adminRole = fn }
}

// Suggest reports what needs attention about one JumpCloud user, given as
// its wire record (jumpcloud.User.Record or UsersService.Records), and the
// preset that fixes each finding, or why none does. A user can carry
// several findings; a user with none gets nil. Suspended users are not
// reported for passwords about to expire, never-expiring passwords or MFA:
// they cannot log in. An admin lookup that fails is reported as an error.
func Suggest(u map[string]any, opts ...SuggestOption) ([]Suggestion, error) {
	c := suggestConfig{now: time.Now(), expiringDays: DefaultExpiringDays, activationAge: DefaultActivationAge}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	var out []Suggestion
	add := func(f Finding, detail string, ev ...Evidence) {
		fi, _ := Describe(f)
		out = append(out, Suggestion{FindingInfo: fi, Detail: detail, Evidence: ev})
	}
	state, _ := u["state"].(string)
	suspended := truthy(u["suspended"]) || state == "SUSPENDED"

	if truthy(u["account_locked"]) {
		ev := []Evidence{{"account_locked", u["account_locked"]}}
		detail := "the account is locked"
		if at, ok := timeOf(u["account_locked_date"]); ok {
			ev = append(ev, Evidence{"account_locked_date", u["account_locked_date"]})
			detail = "locked for " + age(c.now.Sub(at))
		}
		if n, ok := number(u["badLoginAttempts"]); ok && n > 0 {
			ev = append(ev, Evidence{"badLoginAttempts", u["badLoginAttempts"]})
			detail += fmt.Sprintf(" after %d bad logins", int(n))
		}
		add(FindingLocked, detail, ev...)
	}
	neverExpires := truthy(u["password_never_expires"])
	switch exp, hasExp := timeOf(u["password_expiration_date"]); {
	case truthy(u["password_expired"]):
		ev := []Evidence{{"password_expired", u["password_expired"]}}
		detail := "the password has expired"
		if hasExp {
			ev = append(ev, Evidence{"password_expiration_date", u["password_expiration_date"]})
			detail = "the password expired " + age(c.now.Sub(exp)) + " ago"
		}
		add(FindingPasswordExpired, detail, ev...)
	case !suspended && !neverExpires && hasExp && !exp.After(c.now.AddDate(0, 0, c.expiringDays)):
		if exp.After(c.now) {
			add(FindingPasswordExpiring, "the password expires in "+age(exp.Sub(c.now)),
				Evidence{"password_expiration_date", u["password_expiration_date"]})
		} else {
			// Past the date, but JumpCloud has not flagged it yet.
			add(FindingPasswordExpired, "the password expired "+age(c.now.Sub(exp))+" ago",
				Evidence{"password_expiration_date", u["password_expiration_date"]})
		}
	}
	if !suspended && neverExpires {
		add(FindingPasswordNeverExpires, "the password never expires", Evidence{"password_never_expires", u["password_never_expires"]})
	}
	if activated, known := u["activated"].(bool); state == "STAGED" || known && !activated {
		created, hasCreated := timeOf(u["created"])
		if !hasCreated || c.now.Sub(created) > time.Duration(c.activationAge)*24*time.Hour {
			ev := []Evidence{{"state", u["state"]}, {"activated", u["activated"]}}
			detail := "never activated"
			if hasCreated {
				ev = append(ev, Evidence{"created", u["created"]})
				detail = "created " + age(c.now.Sub(created)) + " ago and never activated"
			}
			add(FindingNeverActivated, detail, ev...)
		}
	}
	if !suspended && state != "STAGED" {
		mfa, _ := u["mfa"].(map[string]any)
		excludedUntil, hasUntil := timeOf(mfa["exclusionUntil"])
		excluded := truthy(mfa["exclusion"]) && (!hasUntil || excludedUntil.After(c.now))
		if !truthy(mfa["configured"]) && !excluded {
			add(FindingMFANotConfigured, "MFA is not configured", Evidence{"mfa.configured", mfa["configured"]})
		}
	}
	role, reason, err := RoleOf(u, c.adminRole)
	if err != nil {
		return out, fmt.Errorf("presets: Suggest: looking up the administrator role: %w", err)
	}
	if role != DefaultRole {
		ev := Evidence{"admin.roleName", role}
		if !strings.HasPrefix(reason, "role from admin") {
			ev.Field = "administrator role (GET /api/users)"
		}
		add(FindingAdmin, "administrator: "+role, ev)
	}
	return out, nil
}

func truthy(v any) bool { b, _ := v.(bool); return b }

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// timeOf reads a JumpCloud time value: an RFC 3339 string, or a time.
func timeOf(v any) (time.Time, bool) {
	switch x := v.(type) {
	case string:
		if x == "" {
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339Nano, x)
		return t, err == nil && !t.IsZero()
	case time.Time:
		return x, !x.IsZero()
	}
	return time.Time{}, false
}

// age is a duration as people say it: "3 days", "5 hours", "40 minutes".
func age(d time.Duration) string {
	switch d = max(d, 0); {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(math.Round(d.Hours()/24)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	}
	return "under 2 minutes"
}
