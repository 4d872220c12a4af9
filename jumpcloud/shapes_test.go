package jumpcloud_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

const (
	testKey = "jc-test-key-5e1f"
	testOrg = "0123456789abcdef01234567"
	userID  = "65a1b2c3d4e5f60718293a4b"
	base    = "https://console.jumpcloud.com"
)

// captured is what a responder saw.
type captured struct {
	method string
	path   string
	query  url.Values
	header http.Header
	body   string
}

// mockClient returns a client with org id over a fresh mock transport.
func mockClient(t *testing.T, opts ...jumpcloud.Option) (*jumpcloud.Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	all := append([]jumpcloud.Option{jumpcloud.WithHTTPClient(&http.Client{Transport: mock}), jumpcloud.WithOrgID(testOrg), jumpcloud.WithRetries(0)}, opts...)
	c, err := jumpcloud.NewClient(testKey, all...)
	require.NoError(t, err)
	return c, mock
}

// expect registers a responder for method+path that records the request
// and answers status with body.
func expect(mock *httpmock.MockTransport, method, path string, status int, body string) *captured {
	c := &captured{}
	mock.RegisterResponder(method, base+path, func(r *http.Request) (*http.Response, error) {
		b := []byte{}
		if r.Body != nil {
			b, _ = io.ReadAll(r.Body)
		}
		*c = captured{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: string(b)}
		return httpmock.NewStringResponse(status, body), nil
	})
	return c
}

func assertCommonHeaders(t *testing.T, c *captured, withOrg, withBody bool) {
	t.Helper()
	assert.Equal(t, testKey, c.header.Get("x-api-key"))
	assert.Equal(t, "application/json", c.header.Get("Accept"))
	assert.Contains(t, c.header.Get("User-Agent"), "jcoom/")
	if withOrg {
		assert.Equal(t, testOrg, c.header.Get("x-org-id"))
	} else {
		assert.Empty(t, c.header.Values("x-org-id"))
	}
	if withBody {
		assert.Equal(t, "application/json", c.header.Get("Content-Type"))
	}
}

const userJSON = `{"_id":"` + userID + `","username":"ada","email":"ada@example.com","firstname":"Ada","lastname":"Lovelace",
 "state":"ACTIVATED","created":"2024-05-01T12:34:56.789Z","account_locked_date":null,"alternateEmail":null,
 "password_expiration_date":"2025-01-02T03:04:05Z","attributes":[{"name":"costCenter","value":"42"}],
 "admin":{"id":"aaaaaaaaaaaaaaaaaaaaaaaa","roleName":"Administrator","roleNames":["Administrator"]},
 "systemUsername":"ada.l","pendingProvisioning":false}`

func TestUsersListShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/systemusers", 200, `{"totalCount":250,"results":[`+userJSON+`]}`)
	page, err := c.Users.List(t.Context(), &jumpcloud.ListOptions{
		Limit: 50, Skip: 100, Fields: []string{"email", "username"}, Sort: []string{"-created", "_id"},
		Filter: jumpcloud.Filters{jumpcloud.Eq("state", jumpcloud.StateActivated), jumpcloud.In("department", "IT", "Sales|Ops")},
	})
	require.NoError(t, err)
	assert.Equal(t, 250, page.TotalCount)
	require.Len(t, page.Users, 1)
	assert.Equal(t, "ada", page.Users[0].Username)
	assert.Equal(t, "GET", got.method)
	assert.Equal(t, "/api/systemusers", got.path)
	assert.Equal(t, url.Values{
		"limit": {"50"}, "skip": {"100"}, "fields": {"email username"}, "sort": {"-created _id"},
		"filter": {"state:$eq:ACTIVATED", `department:$in:IT|Sales\|Ops`},
	}, got.query)
	assertCommonHeaders(t, got, true, false)
	assert.Empty(t, got.body)
}

func TestUsersListDefaultsToIDSort(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/systemusers", 200, `{"totalCount":0,"results":[]}`)
	_, err := c.Users.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"sort": {"_id"}}, got.query)
}

func TestUsersGetShapeAndDecoding(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/systemusers/"+userID, 200, userJSON)
	u, err := c.Users.Get(t.Context(), userID)
	require.NoError(t, err)
	assertCommonHeaders(t, got, true, false)
	assert.Equal(t, userID, u.ID)
	assert.Equal(t, "2024-05-01T12:34:56.789Z", u.Created.String())
	assert.True(t, u.AccountLockedDate.IsZero())
	assert.Empty(t, u.AlternateEmail)
	assert.Equal(t, "2025-01-02T03:04:05Z", u.PasswordExpirationDate.String())
	require.NotNil(t, u.Admin)
	assert.Equal(t, "Administrator", u.Admin.RoleName)
	v, ok := u.Attribute("costCenter")
	assert.True(t, ok)
	assert.Equal(t, "42", v)
	assert.JSONEq(t, `"ada.l"`, string(u.Extra["systemUsername"]))
	assert.JSONEq(t, `false`, string(u.Extra["pendingProvisioning"]))

	// A JSON round trip keeps the unknown fields.
	b, err := json.Marshal(u)
	require.NoError(t, err)
	var back jumpcloud.User
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, u.Extra, back.Extra)
	b2, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
	assert.JSONEq(t, userJSON, string(u.Raw()), "Raw is the wire form")
}

func TestUsersCreateShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "POST", "/api/systemusers", 200, userJSON)
	u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{
		Username: "ada", Email: "ada@example.com", Firstname: "Ada", Lastname: "Lovelace",
		Password: "s3cret!", State: jumpcloud.StateStaged, Sudo: jumpcloud.Ptr(false),
		Attributes: []jumpcloud.Attribute{{Name: "costCenter", Value: "42"}},
		Extra:      map[string]any{"systemUsername": "ada.l"},
	})
	require.NoError(t, err)
	assert.Equal(t, userID, u.ID)
	assertCommonHeaders(t, got, true, true)
	assert.Empty(t, got.query)
	assert.JSONEq(t, `{"username":"ada","email":"ada@example.com","firstname":"Ada","lastname":"Lovelace",
		"password":"s3cret!","state":"STAGED","sudo":false,"attributes":[{"name":"costCenter","value":"42"}],
		"systemUsername":"ada.l"}`, got.body)
}

func TestUsersUpdateShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "PUT", "/api/systemusers/"+userID, 200, userJSON)
	_, err := c.Users.Update(t.Context(), userID, &jumpcloud.UserUpdateRequest{
		JobTitle: jumpcloud.Ptr("CTO"), Suspended: jumpcloud.Ptr(false), Department: jumpcloud.Ptr(""),
		State: jumpcloud.Ptr(jumpcloud.StateSuspended), Attributes: []jumpcloud.Attribute{},
	})
	require.NoError(t, err)
	assertCommonHeaders(t, got, true, true)
	assert.JSONEq(t, `{"jobTitle":"CTO","suspended":false,"department":"","state":"SUSPENDED","attributes":[]}`, got.body)
}

func TestUsersDeleteShape(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "DELETE", "/api/systemusers/"+userID, 200, userJSON)
	u, err := c.Users.Delete(t.Context(), userID, nil)
	require.NoError(t, err)
	assert.Equal(t, "ada", u.Username)
	assert.Empty(t, got.query)
	assertCommonHeaders(t, got, true, false)
	_, err = c.Users.Delete(t.Context(), userID, &jumpcloud.DeleteOptions{CascadeManager: true})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"cascade_manager": {"null"}}, got.query)
}

func TestUserActionShapes(t *testing.T) {
	cases := []struct {
		name, path, body string
		call             func(c *jumpcloud.Client) error
	}{
		{"unlock", "/unlock", ``, func(c *jumpcloud.Client) error { return c.Users.Unlock(t.Context(), userID) }},
		{"expire", "/expire", ``, func(c *jumpcloud.Client) error { return c.Users.ExpirePassword(t.Context(), userID) }},
		{"resetmfa", "/resetmfa", `{"exclusion":true,"exclusionDays":7}`, func(c *jumpcloud.Client) error {
			return c.Users.ResetMFA(t.Context(), userID, &jumpcloud.ResetMFARequest{Exclusion: true, ExclusionDays: 7})
		}},
		{"resetmfa default", "/resetmfa", `{"exclusion":false}`, func(c *jumpcloud.Client) error { return c.Users.ResetMFA(t.Context(), userID, nil) }},
		{"activate", "/state/activate", `{}`, func(c *jumpcloud.Client) error { return c.Users.Activate(t.Context(), userID, nil) }},
		{"activate no email", "/state/activate", `{"email":false}`, func(c *jumpcloud.Client) error {
			return c.Users.Activate(t.Context(), userID, jumpcloud.SendEmail(false))
		}},
		{"activate to", "/state/activate", `{"email":"it@example.com"}`, func(c *jumpcloud.Client) error {
			return c.Users.Activate(t.Context(), userID, jumpcloud.EmailTo("it@example.com"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, mock := mockClient(t)
			got := expect(mock, "POST", "/api/systemusers/"+userID+tc.path, 200, ``)
			require.NoError(t, tc.call(c))
			assert.Equal(t, "POST", got.method)
			assertCommonHeaders(t, got, true, tc.body != "")
			if tc.body == "" {
				assert.Empty(t, got.body)
			} else {
				assert.JSONEq(t, tc.body, got.body)
			}
		})
	}
}

func TestLookupShapes(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/systemusers", 200, `{"totalCount":1,"results":[`+userJSON+`]}`)
	u, err := c.Users.GetByEmail(t.Context(), "ada@example.com")
	require.NoError(t, err)
	assert.Equal(t, userID, u.ID)
	assert.Equal(t, url.Values{"limit": {"100"}, "sort": {"_id"}, "filter": {"email:$in:ada@example.com"}}, got.query)
	u, err = c.Users.GetByEmail(t.Context(), " Ada@Example.com ")
	require.NoError(t, err, "emails compare case-insensitively")
	assert.Equal(t, userID, u.ID)
	assert.Equal(t, []string{"email:$in:Ada@Example.com|ada@example.com"}, got.query["filter"])
	_, err = c.Users.GetByUsername(t.Context(), "ada")
	require.NoError(t, err)
	assert.Equal(t, []string{"username:$eq:ada"}, got.query["filter"])
	assert.Equal(t, []string{"2"}, got.query["limit"])

	expect(mock, "GET", "/api/systemusers", 200, `{"totalCount":0,"results":[]}`)
	_, err = c.Users.GetByEmail(t.Context(), "nobody@example.com")
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)
	var me *jumpcloud.MatchError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, 0, me.Count)
	assert.EqualError(t, err, `jumpcloud: no user has email "nobody@example.com"`)
	var apiErr *jumpcloud.Error
	assert.False(t, errors.As(err, &apiErr), "no invented HTTP status")

	expect(mock, "GET", "/api/systemusers", 200, `{"totalCount":2,"results":[`+userJSON+`,`+userJSON+`]}`)
	_, err = c.Users.GetByUsername(t.Context(), "ada")
	require.ErrorIs(t, err, jumpcloud.ErrMultipleMatches)
	assert.NotErrorIs(t, err, jumpcloud.ErrNotFound)
	assert.EqualError(t, err, `jumpcloud: 2 users have username "ada"; expected one`)
}

func TestAdminsShapeHasNoOrgHeader(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "GET", "/api/users", 200, `{"totalCount":1,"results":[{"_id":"aaaaaaaaaaaaaaaaaaaaaaaa",
		"email":"root@example.com","firstname":"Root","lastname":"Admin","roleName":"Administrator With Billing",
		"created":"2023-01-01T00:00:00Z","enableMultiFactor":true}]}`)
	var admins []*jumpcloud.Admin
	for a, err := range c.Admins.All(t.Context(), nil) {
		require.NoError(t, err)
		admins = append(admins, a)
	}
	require.Len(t, admins, 1)
	assert.Equal(t, "Administrator With Billing", admins[0].RoleName)
	assert.True(t, admins[0].EnableMultiFactor)
	assert.Equal(t, url.Values{"limit": {"100"}, "sort": {"_id"}}, got.query)
	assertCommonHeaders(t, got, false, false)

	a, err := c.Admins.GetByEmail(t.Context(), "ROOT@example.com")
	require.NoError(t, err)
	assert.Equal(t, "Root", a.Firstname)
	_, err = c.Admins.GetByEmail(t.Context(), "nobody@example.com")
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)
}

func TestErrorDecoding(t *testing.T) {
	cases := []struct {
		status   int
		body     string
		sentinel error
		code     int
		msg      string
	}{
		{404, `{"code":404,"message":"User not found","status":"NOT_FOUND"}`, jumpcloud.ErrNotFound, 404, "User not found"},
		{401, `{"message":"Unauthorized"}`, jumpcloud.ErrUnauthorized, 0, "Unauthorized"},
		{403, `{"code":403,"message":"ID included on unsupported route"}`, jumpcloud.ErrForbidden, 403, "ID included on unsupported route"},
		{409, `{"code":409,"message":"conflict"}`, jumpcloud.ErrConflict, 409, "conflict"},
		{400, `{"code":400,"message":"User already exists","status":"ALREADY_EXISTS"}`, jumpcloud.ErrConflict, 400, "User already exists"},
		{400, `not json at all`, nil, 0, "not json at all"},
	}
	for _, tc := range cases {
		c, mock := mockClient(t)
		expect(mock, "GET", "/api/systemusers/"+userID, tc.status, tc.body)
		_, err := c.Users.Get(t.Context(), userID)
		var e *jumpcloud.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, tc.status, e.StatusCode)
		assert.Equal(t, tc.code, e.Code)
		assert.Equal(t, tc.msg, e.Message)
		assert.Equal(t, "GET", e.Method)
		assert.Equal(t, "/api/systemusers/"+userID, e.Path)
		if tc.sentinel != nil {
			assert.ErrorIs(t, err, tc.sentinel)
		} else {
			assert.NotErrorIs(t, err, jumpcloud.ErrNotFound)
		}
	}
}

func TestPasswordValidationDetailsAreKept(t *testing.T) {
	c, mock := mockClient(t)
	expect(mock, "POST", "/api/systemusers", 400, `{"code":400,"message":"Password validation fail","status":"INVALID_ARGUMENT",
		"details":[{"fieldViolationsList":[{"field":"password","description":"specialCharacter"}],"@type":"type.googleapis.com/google.rpc.BadRequest"}]}`)
	_, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "a", Email: "a@example.com", Password: "weak"})
	var e *jumpcloud.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "INVALID_ARGUMENT", e.Status)
	require.Len(t, e.Details, 1)
	assert.Contains(t, string(e.Details[0]), "specialCharacter")
	assert.NotContains(t, err.Error(), "weak")
	assert.Equal(t, 1, mock.GetTotalCallCount(), "a 400 is not retried")
}
