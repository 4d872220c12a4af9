package oomnitza_test

import (
	"io"
	"iter"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

const (
	testToken = "oom-test-token-91c2"
	base      = "https://acme.oomnitza.com"
	userID    = "0000000a1b2c3d4e5f60718293a4b5c6"
)

type captured struct {
	method, path string
	query        url.Values
	header       http.Header
	body         string
}

func mockClient(t *testing.T, opts ...oomnitza.Option) (*oomnitza.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	c, err := oomnitza.NewClient(base, testToken, append([]oomnitza.Option{
		oomnitza.WithHTTPClient(&http.Client{Transport: mock}), oomnitza.WithRetries(0)}, opts...)...)
	require.NoError(t, err)
	return c, mock
}

func expect(mock *httpmock.MockTransport, method, path string, status int, body string, header ...string) *captured {
	c := &captured{}
	mock.RegisterResponder(method, base+path, func(r *http.Request) (*http.Response, error) {
		b := []byte{}
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		*c = captured{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone(), string(b)}
		resp := httpmock.NewStringResponse(status, body)
		for i := 0; i+1 < len(header); i += 2 {
			resp.Header.Set(header[i], header[i+1])
		}
		return resp, nil
	})
	return c
}

func assertHeaders(t *testing.T, c *captured, withBody bool) {
	t.Helper()
	assert.Equal(t, testToken, c.header.Get("Authorization2"))
	assert.Empty(t, c.header.Get("Authorization"), "the token goes in Authorization2, not Authorization")
	assert.Equal(t, "application/json", c.header.Get("Accept"))
	assert.Contains(t, c.header.Get("User-Agent"), "jcoom/")
	if withBody {
		assert.Equal(t, "application/json", c.header.Get("Content-Type"))
	}
}

const userJSON = `{"user_id":"` + userID + `","uid":7,"username":"ada@example.com","email":"ada@example.com",
 "first_name":"Ada","last_name":"Lovelace","role":25,"suspended":false,"creation_date":1714521600,
 "change_date":null,"jump_cloud_user_id":"65a1b2c3d4e5f60718293a4b","cost_center":42}`

func TestUsersListShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/v3/users", 200, `[`+userJSON+`]`, "X-Total-Count", "281")
	page, err := c.Users.List(t.Context(), &oomnitza.ListOptions{
		Limit: 50, Skip: 100, Sort: "-creation_date", Fields: []string{"username", "email"},
		Filter: oomnitza.And(oomnitza.Eq("email", `a"b\c@example.com`), oomnitza.Or(oomnitza.IsNull("position"), oomnitza.Gt("role", 1))),
	})
	require.NoError(t, err)
	assert.Equal(t, 281, page.Total)
	require.Len(t, page.Users, 1)
	assert.Equal(t, url.Values{
		"limit": {"50"}, "skip": {"100"}, "sortby": {"creation_date desc"}, "fields": {"username,email"},
		"filter": {`email eq "a\"b\\c@example.com" and (position is null or role gt 1)`},
	}, got.query)
	assertHeaders(t, got, false)
}

func TestUsersListWithoutTotal(t *testing.T) {
	c, mock := mockClient(t)
	expect(mock, "GET", "/api/v3/users", 200, `[]`)
	page, err := c.Users.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, -1, page.Total)
}

func TestUsersGetShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/v3/users/"+userID, 200, userJSON)
	u, err := c.Users.Get(t.Context(), userID)
	require.NoError(t, err)
	assertHeaders(t, got, false)
	assert.Equal(t, int64(7), u.UID)
	assert.Equal(t, int64(1714521600), u.CreationDate.Unix())
	assert.True(t, u.ChangeDate.IsZero())
	assert.Equal(t, "65a1b2c3d4e5f60718293a4b", u.CustomString("jump_cloud_user_id"))
	v, ok := u.Field("first_name")
	assert.True(t, ok)
	assert.Equal(t, "Ada", v)
}

func TestUsersCreateShape(t *testing.T) {
	c, mock := mockClient(t, oomnitza.WithNotTriggerWorkflows(true), oomnitza.WithAllowUnknownMetaFields(true))
	got := expect(mock, "POST", "/api/v3/users", 200, userJSON)
	_, err := c.Users.Create(t.Context(), oomnitza.Record{"username": "ada@example.com", "email": "ada@example.com", "role": 25, "jump_cloud_user_id": "x"})
	require.NoError(t, err)
	assertHeaders(t, got, true)
	assert.Equal(t, "1", got.header.Get("Oomnitza-Not-Trigger-WF"))
	assert.Equal(t, "1", got.header.Get("Oomnitza-Allow-Unknown-Meta-Fields"))
	assert.JSONEq(t, `{"username":"ada@example.com","email":"ada@example.com","role":25,"jump_cloud_user_id":"x"}`, got.body)
}

func TestUsersUpdateShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "PATCH", "/api/v3/users/"+userID, 200, userJSON)
	_, err := c.Users.Update(t.Context(), userID, oomnitza.Record{"position": "CTO", "suspended": false})
	require.NoError(t, err)
	assertHeaders(t, got, true)
	assert.Empty(t, got.header.Get("Oomnitza-Not-Trigger-WF"), "switches are off by default")
	assert.JSONEq(t, `{"position":"CTO","suspended":false}`, got.body)
}

func TestUsersDeleteShape(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{{200, userJSON}, {204, ``}} {
		c, mock := mockClient(t)
		got := expect(mock, "DELETE", "/api/v3/users/"+userID, tc.status, tc.body)
		require.NoError(t, c.Users.Delete(t.Context(), userID), "status %d", tc.status)
		assert.Equal(t, "DELETE", got.method)
		assertHeaders(t, got, false)
	}
}

func TestUsersFieldsShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/v3/users/meta", 200, `{
	 "jump_cloud_user_id":{"internal_id":"24DCF85294E411E38A52066B556BA4EE","uid":"101","label":"JumpCloud User Id","data_type":"string",
	   "length":256,"editable":"1","optional":"1","unique":"1","searchhelp":null,"dropdown_help_text_enabled":"0"},
	 "role":{"uid":3,"label":"Role","data_type":"integer","editable":true,"optional":"0","unique":"0",
	   "searchhelp":[{"key":"25","value":"Employee","help_text":""}],"dropdown_help_text_enabled":"0","default_value":"25"}}`)
	fields, err := c.Users.Fields(t.Context())
	require.NoError(t, err)
	assertHeaders(t, got, false)
	assert.Equal(t, []oomnitza.Field{
		{ExternalID: "jump_cloud_user_id", InternalID: "24DCF85294E411E38A52066B556BA4EE", UID: 101, Label: "JumpCloud User Id",
			DataType: "string", Length: 256, Editable: true, Unique: true},
		{ExternalID: "role", UID: 3, Label: "Role", DataType: "integer", Editable: true, Mandatory: true, DefaultValue: "25",
			Dropdown: []oomnitza.DropdownValue{{Key: "25", Value: "Employee"}}},
	}, fields)
}

func TestSaaSShapes(t *testing.T) {
	c, mock := mockClient(t)
	ctx := t.Context()

	got := expect(mock, "GET", "/api/v3/saas", 200, `[{"saas_id":3,"saas_name":"JumpCloud"}]`)
	apps, err := c.SaaS.List(ctx, &oomnitza.ListOptions{Filter: oomnitza.Eq("saas_name", "JumpCloud")})
	require.NoError(t, err)
	assert.Equal(t, 3, apps[0].SaaSID)
	assert.Equal(t, `saas_name eq "JumpCloud"`, got.query.Get("filter"))

	got = expect(mock, "POST", "/api/v3/saas", 201, `{"saas_id":"3"}`)
	app, err := c.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: "JumpCloud"})
	require.NoError(t, err)
	assert.Equal(t, 3, app.SaaSID)
	assert.JSONEq(t, `{"saas_name":"JumpCloud"}`, got.body)

	got = expect(mock, "GET", "/api/v3/saas/3", 200, `{"saas_id":3,"saas_name":"JumpCloud"}`)
	_, err = c.SaaS.Get(ctx, 3)
	require.NoError(t, err)
	assertHeaders(t, got, false)

	got = expect(mock, "PATCH", "/api/v3/saas/3", 200, `{"saas_id":3,"saas_name":"JumpCloud","category":"IdP"}`)
	_, err = c.SaaS.Update(ctx, 3, oomnitza.Record{"category": "IdP"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"category":"IdP"}`, got.body)

	got = expect(mock, "GET", "/api/v3/saas/3/users", 200, `[{"user_id":"`+userID+`","username":"ada","roles":{"role_id":"r1","role_external_id":"admin","role_external_label":"Admin"},"user_external_id":"j1","last_visit":1714521600}]`)
	users := saasUsers(t, c.SaaS.Users(ctx, 3))
	assert.Equal(t, url.Values{"limit": {"100"}}, got.query)
	assert.Equal(t, "Admin", users[0].Roles.RoleExternalLabel)
	assert.Equal(t, int64(1714521600), users[0].LastVisit.Unix())
	assertHeaders(t, got, false)

	got = expect(mock, "POST", "/api/v3/saas/3/users", 200, ``)
	require.NoError(t, c.SaaS.AssignUsers(ctx, 3, oomnitza.Assignment{UserID: userID, Assign: true}))
	assert.JSONEq(t, `[{"user_id":"`+userID+`","assign":true}]`, got.body)

	got = expect(mock, "POST", "/api/v3/saas/3/users/"+userID, 200, `{"user_external_id":"j1","errors":[]}`)
	require.NoError(t, c.SaaS.SetUserExternalID(ctx, 3, userID, "j1"))
	assert.JSONEq(t, `{"user_external_id":"j1"}`, got.body)

	got = expect(mock, "GET", "/api/v3/saas/3/roles", 200, `[{"role_id":"r1","saas_id":"3","source":1,"role_external_id":"admin","role_external_label":"Admin","users_count":2}]`)
	roles, err := c.SaaS.Roles(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, 2, roles[0].UsersCount)
	assert.Equal(t, "GET", got.method)

	got = expect(mock, "POST", "/api/v3/saas/3/roles", 201, `{"role_id":"r2","saas_id":"3","role_external_id":"User","role_external_label":"User"}`)
	_, err = c.SaaS.CreateRole(ctx, 3, "User")
	require.NoError(t, err)
	assert.JSONEq(t, `{"role_external_label":"User"}`, got.body)

	got = expect(mock, "PATCH", "/api/v3/saas/3/roles/users", 200, `{"role_id":"r1","user_id":"`+userID+`","errors":null}`)
	require.NoError(t, c.SaaS.SetUserRoles(ctx, 3, userID, oomnitza.RoleRef{ExternalID: "admin", Label: "Admin"}))
	assert.JSONEq(t, `{"users":"`+userID+`","roles":[{"role_external_id":"admin","role_external_label":"Admin"}]}`, got.body)

	got = expect(mock, "PATCH", "/api/v3/saas_users/activate", 200, `[{"saas_user_id":"s1","error":null}]`)
	require.NoError(t, c.SaaSUsers.Activate(ctx, "s1"))
	assert.JSONEq(t, `{"saas_user_ids":["s1"]}`, got.body)
	got = expect(mock, "PATCH", "/api/v3/saas_users/deactivate", 200, `[{"saas_user_id":"s1","error":null},{"saas_user_id":"s2","error":"Smth bad has happend"}]`)
	err = c.SaaSUsers.Deactivate(ctx, "s1", "s2")
	var ie *oomnitza.ItemError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, map[string]string{"s2": "Smth bad has happend"}, ie.Failures)
	assert.JSONEq(t, `{"saas_user_ids":["s1","s2"]}`, got.body)
}

func TestErrorDecoding(t *testing.T) {
	cases := []struct {
		status   int
		body     string
		sentinel error
		msg      string
	}{
		{404, `{"errors":["User not found"]}`, oomnitza.ErrNotFound, "User not found"},
		{401, `{"message":"Invalid token"}`, oomnitza.ErrUnauthorized, "Invalid token"},
		{403, `{"detail":"You do not have permission"}`, oomnitza.ErrForbidden, "You do not have permission"},
		{400, `{"errors":{"email":"must be unique"}}`, oomnitza.ErrConflict, "email: must be unique"},
		{400, `{"errors":["filter: unknown field \"x\""]}`, nil, `filter: unknown field "x"`},
		{502, `<html>Bad Gateway</html>`, nil, "<html>Bad Gateway</html>"},
	}
	for _, tc := range cases {
		c, mock := mockClient(t)
		expect(mock, "GET", "/api/v3/users/"+userID, tc.status, tc.body)
		_, err := c.Users.Get(t.Context(), userID)
		var e *oomnitza.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, tc.status, e.StatusCode)
		assert.Equal(t, tc.msg, e.Message)
		assert.Equal(t, "/api/v3/users/"+userID, e.Path)
		if tc.sentinel != nil {
			assert.ErrorIs(t, err, tc.sentinel)
		}
	}
}

func saasUsers(t *testing.T, seq iter.Seq2[*oomnitza.SaaSUser, error]) []*oomnitza.SaaSUser {
	t.Helper()
	var out []*oomnitza.SaaSUser
	for u, err := range seq {
		require.NoError(t, err)
		out = append(out, u)
	}
	return out
}
