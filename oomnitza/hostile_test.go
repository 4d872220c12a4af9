package oomnitza_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

// hostile is a loopback Oomnitza that caps pages, may drop user_id from
// its records unless asked for it, and may ignore skip.
type hostile struct {
	users      int
	pageCap    int
	ignoreSkip bool
	requests   atomic.Int32
}

func (h *hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Add(1)
	q := r.URL.Query()
	skip, _ := strconv.Atoi(q.Get("skip"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	if h.ignoreSkip {
		skip = 0
	}
	fields := q.Get("fields")
	end := min(skip+min(limit, h.pageCap), h.users)
	out := []map[string]any{}
	for i := skip; i < end; i++ {
		u := map[string]any{"username": fmt.Sprintf("u%03d@example.com", i)}
		if fields == "" || strings.Contains(fields, "user_id") {
			u["user_id"] = fmt.Sprintf("id%03d", i)
		}
		out = append(out, u)
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(h.users))
	_ = json.NewEncoder(w).Encode(out)
}

func hostileClient(t *testing.T, h http.Handler) *oomnitza.Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c, err := oomnitza.NewClient(ts.URL, "tok", fastBackoff)
	require.NoError(t, err)
	return c
}

func TestAllKeepsPagingPastPagesShorterThanAsked(t *testing.T) {
	for _, conc := range []int{0, 4} {
		h := &hostile{users: 300, pageCap: 50}
		c := hostileClient(t, h)
		n := 0
		for _, err := range c.Users.All(t.Context(), &oomnitza.ListOptions{Limit: 100, Concurrency: conc}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 300, n, "conc=%d", conc)
	}
}

func TestAllAlwaysAsksForTheKeyField(t *testing.T) {
	h := &hostile{users: 250, pageCap: 100}
	c := hostileClient(t, h)
	n := 0
	for u, err := range c.Users.All(t.Context(), &oomnitza.ListOptions{Fields: []string{"username"}}) {
		require.NoError(t, err)
		require.NotEmpty(t, u.UserID)
		n++
	}
	assert.Equal(t, 250, n)
}

func TestAllRefusesUsersWithoutID(t *testing.T) {
	c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `[{"user_id":"a"},{"username":"no-id@example.com"}]`)
	}))
	var last error
	n := 0
	for _, err := range c.Users.All(t.Context(), nil) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	require.ErrorIs(t, last, oomnitza.ErrIncompleteList)
	assert.Equal(t, 1, n)
}

func TestAllDetectsAServerThatIgnoresSkip(t *testing.T) {
	h := &hostile{users: 1000, pageCap: 100, ignoreSkip: true}
	c := hostileClient(t, h)
	var last error
	for _, err := range c.Users.All(t.Context(), nil) {
		if err != nil {
			last = err
		}
	}
	require.ErrorIs(t, last, oomnitza.ErrIncompleteList)
	assert.Equal(t, int32(2), h.requests.Load(), "one repeated page is enough")
}

func TestIDsCannotReachAnotherRoute(t *testing.T) {
	var calls atomic.Int32
	c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	for _, id := range []string{"", ".", "..", "meta", "META", "savedsearches", "a/b", "a\x00b", "a\nb", "a\u2028b", "%2e%2e", "a b"} {
		_, err := c.Users.Get(t.Context(), id)
		require.Error(t, err, "%q", id)
		_, err = c.Users.Update(t.Context(), id, oomnitza.Record{"first_name": "x"})
		require.Error(t, err, "%q", id)
		require.Error(t, c.Users.Delete(t.Context(), id), "%q", id)
	}
	assert.Zero(t, calls.Load(), "nothing was sent")
	err := oomnitza.ValidateID("..")
	assert.EqualError(t, err, `oomnitza: user id ".." is a path dot segment, not an id`)
	err = oomnitza.ValidateID("meta")
	assert.EqualError(t, err, `oomnitza: user id "meta" names the route /api/v3/users/meta, not a user`)
}

func TestSuccessMeansTheRecordAskedFor(t *testing.T) {
	for name, body := range map[string]string{
		"error object":  `{"errors":["Smth bad has happend"]}`,
		"empty":         ``,
		"someone else":  `{"user_id":"other","username":"eve@example.com"}`,
		"empty user_id": `{"user_id":"","username":"ann@example.com"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, body)
			}))
			_, err := c.Users.Get(t.Context(), "ann")
			require.ErrorIs(t, err, oomnitza.ErrUnexpectedReply)
			_, err = c.Users.Update(t.Context(), "ann", oomnitza.Record{"first_name": "Ann"})
			require.ErrorIs(t, err, oomnitza.ErrUnexpectedReply)
		})
	}
	t.Run("create without id", func(t *testing.T) {
		var posts atomic.Int32
		c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				posts.Add(1)
				_, _ = io.WriteString(w, `{"errors":["Smth bad has happend"]}`)
				return
			}
			w.Header().Set("X-Total-Count", "0")
			_, _ = io.WriteString(w, `[]`)
		}))
		u, err := c.Users.Create(t.Context(), oomnitza.Record{"username": "ann@example.com", "role": 25})
		require.ErrorIs(t, err, oomnitza.ErrUnexpectedReply)
		assert.ErrorIs(t, err, oomnitza.ErrOutcomeUnknown, "a create without an id may have happened")
		assert.Nil(t, u)
	})
	t.Run("list that is no list", func(t *testing.T) {
		c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		_, err := c.Users.List(t.Context(), nil)
		require.ErrorIs(t, err, oomnitza.ErrUnexpectedReply)
	})
}

func TestDeleteWhoseReplyWasLostIsDone(t *testing.T) {
	srv, c := fakeClient(t, nil)
	id, err := srv.AddRecord(oomnitza.Record{"username": "ann@example.com", "role": 25})
	require.NoError(t, err)
	srv.Inject("DELETE /api/v3/users/{ident}", oomnitzatest.FaultCommitThenDrop)
	require.NoError(t, c.Users.Delete(t.Context(), id))
	_, ok := srv.User(id)
	assert.False(t, ok)
	require.ErrorIs(t, c.Users.Delete(t.Context(), id), oomnitza.ErrNotFound, "a plain 404 is still not found")
}

func TestCreateNormalisesTheUsernameOnce(t *testing.T) {
	srv, c := fakeClient(t, nil)
	srv.Inject("POST /api/v3/users", oomnitzatest.FaultCommitThenDrop)
	u, err := c.Users.Create(t.Context(), oomnitza.Record{"username": "  ann@example.com ", "email": "ann@example.com", "role": 25})
	require.NoError(t, err, "the look-up after the lost reply finds what was sent")
	assert.Equal(t, "ann@example.com", u.Username)
	assert.Equal(t, 1, srv.Len())
}

func TestUpdateIsRetriedLikeAPut(t *testing.T) {
	for _, f := range []oomnitzatest.Fault{oomnitzatest.Fault503, oomnitzatest.FaultReset} {
		srv, c := fakeClient(t, nil)
		id, err := srv.AddRecord(oomnitza.Record{"username": "ann@example.com", "role": 25})
		require.NoError(t, err)
		srv.Inject("PATCH /api/v3/users/{ident}", f)
		u, err := c.Users.Update(t.Context(), id, oomnitza.Record{"first_name": "Ann"})
		require.NoError(t, err, "%v", f)
		assert.Equal(t, "Ann", u.FirstName)
	}
}

func TestConstructorErrorsNeverShowAURLPassword(t *testing.T) {
	for _, raw := range []string{"http://admin:SECRET@example.com", "https://u:SECRET@exa mple.com", "u:SECRET@example.com", "https://example.com/?token=SECRET"} {
		_, err := oomnitza.NewClient(raw, "tok")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SECRET")
		t.Setenv(oomnitza.EnvURL, raw)
		t.Setenv(oomnitza.EnvAPIToken, "tok")
		_, err = oomnitza.FromEnv()
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SECRET")
	}
	t.Setenv(oomnitza.EnvURL, "https://acme.oomnitza.com")
	t.Setenv(oomnitza.EnvAPIToken, "tok\r\nX-Evil: 1")
	_, err := oomnitza.FromEnv()
	require.ErrorContains(t, err, "control character")
	assert.NotContains(t, err.Error(), "Evil")
}
