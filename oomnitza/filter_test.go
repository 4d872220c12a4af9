package oomnitza_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

func TestFilterRendering(t *testing.T) {
	cases := []struct {
		f    oomnitza.Filter
		want string
	}{
		{oomnitza.Eq("email", "ada@example.com"), `email eq "ada@example.com"`},
		{oomnitza.Eq("email", `say "hi" \o/`), `email eq "say \"hi\" \\o/"`},
		{oomnitza.Ne("role", 25), `role ne 25`},
		{oomnitza.Lt("cost", 1.5), `cost lt 1.5`},
		{oomnitza.Lte("n", int64(3)), `n lte 3`},
		{oomnitza.Gt("creation_date", time.Unix(1700000000, 0)), `creation_date gt 1700000000`},
		{oomnitza.Gte("suspended", false), `suspended gte false`},
		{oomnitza.Like("username", "%@acme.com"), `username like "%@acme.com"`},
		{oomnitza.In("role", 1, 25), `role in [1, 25]`},
		{oomnitza.In("email", "a", `b"`), `email in ["a", "b\""]`},
		{oomnitza.IsNull("jump_cloud_user_id"), `jump_cloud_user_id is null`},
		{oomnitza.And(oomnitza.Eq("a", 1)), `a eq 1`},
		{oomnitza.And(oomnitza.Eq("a", 1), oomnitza.Or(oomnitza.Eq("b", 2), oomnitza.Eq("c", "x or y"))), `a eq 1 and (b eq 2 or c eq "x or y")`},
		{oomnitza.Or(oomnitza.And(oomnitza.Eq("a", 1), oomnitza.Eq("b", 2)), oomnitza.IsNull("c")), `(a eq 1 and b eq 2) or c is null`},
		{oomnitza.Eq("n", json.Number("12")), `n eq 12`},
		{oomnitza.Raw(` department eq "IT" `), `department eq "IT"`},
		{oomnitza.And(oomnitza.Raw(`a eq 1 or b eq 2`), oomnitza.IsNull("c")), `(a eq 1 or b eq 2) and c is null`},
	}
	for _, tc := range cases {
		got, err := tc.f.Expr()
		require.NoError(t, err, tc.want)
		assert.Equal(t, tc.want, got)
		assert.Equal(t, tc.want, tc.f.String())
	}
}

func TestFilterErrors(t *testing.T) {
	cases := []struct {
		f    oomnitza.Filter
		want string
	}{
		{oomnitza.Eq("e mail", "x"), `field "e mail" is not an external id`},
		{oomnitza.Eq("email); drop", "x"), `field "email); drop"`},
		{oomnitza.Eq("email", nil), `nil value; use IsNull("email")`},
		{oomnitza.Eq("n", math.NaN()), "is not a number Oomnitza can compare"},
		{oomnitza.Eq("n", []string{"a"}), "unsupported value type []string"},
		{oomnitza.In("role"), `In("role") needs at least one value`},
		{oomnitza.And(), "And() needs at least one filter"},
		{oomnitza.Or(oomnitza.Eq("a", 1), oomnitza.Filter{}), "empty filter inside And/Or"},
		{oomnitza.Raw("  "), "Raw: the expression is empty"},
		{oomnitza.Raw("a eq 1\x00 or 1"), "holds control characters"},
		{oomnitza.Raw(strings.Repeat("a", 4097)), "at most 4096"},
	}
	for _, tc := range cases {
		_, err := tc.f.Expr()
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
		assert.Contains(t, tc.f.String(), "<invalid filter")
	}
	c, mock := mockClient(t)
	_, err := c.Users.List(t.Context(), &oomnitza.ListOptions{Filter: oomnitza.Eq("bad field", 1)})
	require.Error(t, err)
	assert.Zero(t, mock.GetTotalCallCount(), "an invalid filter is never sent")
}

// TestEqFindsExactlyTheRecord is the property test: for random strings
// with quotes, backslashes, %, _, and/or keywords and unicode, Eq("email", v)
// finds exactly the record that holds v.
func TestEqFindsExactlyTheRecord(t *testing.T) {
	srv, c := fakeClient(t, nil)
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []string{`"`, `'`, `\`, `%`, `_`, ` and `, ` or `, `(`, `)`, `[`, `]`, `,`, `eq`, `é`, `日本`, `🙂`, `a`, `A`, ` `, `\"`, `is null`, "\t"}
	values := map[string]bool{}
	for len(values) < 150 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		v := b.String()
		key := strings.ToLower(strings.TrimSpace(v)) // the fake's unique index folds case and space
		if key == "" || values[key] {
			continue
		}
		values[key] = true
		_, err := srv.AddRecord(oomnitza.Record{"username": fmt.Sprint("u", len(values)), "email": v, "role": 25})
		require.NoError(t, err, "%q", v)
	}
	for _, u := range srv.Users() {
		page, err := c.Users.List(t.Context(), &oomnitza.ListOptions{Filter: oomnitza.Eq("email", u.Email)})
		require.NoError(t, err, "%q", u.Email)
		require.Len(t, page.Users, 1, "%q", u.Email)
		assert.Equal(t, u.UserID, page.Users[0].UserID, "%q", u.Email)
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	c, mock := mockClient(t)
	ctx := t.Context()
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"empty id", func() error { _, err := c.Users.Get(ctx, ""); return err }, "user id is empty"},
		{"path id", func() error { _, err := c.Users.Get(ctx, "../admin"); return err }, `user id "../admin" contains a character`},
		{"query id", func() error { return c.Users.Delete(ctx, "abc?x=1") }, "contains a character"},
		{"bad record key", func() error {
			_, err := c.Users.Create(ctx, oomnitza.Record{"username": "a", "role": 1, "first name": "x"})
			return err
		}, `field "first name" is not an external id`},
		{"no username", func() error { _, err := c.Users.Create(ctx, oomnitza.Record{"email": "a@b.c"}); return err }, "username is empty"},
		{"nil record", func() error { _, err := c.Users.Create(ctx, nil); return err }, "record is nil"},
		{"empty update", func() error { _, err := c.Users.Update(ctx, userID, oomnitza.Record{}); return err }, "record is empty"},
		{"negative limit", func() error { _, err := c.Users.List(ctx, &oomnitza.ListOptions{Limit: -1}); return err }, "Limit is -1"},
		{"bad sort", func() error { _, err := c.Users.List(ctx, &oomnitza.ListOptions{Sort: "name; drop"}); return err }, `Sort "name; drop"`},
		{"bad fields", func() error { _, err := c.Users.List(ctx, &oomnitza.ListOptions{Fields: []string{"a,b"}}); return err }, `"a,b" is not a field external id`},
		{"saas id", func() error { _, err := c.SaaS.Get(ctx, 0); return err }, "SaaS id 0 is not valid"},
		{"saas name", func() error { _, err := c.SaaS.Create(ctx, &oomnitza.SaaS{}); return err }, "saas_name is empty"},
		{"no assignments", func() error { return c.SaaS.AssignUsers(ctx, 3) }, "no assignments"},
		{"external id", func() error { return c.SaaS.SetUserExternalID(ctx, 3, userID, "") }, "external id is empty"},
		{"role label", func() error { _, err := c.SaaS.CreateRole(ctx, 3, " "); return err }, "label is empty"},
		{"role ref", func() error { return c.SaaS.SetUserRoles(ctx, 3, userID, oomnitza.RoleRef{}) }, "empty external id"},
		{"no saas users", func() error { return c.SaaSUsers.Activate(ctx) }, "no ids"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Zero(t, mock.GetTotalCallCount())
}

func TestNewClientRejectsBadInput(t *testing.T) {
	cases := []struct {
		url, token, want string
		opts             []oomnitza.Option
	}{
		{base, "", "API token is empty", nil},
		{"http://acme.oomnitza.com", testToken, `base URL "http://acme.oomnitza.com" must use https`, nil},
		{"acme.oomnitza.com", testToken, "must be absolute", nil},
		{base, testToken, "WithRetries: 99 is out of range", []oomnitza.Option{oomnitza.WithRetries(99)}},
		{base, testToken, "WithRateLimit: burst is 0", []oomnitza.Option{oomnitza.WithRateLimit(1, 0)}},
	}
	for _, tc := range cases {
		_, err := oomnitza.NewClient(tc.url, tc.token, tc.opts...)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
		assert.NotContains(t, err.Error(), testToken)
	}
	t.Setenv(oomnitza.EnvURL, "")
	_, err := oomnitza.FromEnv()
	require.ErrorContains(t, err, "OOMNITZA_URL is not set")
	t.Setenv(oomnitza.EnvURL, base)
	t.Setenv(oomnitza.EnvAPIToken, "")
	_, err = oomnitza.FromEnv()
	require.ErrorContains(t, err, "OOMNITZA_API_TOKEN is not set")
	t.Setenv(oomnitza.EnvAPIToken, testToken)
	c, err := oomnitza.FromEnv()
	require.NoError(t, err)
	assert.Equal(t, base, c.BaseURL())
}
