package jumpcloud_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

func TestNewClientRejectsBadInput(t *testing.T) {
	cases := []struct {
		name string
		key  string
		opts []jumpcloud.Option
		want string
	}{
		{"empty key", "", nil, "API key is empty"},
		{"blank key", "   ", nil, "API key is empty"},
		{"http base", testKey, []jumpcloud.Option{jumpcloud.WithBaseURL("http://console.jumpcloud.com")}, `base URL "http://console.jumpcloud.com" must use https`},
		{"bad org", testKey, []jumpcloud.Option{jumpcloud.WithOrgID("acme")}, `organization id "acme" is not a 24-character hex id`},
		{"rate", testKey, []jumpcloud.Option{jumpcloud.WithRateLimit(0, 1)}, "perSecond is 0"},
		{"burst", testKey, []jumpcloud.Option{jumpcloud.WithRateLimit(5, 0)}, "burst is 0"},
		{"retries", testKey, []jumpcloud.Option{jumpcloud.WithRetries(-1)}, "-1 is out of range"},
		{"timeout", testKey, []jumpcloud.Option{jumpcloud.WithTimeout(0)}, "want a positive duration"},
		{"nil http", testKey, []jumpcloud.Option{jumpcloud.WithHTTPClient(nil)}, "client is nil"},
		{"nil logger", testKey, []jumpcloud.Option{jumpcloud.WithLogger(nil)}, "logger is nil"},
		{"ua", testKey, []jumpcloud.Option{jumpcloud.WithUserAgent("a\r\nX-Evil: 1")}, "not a valid User-Agent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := jumpcloud.NewClient(tc.key, tc.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(jumpcloud.EnvAPIKey, "")
	_, err := jumpcloud.FromEnv()
	require.ErrorContains(t, err, "JUMPCLOUD_API_KEY is not set")

	t.Setenv(jumpcloud.EnvAPIKey, testKey)
	t.Setenv(jumpcloud.EnvOrgID, testOrg)
	t.Setenv(jumpcloud.EnvBaseURL, jumpcloud.EUBaseURL)
	c, err := jumpcloud.FromEnv()
	require.NoError(t, err)
	assert.Equal(t, jumpcloud.EUBaseURL, c.BaseURL())

	t.Setenv(jumpcloud.EnvOrgID, "nope")
	_, err = jumpcloud.FromEnv()
	require.ErrorContains(t, err, `organization id "nope"`)
}

// TestBadInputSendsNothing checks that every invalid call fails before any request.
func TestBadInputSendsNothing(t *testing.T) {
	c, mock := mockClient(t)
	ctx := t.Context()
	cases := []struct {
		name string
		call func() error
		want string
	}{
		{"malformed id get", func() error { _, err := c.Users.Get(ctx, "../../admin"); return err }, `user id "../../admin" is not a JumpCloud id`},
		{"short id update", func() error { _, err := c.Users.Update(ctx, "abc", &jumpcloud.UserUpdateRequest{}); return err }, `user id "abc"`},
		{"upper-case id delete", func() error { _, err := c.Users.Delete(ctx, "65A1B2C3D4E5F60718293A4B", nil); return err }, "is not a JumpCloud id"},
		{"empty id unlock", func() error { return c.Users.Unlock(ctx, "") }, `user id ""`},
		{"id with query expire", func() error { return c.Users.ExpirePassword(ctx, userID+"?x=1") }, "is not a JumpCloud id"},
		{"limit over 100", func() error { _, err := c.Users.List(ctx, &jumpcloud.ListOptions{Limit: 500}); return err }, "ListOptions.Limit is 500; JumpCloud accepts 1 to 100"},
		{"negative skip", func() error { _, err := c.Users.List(ctx, &jumpcloud.ListOptions{Skip: -1}); return err }, "Skip is -1"},
		{"all limit", func() error {
			for _, err := range c.Users.All(ctx, &jumpcloud.ListOptions{Limit: 101}) {
				return err
			}
			return nil
		}, "Limit is 101"},
		{"bad filter field", func() error {
			_, err := c.Users.List(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Eq("email:$ne", "x")}})
			return err
		}, `filter field "email:$ne" is not a field name`},
		{"bad filter op", func() error {
			_, err := c.Users.List(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{{Field: "email", Op: "$regex", Values: []string{"x"}}}})
			return err
		}, `operator "$regex"`},
		{"bad sort", func() error { _, err := c.Users.List(ctx, &jumpcloud.ListOptions{Sort: []string{"a b"}}); return err }, `field name "a b"`},
		{"create state", func() error {
			_, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com", State: "ENABLED"})
			return err
		}, `state "ENABLED" is not one of STAGED, ACTIVATED, SUSPENDED`},
		{"update state staged", func() error {
			_, err := c.Users.Update(ctx, userID, &jumpcloud.UserUpdateRequest{State: jumpcloud.Ptr(jumpcloud.StateStaged)})
			return err
		}, `state "STAGED" is not one of ACTIVATED, SUSPENDED`},
		{"create no username", func() error {
			_, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Email: "ada@example.com"})
			return err
		}, "username is empty"},
		{"create bad email", func() error {
			_, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada"})
			return err
		}, `email "ada" is not an email address`},
		{"create nil", func() error { _, err := c.Users.Create(ctx, nil); return err }, "request is nil"},
		{"extra shadows field", func() error {
			_, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com", Extra: map[string]any{"email": "x@y"}})
			return err
		}, `Extra field "email" duplicates a typed field`},
		{"activate bad email", func() error { return c.Users.Activate(ctx, userID, jumpcloud.EmailTo("nope")) }, `email "nope"`},
		{"resetmfa days", func() error {
			return c.Users.ResetMFA(ctx, userID, &jumpcloud.ResetMFARequest{ExclusionDays: -2})
		}, "exclusionDays is -2"},
		{"empty email lookup", func() error { _, err := c.Users.GetByEmail(ctx, ""); return err }, "value is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Zero(t, mock.GetTotalCallCount(), "bad input must not reach the network")
}

func TestPasswordNeverPrints(t *testing.T) {
	req := jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com", Password: "hunter2-secret"}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		assert.NotContains(t, sprintf(f, req), "hunter2", f)
		assert.NotContains(t, sprintf(f, &req), "hunter2", f)
	}
}
