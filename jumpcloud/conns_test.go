package jumpcloud_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

// A concurrent listing of 100 pages opens at most as many connections as
// pages in flight: idle connections are kept for reuse.
func TestConcurrentAllReusesConnections(t *testing.T) {
	fake := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(1000, 5)...))
	defer fake.Close()
	var opened, requests atomic.Int32
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		fake.Handler().ServeHTTP(w, r)
	}))
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()
	c, err := jumpcloud.NewClient(fake.APIKey(), jumpcloud.WithBaseURL(ts.URL))
	require.NoError(t, err)
	const conc = 8
	n := 0
	for _, err := range c.Users.All(t.Context(), &jumpcloud.ListOptions{Limit: 10, Concurrency: conc}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1000, n)
	assert.Equal(t, int32(100), requests.Load())
	assert.LessOrEqual(t, opened.Load(), int32(conc), "%d connections for %d requests", opened.Load(), requests.Load())
}
