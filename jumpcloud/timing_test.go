package jumpcloud_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

// steps answers each request with the next responder and records the
// method and path it saw.
type steps struct {
	mu   sync.Mutex
	seen []string
	rs   []httpmock.Responder
}

func (s *steps) responder(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	i := len(s.seen)
	s.seen = append(s.seen, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	if i >= len(s.rs) {
		return httpmock.NewStringResponse(500, `{"message":"unexpected request"}`), nil
	}
	return s.rs[i](r)
}

func TestClientWaitsExactlyRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := mockClient(t, jumpcloud.WithRetries(3))
		st := &steps{rs: []httpmock.Responder{
			httpmock.NewStringResponder(429, `{"message":"Too Many Requests"}`).HeaderSet(http.Header{"Retry-After": {"7"}}),
			httpmock.NewStringResponder(200, userJSON),
		}}
		mock.RegisterResponder("GET", base+"/api/systemusers/"+userID, st.responder)
		start := time.Now()
		u, err := c.Users.Get(t.Context(), userID)
		require.NoError(t, err)
		assert.Equal(t, "ada", u.Username)
		assert.Equal(t, 7*time.Second, time.Since(start))
	})
}

func TestClientOverCapRetryAfterIsRateLimitError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := mockClient(t, jumpcloud.WithRetries(3), jumpcloud.WithMaxRetryAfter(10*time.Second))
		mock.RegisterResponder("GET", base+"/api/systemusers/"+userID,
			httpmock.NewStringResponder(429, `{"message":"Too Many Requests"}`).HeaderSet(http.Header{"Retry-After": {"120"}}))
		start := time.Now()
		_, err := c.Users.Get(t.Context(), userID)
		assert.Zero(t, time.Since(start), "no wait")
		require.ErrorIs(t, err, jumpcloud.ErrRateLimited)
		var e *jumpcloud.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 2*time.Minute, e.RetryAfter)
		assert.Contains(t, err.Error(), "retry after 2m0s")
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
}

func TestCreateAfter503LooksUpBeforeResending(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := mockClient(t, jumpcloud.WithRetries(3))
		post := &steps{rs: []httpmock.Responder{
			httpmock.NewStringResponder(503, `{"message":"Service Unavailable"}`),
			httpmock.NewStringResponder(200, userJSON),
		}}
		lookups := &steps{rs: []httpmock.Responder{httpmock.NewStringResponder(200, `{"totalCount":0,"results":[]}`)}}
		mock.RegisterResponder("POST", base+"/api/systemusers", post.responder)
		mock.RegisterResponder("GET", base+"/api/systemusers", lookups.responder)
		u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com"})
		require.NoError(t, err)
		assert.Equal(t, userID, u.ID)
		assert.Len(t, post.seen, 2)
		assert.Len(t, lookups.seen, 1, "one look-up between the two POSTs")
		info := mock.GetCallCountInfo()
		assert.Equal(t, 2, info["POST "+base+"/api/systemusers"])
	})
}

func TestCreateAfterLostResponseReturnsTheCommittedUser(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := mockClient(t, jumpcloud.WithRetries(3))
		mock.RegisterResponder("POST", base+"/api/systemusers", httpmock.NewErrorResponder(io.ErrUnexpectedEOF))
		mock.RegisterResponder("GET", base+"/api/systemusers", httpmock.NewStringResponder(200, `{"totalCount":1,"results":[`+userJSON+`]}`))
		u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com"})
		require.NoError(t, err)
		assert.Equal(t, userID, u.ID)
		assert.Equal(t, 1, mock.GetCallCountInfo()["POST "+base+"/api/systemusers"], "the POST is not re-sent")
	})
}

func TestCreateWaitsOut429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := mockClient(t, jumpcloud.WithRetries(3))
		post := &steps{rs: []httpmock.Responder{
			httpmock.NewStringResponder(429, ``).HeaderSet(http.Header{"Retry-After": {"3"}}),
			httpmock.NewStringResponder(200, userJSON),
		}}
		mock.RegisterResponder("POST", base+"/api/systemusers", post.responder)
		start := time.Now()
		_, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com"})
		require.NoError(t, err)
		assert.Equal(t, 3*time.Second, time.Since(start), "the pause gate held the second POST")
		assert.Len(t, post.seen, 2)
	})
}

func TestClientRedirectToOtherHostNeverCarriesKey(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("x-api-key"))
		mu.Unlock()
		_, _ = io.WriteString(w, userJSON)
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer origin.Close()
	c, err := jumpcloud.NewClient(testKey, jumpcloud.WithBaseURL(origin.URL), jumpcloud.WithRetries(0))
	require.NoError(t, err)
	_, err = c.Users.Get(t.Context(), userID)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redirect refused")
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, keys, "the other host was never contacted")
}
