package jumpcloudtest

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

type listReply struct {
	TotalCount int              `json:"totalCount"`
	Results    []map[string]any `json:"results"`
}

func list(t *testing.T, srv *Server, query string) listReply {
	t.Helper()
	r := send(t, "GET", srv.URL+"/api/systemusers?"+query, key(srv), "")
	require.Equal(t, 200, r.status, "%s: %s", query, r.body)
	var out listReply
	require.NoError(t, json.Unmarshal([]byte(r.body), &out))
	return out
}

// Item 2: the admin object is a response field, so it filters and sorts.
func TestAdminFiltersAndSorts(t *testing.T) {
	users := GenerateUsers(20, 3)
	srv := NewServer(WithUsers(users...), WithAdmins(
		&jumpcloud.Admin{Email: users[2].Email, RoleName: "Administrator"},
		&jumpcloud.Admin{Email: users[5].Email, RoleName: "Read Only"},
	))
	defer srv.Close()
	got := list(t, srv, "filter="+url.QueryEscape("admin.roleName:$eq:Administrator"))
	require.Equal(t, 1, got.TotalCount)
	assert.Equal(t, users[2].Email, got.Results[0]["email"])
	got = list(t, srv, "limit=100&filter="+url.QueryEscape("admin:$eq:null"))
	assert.Equal(t, 18, got.TotalCount, "users that are not administrators")
	got = list(t, srv, "limit=3&sort="+url.QueryEscape("-admin.roleName"))
	assert.Equal(t, "Read Only", got.Results[0]["admin"].(map[string]any)["roleName"])
	assert.Equal(t, "Administrator", got.Results[1]["admin"].(map[string]any)["roleName"])
}

// Item 3: error bodies take the shapes the notes describe per case.
func TestErrorBodiesPerCase(t *testing.T) {
	users := GenerateUsers(2, 3)
	srv := NewServer(WithUsers(users...))
	defer srv.Close()
	post := func(body string) reply { return send(t, "POST", srv.URL+"/api/systemusers", key(srv), body) }
	r := post(`{"username":"` + users[0].Username + `","email":"new@example.com"}`)
	assert.Equal(t, 400, r.status)
	assert.JSONEq(t, `{"message":"Already Exists"}`, r.body, "a duplicate is message-only")
	r = post(`{"username":"x","email":"x@example.com","sudo":"yes"}`)
	assert.Equal(t, 400, r.status)
	assert.JSONEq(t, `{"code":400,"message":"Bad Request: invalid value for sudo","status":"INVALID_ARGUMENT","details":[]}`, r.body, "a schema violation is ErrorDetails")
	r = send(t, "GET", srv.URL+"/api/systemusers?limit=500", key(srv), "")
	assert.JSONEq(t, `{"message":"Bad Request: request parameter \"limit\" exceeds maximum value of 100"}`, r.body)
	r = send(t, "GET", srv.URL+"/api/systemusers/"+strings.Repeat("f", 24), key(srv), "")
	assert.Equal(t, 404, r.status)
	assert.JSONEq(t, `{"code":404,"message":"User not found","status":"NOT_FOUND"}`, r.body, "404 is the spec's Error")

	// The client handles both shapes.
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: users[0].Username, Email: "new@example.com"})
	require.ErrorIs(t, err, jumpcloud.ErrConflict)
	_, err = c.Users.Get(t.Context(), strings.Repeat("f", 24))
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)
}

// Item 4: routes and defaults as documented.
func TestRoutesAndDefaults(t *testing.T) {
	srv := NewServer(WithOrgID("abcdefabcdefabcdefabcdef"), WithUsers(GenerateUsers(3, 1)...))
	defer srv.Close()
	h := key(srv)
	h["x-org-id"] = srv.OrgID()
	r := send(t, "GET", srv.URL+"/api/systemusers", h, "")
	var page listReply
	require.NoError(t, json.Unmarshal([]byte(r.body), &page))
	for _, u := range page.Results {
		assert.Equal(t, srv.OrgID(), u["organization"], "seeded users belong to the server's org")
	}
	id := page.Results[0]["_id"].(string)

	r = send(t, "PUT", srv.URL+"/api/systemusers/"+id, h, "")
	assert.Equal(t, 200, r.status, "PUT needs no body: %s", r.body)

	r = send(t, "POST", srv.URL+"/api/systemusers", h, `{"username":"newbie","email":"newbie@example.com"}`)
	require.Equal(t, 200, r.status)
	var created map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &created))
	assert.GreaterOrEqual(t, created["unix_uid"], float64(1))
	assert.GreaterOrEqual(t, created["unix_guid"], float64(1))
	r = send(t, "POST", srv.URL+"/api/systemusers", h, `{"username":"second","email":"second@example.com"}`)
	var second map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &second))
	assert.NotEqual(t, created["unix_uid"], second["unix_uid"], "unix ids are unique")

	// SSH keys.
	r = send(t, "POST", srv.URL+"/api/systemusers/"+id+"/sshkeys", h, `{"name":"laptop","public_key":"ssh-ed25519 AAAA"}`)
	require.Equal(t, 200, r.status, r.body)
	var k map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.body), &k))
	r = send(t, "GET", srv.URL+"/api/systemusers/"+id+"/sshkeys", h, "")
	assert.Contains(t, r.body, "ssh-ed25519 AAAA")
	r = send(t, "DELETE", srv.URL+"/api/systemusers/"+id+"/sshkeys/"+k["_id"].(string), h, "")
	assert.Equal(t, 200, r.status)
	r = send(t, "GET", srv.URL+"/api/systemusers/"+id+"/sshkeys", h, "")
	assert.JSONEq(t, `[]`, r.body)

	// Advanced search.
	r = send(t, "POST", srv.URL+"/api/search/systemusers", h,
		`{"searchFilter":{"searchTerm":"newbie","fields":["username"]},"fields":"username email"}`)
	require.Equal(t, 200, r.status, r.body)
	assert.JSONEq(t, `{"totalCount":1,"results":[{"_id":"`+created["_id"].(string)+`","username":"newbie","email":"newbie@example.com"}]}`, r.body)
	r = send(t, "POST", srv.URL+"/api/search/systemusers", h, `{"filter":{"or":[{"username":"newbie"},{"username":{"$regex":"^sec"}}]}}`)
	require.NoError(t, json.Unmarshal([]byte(r.body), &page))
	assert.Equal(t, 2, page.TotalCount)
	r = send(t, "POST", srv.URL+"/api/search/systemusers", h, `{"filter":{"username":{"$where":"1"}}}`)
	assert.Equal(t, 400, r.status)
}

// Item 4: the client's filter encoding, read back by the fake's own parser.
func FuzzClientFilterEncodingAgainstTheFake(f *testing.F) {
	f.Add("department", "Sales|Ops", "x:y")
	f.Add("username", `a\b`, "2024-01-01T00:00:00Z")
	f.Add("admin.roleName", "|", "")
	f.Fuzz(func(t *testing.T, field, a, b string) {
		for _, flt := range []jumpcloud.Filter{jumpcloud.Eq(field, a), jumpcloud.In(field, a, b), jumpcloud.StartsWith(field, b)} {
			v := url.Values{}
			if err := (jumpcloud.Filters{flt}).EncodeValues("filter", &v); err != nil {
				return // the client refused it: nothing is sent
			}
			// What the server receives is the decoded query string.
			got, err := url.ParseQuery(v.Encode())
			require.NoError(t, err)
			wf, err := parseWireFilter(got.Get("filter"), false)
			if err != nil {
				t.Fatalf("the client sent %q, which the fake cannot read: %v", got.Get("filter"), err)
			}
			want := []string{a}
			switch flt.Op {
			case jumpcloud.OpIn:
				want = []string{a, b}
			case jumpcloud.OpStartsWith:
				want = []string{b}
			}
			if wf.field != field || wf.op != string(flt.Op) || !equalStrings(wf.values, want) {
				t.Fatalf("sent %s %s %q, the fake read %s %s %q", field, flt.Op, want, wf.field, wf.op, wf.values)
			}
		}
	})
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Item 8: faults that are easy to script.
func TestScriptedFaults(t *testing.T) {
	srv := NewServer(WithUsers(GenerateUsers(3, 1)...))
	defer srv.Close()
	require.Error(t, srv.Inject("GET /api/systemusers/{ident}", Fault503), "a route the fake lacks is refused")
	require.NoError(t, srv.InjectTooManyRequests("GET /api/systemusers", "1e400"))
	r := send(t, "GET", srv.URL+"/api/systemusers", key(srv), "")
	assert.Equal(t, 429, r.status)
	assert.Equal(t, "1e400", r.header.Get("Retry-After"))
	require.NoError(t, srv.FailRoute("GET /api/users", Fault503))
	for range 3 {
		assert.Equal(t, 503, send(t, "GET", srv.URL+"/api/users", key(srv), "").status)
	}
	assert.Equal(t, map[string]int{"GET /api/systemusers 429": 1, "GET /api/users 503": 3}, srv.FaultsServed())
	require.NoError(t, srv.Inject("GET /api/systemusers", Fault500, Fault500))
	srv.Reset()
	assert.Equal(t, 200, send(t, "GET", srv.URL+"/api/users", key(srv), "").status, "Reset drops route faults")
	assert.Equal(t, 200, send(t, "GET", srv.URL+"/api/systemusers", key(srv), "").status, "and scripted ones")
	assert.Empty(t, srv.FaultsServed())
	assert.Equal(t, map[string]int{"GET /api/users": 1, "GET /api/systemusers": 1}, srv.Calls())
}

// Item 9: generated data is consistent with the fake's clock.
func TestGeneratedUsersMakeSenseAtTheClock(t *testing.T) {
	now := time.Date(2031, 3, 15, 12, 0, 0, 0, time.UTC)
	srv := NewServer(WithGeneratedUsers(250, 9), WithClock(func() time.Time { return now }))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	var expired, locked int
	for u, err := range c.Users.All(t.Context(), nil) {
		require.NoError(t, err)
		assert.False(t, u.Created.After(now), "created in the past")
		if !u.PasswordExpirationDate.IsZero() {
			assert.Equal(t, !u.PasswordExpirationDate.After(now), u.PasswordExpired, "%s: expiry %v at %v", u.Username, u.PasswordExpirationDate, now)
		}
		if u.PasswordExpired {
			expired++
		}
		if u.AccountLocked {
			locked++
			assert.False(t, u.AccountLockedDate.IsZero(), "a locked account has a lock date")
		}
	}
	assert.Positive(t, expired)
	assert.Positive(t, locked)
	assert.Less(t, expired, 60, "most passwords are current")
}
