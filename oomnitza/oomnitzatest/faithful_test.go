package oomnitzatest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
)

func doH(t *testing.T, s *Server, method, path, body string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization2", s.Token())
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m), body)
	return m
}

// Item 1: a non-editable field is refused without the header and stored
// with it; the record's identity is never written.
func TestNonEditableFields(t *testing.T) {
	s := NewServer(WithField(FieldSpec{ExternalID: "badge", Label: "Badge", Type: TypeString, ReadOnly: true}))
	defer s.Close()
	code, body := doH(t, s, "POST", "/api/v3/users", `{"username":"ann@example.com","role":25,"badge":"B-1"}`, nil)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "badge: is not editable (send Oomnitza-Ignore-Meta-Restriction: 1 to write it)")
	assert.Zero(t, s.Len(), "nothing was created")

	ignore := map[string]string{"Oomnitza-Ignore-Meta-Restriction": "1"}
	code, body = doH(t, s, "POST", "/api/v3/users", `{"username":"ann@example.com","role":25,"badge":"B-1"}`, ignore)
	require.Equal(t, 200, code, body)
	u := decode(t, body)
	assert.Equal(t, "B-1", u["badge"])
	id := u["user_id"].(string)

	code, body = doH(t, s, "PATCH", "/api/v3/users/"+id, `{"badge":"B-2"}`, nil)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "badge")
	code, _ = doH(t, s, "PATCH", "/api/v3/users/"+id, `{"badge":"B-2"}`, ignore)
	assert.Equal(t, 200, code)
	code, body = doH(t, s, "PATCH", "/api/v3/users/"+id, `{"user_id":"someone-else"}`, ignore)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "user_id: is set by Oomnitza and cannot be written")

	// The client's option sends the header.
	c, err := s.Client(oomnitza.WithIgnoreMetaRestriction(true))
	require.NoError(t, err)
	got, err := c.Users.Update(t.Context(), id, oomnitza.Record{"badge": "B-3"})
	require.NoError(t, err)
	assert.Equal(t, "B-3", got.CustomString("badge"))
}

// Item 5: the vendor's own BETWEEN example with unquoted dates.
func TestBetweenWithUnquotedDates(t *testing.T) {
	s := NewServer(WithField(FieldSpec{ExternalID: "hire_date", Label: "Hire Date", Type: TypeDate}))
	defer s.Close()
	for i, d := range []string{"2023-02-28", "2023-03-01", "2023-06-30T17:00:00Z", "2023-07-01"} {
		_, err := s.AddRecord(oomnitza.Record{"username": string(rune('a'+i)) + "@example.com", "role": 25, "hire_date": d})
		require.NoError(t, err)
	}
	code, _, body := do(t, s, "GET", "/api/v3/users?filter="+url.QueryEscape("hire_date BETWEEN 03/01/2023 AND 06/30/2023"), s.Token(), "")
	require.Equal(t, 200, code, body)
	var users []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &users))
	var names []string
	for _, u := range users {
		names = append(names, u["username"].(string))
	}
	assert.Equal(t, []string{"b@example.com", "c@example.com"}, names, "inclusive, the last day whole")
	code, _, _ = do(t, s, "GET", "/api/v3/users?filter="+url.QueryEscape("username BETWEEN 03/01/2023 AND 06/30/2023"), s.Token(), "")
	assert.Equal(t, 400, code, "a date against a text field")
}

// Item 6: SaaS users carry an integer last_visit; the documented SaaS
// routes exist.
func TestSaaSRoutesAndLastVisit(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	s := NewServer(WithClock(func() time.Time { return now }))
	defer s.Close()
	uid, err := s.AddRecord(oomnitza.Record{"username": "ann@example.com", "role": 25})
	require.NoError(t, err)
	code, body := doH(t, s, "POST", "/api/v3/saas", `{"saas_name":"JumpCloud"}`, nil)
	require.Equal(t, 201, code, body)
	sid := decode(t, body)["saas_id"]
	base := "/api/v3/saas/" + jsonString(sid)
	code, body = doH(t, s, "POST", base+"/users", `[{"user_id":"`+uid+`","assign":true}]`, nil)
	require.Equal(t, 200, code, body)

	code, _, body = do(t, s, "GET", "/api/v3/saas_users?text=ann", s.Token(), "")
	require.Equal(t, 200, code, body)
	var sus []map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &sus))
	require.Len(t, sus, 1)
	assert.Equal(t, float64(now.Unix()), sus[0]["last_visit"], "an integer, epoch seconds")
	require.True(t, s.SetSaaSUserLastVisit(sus[0]["saas_user_id"].(string), now.Add(-48*time.Hour)))

	code, body = doH(t, s, "POST", base+"/roles", `{"role_external_label":"Admin"}`, nil)
	require.Equal(t, 201, code, body)
	role := decode(t, body)["role_id"].(string)
	code, body = doH(t, s, "POST", base+"/roles/users", `{"users":["`+uid+`"],"roles":["`+role+`"]}`, nil)
	require.Equal(t, 200, code, body)
	assert.JSONEq(t, `[]`, mustJSON(decode(t, body)["errors"]))
	code, body = doH(t, s, "PATCH", base+"/roles/"+role, `{"role_external_label":"Administrator"}`, nil)
	require.Equal(t, 200, code, body)
	assert.Equal(t, "Administrator", decode(t, body)["role_external_label"])
	_, _, body = do(t, s, "GET", base+"/users", s.Token(), "")
	assert.Contains(t, body, `"role_external_label":"Administrator"`)
	code, _ = doH(t, s, "DELETE", base+"/roles/"+role, "", nil)
	assert.Equal(t, 204, code)
	_, _, body = do(t, s, "GET", base+"/users", s.Token(), "")
	assert.NotContains(t, body, "Administrator", "the role's user relations went with it")
	code, _ = doH(t, s, "DELETE", base, "", nil)
	assert.Equal(t, 200, code)
	code, _, _ = do(t, s, "GET", base, s.Token(), "")
	assert.Equal(t, 404, code)
	_, _, body = do(t, s, "GET", "/api/v3/saas_users", s.Token(), "")
	assert.JSONEq(t, `[]`, body)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Item 7: dates follow the spec (offsets ignored, DATE values not
// truncated), and the mapping's Equal agrees with what comes back.
func TestDatesFollowTheSpec(t *testing.T) {
	s := NewServer(
		WithField(FieldSpec{ExternalID: "start_date", Label: "Start Date", Type: TypeDate}),
		WithField(FieldSpec{ExternalID: "seen_at", Label: "Seen At", Type: TypeDateTime}))
	defer s.Close()
	cases := []struct {
		sent any
		want int64
	}{
		{"2024-05-01T10:30:00+02:00", time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC).Unix()}, // offset ignored
		{"2024-05-01T10:30:00Z", time.Date(2024, 5, 1, 10, 30, 0, 0, time.UTC).Unix()},      // not truncated
		{"2024-05-01", time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Unix()},
		{1714559400, 1714559400},
	}
	for _, tc := range cases {
		for _, field := range []string{"start_date", "seen_at"} {
			body, _ := json.Marshal(map[string]any{"username": "u@example.com", "role": 25, field: tc.sent})
			code, out := doH(t, s, "POST", "/api/v3/users", string(body), nil)
			require.Equal(t, 200, code, out)
			u := decode(t, out)
			assert.Equal(t, float64(tc.want), u[field], "%s = %v", field, tc.sent)
			doH(t, s, "DELETE", "/api/v3/users/"+u["user_id"].(string), "", nil)
		}
	}

	// What a mapping writes reads back Equal: no perpetual diff.
	schema := mapping.NewSchema()
	schema.Add(mapping.TargetField{ExternalID: "start_date", Type: mapping.TypeDate, Unique: true})
	schema.Add(mapping.TargetField{ExternalID: "seen_at", Type: mapping.TypeDateTime})
	schema.Add(mapping.TargetField{ExternalID: "role", Type: mapping.TypeInteger})
	schema.Add(mapping.TargetField{ExternalID: "username", Type: mapping.TypeString, Unique: true})
	schema.Add(mapping.TargetField{ExternalID: "email", Type: mapping.TypeString})
	m := &mapping.Mapping{Name: "dates", Role: 25, SyncKeys: []string{"username"}, Fields: []mapping.Field{
		{From: "email", To: []string{"username", "email"}},
		{From: "created", To: []string{"start_date"}}, {From: "password_date", To: []string{"seen_at"}}}}
	cm, err := m.Compile(schema)
	require.NoError(t, err)
	c, err := s.Client()
	require.NoError(t, err)
	for i, d := range []any{"2024-05-01T10:30:00Z", "2024-05-01", "2024-05-01T10:30:00.123Z",
		time.Date(2024, 5, 1, 23, 0, 0, 0, time.UTC), "2024-05-01T23:30:00-05:00", float64(1714559400)} {
		rec, err := cm.Apply(mapping.Record{"email": "m@example.com", "created": d, "password_date": d})
		require.NoError(t, err)
		u, err := c.Users.Create(t.Context(), oomnitza.Record(rec))
		require.NoError(t, err)
		for _, k := range []string{"start_date", "seen_at"} {
			got, _ := u.Field(k)
			assert.True(t, cm.Equal(k, rec[k], got), "case %d %s: wrote %v, read %v", i, k, rec[k], got)
		}
		require.NoError(t, c.Users.Delete(t.Context(), u.UserID))
	}
}

// Item 9: an unknown role names the valid ones.
func TestUnknownRoleNamesTheValidOnes(t *testing.T) {
	s := NewServer()
	defer s.Close()
	code, body := doH(t, s, "POST", "/api/v3/users", `{"username":"ann@example.com","role":7}`, nil)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "role: 7 is not a role of this instance; valid role ids: 1 (Super Administrator), 25 (Employee)")
	assert.Equal(t, map[int]string{1: "Super Administrator", 25: "Employee"}, DefaultRoles())
}
