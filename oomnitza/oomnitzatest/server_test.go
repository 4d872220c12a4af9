package oomnitzatest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

func do(t *testing.T, s *Server, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization2", token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestAuth(t *testing.T) {
	s := NewServer()
	defer s.Close()
	code, _, body := do(t, s, "GET", "/api/v3/users", "", "")
	assert.Equal(t, 401, code)
	assert.JSONEq(t, `{"errors":["Invalid or missing API token"]}`, body)
	code, _, _ = do(t, s, "GET", "/api/v3/users", "Bearer "+s.Token(), "")
	assert.Equal(t, 401, code, "no Bearer prefix")
	code, h, body := do(t, s, "GET", "/api/v3/users", s.Token(), "")
	assert.Equal(t, 200, code)
	assert.Equal(t, "0", h.Get("X-Total-Count"))
	assert.JSONEq(t, `[]`, body)
}

func TestListParameterErrors(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for q, want := range map[string]string{
		"limit=0":                   `limit: \"0\" is not a positive integer`,
		"skip=-2":                   `skip: \"-2\" is not a non-negative integer`,
		"sortby=username%20up":      `sortby: \"username up\" is not '<field> asc|desc'`,
		"sortby=shoe_size%20asc":    `sortby: unknown field \"shoe_size\"`,
		"fields=username,shoe":      `fields: unknown field \"shoe\"`,
		"filter=shoe_size%20eq%201": `filter: unknown field \"shoe_size\"`,
	} {
		code, _, body := do(t, s, "GET", "/api/v3/users?"+q, s.Token(), "")
		assert.Equal(t, 400, code, q)
		assert.Contains(t, body, want, q)
	}
}

func TestSeedingValidatesAndReportsErrors(t *testing.T) {
	s := NewServer(WithRecords(oomnitza.Record{"username": "a", "role": 25}, oomnitza.Record{"username": "A", "role": 25}))
	defer s.Close()
	assert.Equal(t, 1, s.Len())
	require.Error(t, s.Err())
	assert.Contains(t, s.Err().Error(), `username: value "A" already exists`)
}

func TestRateLimitAndFaults(t *testing.T) {
	s := NewServer(WithRateLimit(1, 1))
	defer s.Close()
	code, _, _ := do(t, s, "GET", "/api/v3/users", s.Token(), "")
	assert.Equal(t, 200, code)
	code, h, body := do(t, s, "GET", "/api/v3/users", s.Token(), "")
	assert.Equal(t, 429, code)
	assert.Equal(t, "1", h.Get("Retry-After"))
	assert.JSONEq(t, `{"errors":["Too Many Requests"]}`, body)

	f := NewServer()
	defer f.Close()
	f.Inject("GET /api/v3/users/meta", Fault503)
	code, _, _ = do(t, f, "GET", "/api/v3/users/meta", f.Token(), "")
	assert.Equal(t, 503, code)
	code, _, _ = do(t, f, "GET", "/api/v3/users/meta", f.Token(), "")
	assert.Equal(t, 200, code)
	assert.Equal(t, 2, f.Calls()["GET /api/v3/users/meta"])
}
