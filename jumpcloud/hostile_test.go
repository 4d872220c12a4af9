package jumpcloud_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

const hostileKey = "k-0123456789abcdef0123456789abcdef01234567"

func hostileClient(t *testing.T, h http.Handler) *jumpcloud.Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	c, err := jumpcloud.NewClient(hostileKey, jumpcloud.WithBaseURL(ts.URL), fastBackoff)
	require.NoError(t, err)
	return c
}

func hexID(i int) string { return fmt.Sprintf("%024x", i+1) }

// capping answers at most 50 users a page, whatever the limit, and counts
// them all.
func capping(total int, id func(int) string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		skip, _ := strconv.Atoi(r.URL.Query().Get("skip"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		out := []map[string]any{}
		for i := skip; i < min(skip+min(limit, 50), total); i++ {
			out = append(out, map[string]any{"_id": id(i), "username": "u" + strconv.Itoa(i)})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"totalCount": total, "results": out})
	}
}

func TestAllKeepsPagingPastPagesShorterThanAsked(t *testing.T) {
	for _, conc := range []int{0, 4} {
		c := hostileClient(t, capping(300, hexID))
		n := 0
		for _, err := range c.Users.All(t.Context(), &jumpcloud.ListOptions{Limit: 100, Concurrency: conc}) {
			require.NoError(t, err)
			n++
		}
		assert.Equal(t, 300, n, "conc=%d", conc)
	}
}

func TestAllRefusesUsersWithoutID(t *testing.T) {
	c := hostileClient(t, capping(120, func(i int) string {
		if i == 70 {
			return ""
		}
		return hexID(i)
	}))
	n := 0
	var last error
	for _, err := range c.Users.All(t.Context(), nil) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	require.ErrorIs(t, last, jumpcloud.ErrIncompleteList)
	assert.Equal(t, 70, n)
}

func TestSuccessMeansTheUserAskedFor(t *testing.T) {
	id := hexID(1)
	for name, body := range map[string]string{
		"error object": `{"message":"Internal Error"}`,
		"empty":        ``,
		"someone else": `{"_id":"` + hexID(2) + `","username":"eve"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, body)
			}))
			_, err := c.Users.Get(t.Context(), id)
			require.ErrorIs(t, err, jumpcloud.ErrUnexpectedReply)
			_, err = c.Users.Update(t.Context(), id, &jumpcloud.UserUpdateRequest{Firstname: jumpcloud.Ptr("Ann")})
			require.ErrorIs(t, err, jumpcloud.ErrUnexpectedReply)
			_, err = c.Users.List(t.Context(), nil)
			if name != "someone else" {
				require.ErrorIs(t, err, jumpcloud.ErrUnexpectedReply, "a list reply without results")
			}
		})
	}
	t.Run("create without id", func(t *testing.T) {
		var posts atomic.Int32
		c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				posts.Add(1)
				_, _ = io.WriteString(w, `{"message":"Already Exists"}`)
				return
			}
			_, _ = io.WriteString(w, `{"totalCount":0,"results":[]}`)
		}))
		u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ann", Email: "ann@example.com"})
		require.ErrorIs(t, err, jumpcloud.ErrUnexpectedReply)
		assert.ErrorIs(t, err, jumpcloud.ErrOutcomeUnknown)
		assert.Nil(t, u)
	})
}

func TestDeleteWhoseReplyWasLostIsDone(t *testing.T) {
	srv, c := fakeClient(t, nil)
	u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ann", Email: "ann@example.com"})
	require.NoError(t, err)
	srv.Inject("DELETE /api/systemusers/{id}", jumpcloudtest.FaultCommitThenDrop)
	gone, err := c.Users.Delete(t.Context(), u.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, u.ID, gone.ID)
	assert.Equal(t, 2, srv.Calls()["DELETE /api/systemusers/{id}"])
	_, err = c.Users.Delete(t.Context(), u.ID, nil)
	require.ErrorIs(t, err, jumpcloud.ErrNotFound, "a plain 404 is still not found")
}

func TestConstructorErrorsNeverShowAURLPassword(t *testing.T) {
	for _, raw := range []string{"http://admin:SECRET@example.com", "https://u:SECRET@exa mple.com", "u:SECRET@example.com", "https://example.com/?token=SECRET"} {
		_, err := jumpcloud.NewClient(hostileKey, jumpcloud.WithBaseURL(raw))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SECRET")
		t.Setenv(jumpcloud.EnvAPIKey, hostileKey)
		t.Setenv(jumpcloud.EnvBaseURL, raw)
		_, err = jumpcloud.FromEnv()
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SECRET")
	}
	t.Setenv(jumpcloud.EnvBaseURL, "")
	t.Setenv(jumpcloud.EnvAPIKey, "key\r\nX-Evil: 1")
	_, err := jumpcloud.FromEnv()
	require.ErrorContains(t, err, "control character")
}

func TestFilterFieldsStartingWithDollarAreRefused(t *testing.T) {
	var calls atomic.Int32
	c := hostileClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	for _, f := range []string{"$where", "$or"} {
		_, err := c.Users.List(t.Context(), &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Eq(f, "x")}})
		require.Error(t, err, f)
	}
	assert.Zero(t, calls.Load())
}
