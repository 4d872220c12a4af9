package jumpcloudtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

type reply struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, method, u string, header map[string]string, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func key(s *Server) map[string]string { return map[string]string{"x-api-key": s.APIKey()} }

func TestAuthAndOrgHeader(t *testing.T) {
	srv := NewServer(WithOrgID("abcdefabcdefabcdefabcdef"))
	defer srv.Close()
	u := srv.URL + "/api/systemusers"
	r := send(t, "GET", u, nil, "")
	assert.Equal(t, 401, r.status)
	assert.JSONEq(t, `{"code":401,"message":"Unauthorized","status":"UNAUTHENTICATED"}`, r.body)

	cases := []struct {
		path, org string
		status    int
		msg       string
	}{
		{"/api/systemusers", "", 401, "ID not included for multi-tenant admin"},
		{"/api/systemusers", "acme", 400, "Malformed ID"},
		{"/api/systemusers", "ffffffffffffffffffffffff", 404, "Organization ID Not Found"},
		{"/api/systemusers", "abcdefabcdefabcdefabcdef", 200, ""},
		{"/api/users", "abcdefabcdefabcdefabcdef", 200, ""}, // optional there (notes section 1)
		{"/api/users", "", 200, ""},
	}
	for _, tc := range cases {
		h := key(srv)
		if tc.org != "" {
			h["x-org-id"] = tc.org
		}
		r := send(t, "GET", srv.URL+tc.path, h, "")
		assert.Equal(t, tc.status, r.status, "%s %q", tc.path, tc.org)
		if tc.msg != "" {
			assert.Contains(t, r.body, tc.msg)
		}
	}
}

func TestListValidation(t *testing.T) {
	srv := NewServer(WithUsers(GenerateUsers(30, 1)...))
	defer srv.Close()
	for q, want := range map[string]string{
		"limit=101": `{"message":"Bad Request: request parameter \"limit\" exceeds maximum value of 100"}`,
		"limit=x":   `{"message":"Bad Request: request parameter \"limit\" must be a non-negative integer"}`,
		"skip=-1":   `{"message":"Bad Request: request parameter \"skip\" must be a non-negative integer"}`,
		"filter=" + url.QueryEscape("email:eq:x"):   `{"message":"Bad Request: invalid filter \"email:eq:x\": unknown operator \"eq\""}`,
		"filter=" + url.QueryEscape("email:$co:x"):  `{"message":"Bad Request: invalid filter \"email:$co:x\": $co requires the x-eventually-consistent: true header"}`,
		"filter=" + url.QueryEscape("$where:$eq:1"): `{"message":"Bad Request: invalid filter \"$where:$eq:1\": bad field name"}`,
		"search=ada": `{"message":"Bad Request: the search parameter is not supported by this fake; use POST /api/search/systemusers"}`,
	} {
		r := send(t, "GET", srv.URL+"/api/systemusers?"+q, key(srv), "")
		assert.Equal(t, 400, r.status, q)
		assert.JSONEq(t, want, r.body, q)
	}
	r := send(t, "GET", srv.URL+"/api/systemusers", key(srv), "")
	var page struct {
		TotalCount int               `json:"totalCount"`
		Results    []json.RawMessage `json:"results"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.body), &page))
	assert.Equal(t, 30, page.TotalCount)
	assert.Len(t, page.Results, 10, "default limit is 10")
}

func TestUnknownAndMalformedIDs(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	r := send(t, "GET", srv.URL+"/api/systemusers/ffffffffffffffffffffffff", key(srv), "")
	assert.Equal(t, 404, r.status)
	assert.JSONEq(t, `{"code":404,"message":"User not found","status":"NOT_FOUND"}`, r.body)
	r = send(t, "PUT", srv.URL+"/api/systemusers/nope", key(srv), `{}`)
	assert.Equal(t, 400, r.status)
	r = send(t, "GET", srv.URL+"/api/nothing", key(srv), "")
	assert.Equal(t, 404, r.status)
	assert.Equal(t, 1, srv.Calls()["GET /api/nothing"])
}

func TestCreateValidation(t *testing.T) {
	srv := NewServer()
	defer srv.Close()
	for body, want := range map[string]string{
		`{"email":"a@example.com"}`:                             "username and email are required",
		`{"username":"a","email":"a@example.com","state":"X"}`:  "state must be one of STAGED, ACTIVATED, SUSPENDED",
		`{"username":"a","email":"a@example.com","sudo":"yes"}`: "invalid value for sudo",
		`{"username":"a","email":"nope"}`:                       "not a valid email",
		`[1,2]`:                                                 "body must be a JSON object",
	} {
		r := send(t, "POST", srv.URL+"/api/systemusers", key(srv), body)
		assert.Equal(t, 400, r.status, body)
		assert.Contains(t, r.body, want, body)
	}
	assert.Zero(t, srv.Len())
	r := send(t, "POST", srv.URL+"/api/systemusers", key(srv), `{"username":"a","email":"a@example.com","password":"pw","_id":"000000000000000000000000","unknown":1}`)
	require.Equal(t, 200, r.status, r.body)
	assert.NotContains(t, r.body, `"password"`)
	assert.NotContains(t, r.body, "000000000000000000000000", "read-only fields are ignored")
	assert.NotContains(t, r.body, "unknown")
	r = send(t, "PUT", srv.URL+"/api/systemusers/"+srv.Users()[0].ID, key(srv), `{"state":"STAGED"}`)
	assert.Equal(t, 400, r.status)
	assert.Contains(t, r.body, "state must be one of ACTIVATED, SUSPENDED")
}

func TestFilterSemantics(t *testing.T) {
	users := GenerateUsers(200, 11)
	srv := NewServer(WithUsers(users...))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	count := func(pred func(*jumpcloud.User) bool) int {
		n := 0
		for _, u := range users {
			if pred(u) {
				n++
			}
		}
		return n
	}
	cases := []struct {
		name string
		f    []jumpcloud.Filter
		want func(*jumpcloud.User) bool
	}{
		{"eq string", []jumpcloud.Filter{jumpcloud.Eq("department", "IT")}, func(u *jumpcloud.User) bool { return u.Department == "IT" }},
		{"eq is case sensitive", []jumpcloud.Filter{jumpcloud.Eq("department", "it")}, func(*jumpcloud.User) bool { return false }},
		{"ne", []jumpcloud.Filter{jumpcloud.Ne("department", "IT")}, func(u *jumpcloud.User) bool { return u.Department != "IT" }},
		{"bool", []jumpcloud.Filter{jumpcloud.Eq("suspended", true)}, func(u *jumpcloud.User) bool { return u.Suspended }},
		{"number gt", []jumpcloud.Filter{jumpcloud.Gt("unix_uid", 5100)}, func(u *jumpcloud.User) bool { return u.UnixUID > 5100 }},
		{"number lte", []jumpcloud.Filter{jumpcloud.Lte("unix_uid", 5010)}, func(u *jumpcloud.User) bool { return u.UnixUID <= 5010 }},
		{"gte and lt", []jumpcloud.Filter{jumpcloud.Gte("unix_uid", 5010), jumpcloud.Lt("unix_uid", 5020)}, func(u *jumpcloud.User) bool { return u.UnixUID >= 5010 && u.UnixUID < 5020 }},
		{"date lte day", []jumpcloud.Filter{jumpcloud.Lte("created", "2024-01-01")}, func(u *jumpcloud.User) bool { return u.Created.Before(mustDate("2024-01-01")) }},
		{"in", []jumpcloud.Filter{jumpcloud.In("state", "STAGED", "SUSPENDED")}, func(u *jumpcloud.User) bool { return u.State != jumpcloud.StateActivated }},
		{"sw", []jumpcloud.Filter{jumpcloud.StartsWith("username", "ada.")}, func(u *jumpcloud.User) bool { return strings.HasPrefix(u.Username, "ada.") }},
		{"null manager", []jumpcloud.Filter{jumpcloud.Eq("manager", "")}, func(u *jumpcloud.User) bool { return u.Manager == "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page, err := c.Users.List(t.Context(), &jumpcloud.ListOptions{Limit: 1, Filter: tc.f})
			require.NoError(t, err)
			assert.Equal(t, count(tc.want), page.TotalCount)
		})
	}
	// OR groups: filter[or][0]=...&filter[or][1]=...
	q := url.Values{"filter[or][0]": {"department:$eq:IT"}, "filter[or][1]": {"department:$eq:Legal"}, "limit": {"1"}}
	r := send(t, "GET", srv.URL+"/api/systemusers?"+q.Encode(), key(srv), "")
	var page struct{ TotalCount int }
	require.NoError(t, json.Unmarshal([]byte(r.body), &page))
	assert.Equal(t, count(func(u *jumpcloud.User) bool { return u.Department == "IT" || u.Department == "Legal" }), page.TotalCount)
}

func mustDate(s string) time.Time {
	ts, _ := jumpcloud.ParseTimestamp(s)
	return ts.Time
}

func TestGenerateUsers(t *testing.T) {
	a, b := GenerateUsers(500, 42), GenerateUsers(500, 42)
	require.Equal(t, a, b, "deterministic")
	c := GenerateUsers(500, 43)
	assert.NotEqual(t, a[0].Username, c[0].Username)
	usernames, emails := map[string]bool{}, map[string]bool{}
	states := map[jumpcloud.State]int{}
	var locked, expired, managed, accented int
	ids := make([]string, len(a))
	for i, u := range a {
		require.NoError(t, jumpcloud.ValidateID(u.ID))
		ids[i] = u.ID
		assert.False(t, usernames[u.Username], "duplicate username %s", u.Username)
		assert.False(t, emails[u.Email], "duplicate email %s", u.Email)
		usernames[u.Username], emails[u.Email] = true, true
		assert.Equal(t, u.Username+"@example.com", u.Email)
		states[u.State]++
		assert.Equal(t, u.State == jumpcloud.StateSuspended, u.Suspended)
		if u.AccountLocked {
			locked++
		}
		if u.PasswordExpired {
			expired++
		}
		if u.Manager != "" {
			managed++
		}
		if strings.ContainsAny(u.Firstname+u.Lastname, "éëáíïöüú'") {
			accented++
		}
		assert.NotEmpty(t, u.JobTitle)
	}
	assert.True(t, slices.IsSorted(ids), "ids follow creation order")
	assert.Greater(t, states[jumpcloud.StateActivated], 400)
	assert.Positive(t, states[jumpcloud.StateStaged])
	assert.Positive(t, states[jumpcloud.StateSuspended])
	assert.Positive(t, locked)
	assert.Positive(t, expired)
	assert.Greater(t, managed, 250)
	assert.Positive(t, accented)
}

func TestFaults(t *testing.T) {
	srv := NewServer(WithUsers(GenerateUsers(3, 1)...), WithSlowBody(1))
	defer srv.Close()
	srv.Inject("GET /api/systemusers", Fault502, FaultSlowBody)
	r := send(t, "GET", srv.URL+"/api/systemusers", key(srv), "")
	assert.Equal(t, 502, r.status)
	r = send(t, "GET", srv.URL+"/api/systemusers", key(srv), "")
	assert.Equal(t, 200, r.status)
	assert.Contains(t, r.body, `"totalCount":3`)

	srv.Inject("", FaultReset)
	req, _ := http.NewRequest("GET", srv.URL+"/api/systemusers", nil)
	req.Header.Set("x-api-key", srv.APIKey())
	// A fresh connection, so net/http cannot silently replay the GET on another.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, err := fresh.Do(req)
	require.Error(t, err, "reset drops the connection")

	srv.Inject("POST /api/systemusers", FaultCommitThenDrop)
	req, _ = http.NewRequest("POST", srv.URL+"/api/systemusers", strings.NewReader(`{"username":"z","email":"z@example.com"}`))
	req.Header.Set("x-api-key", srv.APIKey())
	_, err = fresh.Do(req)
	require.Error(t, err)
	assert.Equal(t, 4, srv.Len(), "the write was committed")
	assert.Equal(t, 3, srv.Calls()["GET /api/systemusers"])
	assert.Equal(t, 1, srv.Calls()["POST /api/systemusers"])
}

func TestRateLimit(t *testing.T) {
	srv := NewServer(WithRateLimit(1, 2))
	defer srv.Close()
	var codes []int
	for range 3 {
		codes = append(codes, send(t, "GET", srv.URL+"/api/systemusers", key(srv), "").status)
	}
	assert.Equal(t, []int{200, 200, 429}, codes)
	r := send(t, "GET", srv.URL+"/api/systemusers", key(srv), "")
	assert.Equal(t, "1", r.header.Get("Retry-After"))
}

// FuzzFakeFilterParser feeds arbitrary filter strings to the fake's query
// parser and matcher: errors are fine, panics are not.
func FuzzFakeFilterParser(f *testing.F) {
	f.Add("email:$eq:ada@example.com", "10", "-created _id")
	f.Add(`state:$in:A\|B|C`, "0", "")
	f.Add("created:$lte:2021-10-24", "100", "username")
	f.Add("unix_uid:$gt:1e9", "x", "-")
	users := GenerateUsers(20, 3)
	recs := make(map[string]record, len(users))
	ids := make([]string, len(users))
	for i, u := range users {
		recs[u.ID], ids[i] = toRecord(u), u.ID
	}
	f.Fuzz(func(t *testing.T, filter, limit, sort string) {
		q, err := parseListQuery(url.Values{"filter": {filter}, "filter[or][0]": {filter}, "limit": {limit}, "sort": {sort}})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "Bad Request: ") {
				t.Fatalf("error without the API's prefix: %v", err)
			}
			return
		}
		total, page := q.apply(ids, func(id string) record { return recs[id] })
		if total < len(page) || len(page) > q.limit {
			t.Fatalf("total %d, page %d, limit %d", total, len(page), q.limit)
		}
	})
}

func TestConnectionsAreCounted(t *testing.T) {
	srv := NewServer(WithUsers(GenerateUsers(5, 1)...))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	for range 3 {
		_, err := c.Users.List(t.Context(), nil)
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Connections(), "one client, one kept-alive connection")
}
