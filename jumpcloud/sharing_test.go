package jumpcloud_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

const otherOrg = "0123456789abcdef01234567"

// TestForOrgSharesTheKeysClient: a client for another organisation sends
// its own x-org-id and shares the connection pool and the rate limit.
func TestForOrgSharesTheKeysClient(t *testing.T) {
	srv, base := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithGeneratedUsers(30, 2), jumpcloudtest.WithOrgID(jumpcloudtest.DefaultOrgID)})
	same, err := base.ForOrg(jumpcloudtest.DefaultOrgID)
	require.NoError(t, err)
	assert.Equal(t, jumpcloudtest.DefaultOrgID, same.OrgID())
	other, err := base.ForOrg(otherOrg)
	require.NoError(t, err)
	assert.Equal(t, otherOrg, other.OrgID())
	assert.Equal(t, base.BaseURL(), other.BaseURL())

	for range 5 {
		page, err := same.Users.List(t.Context(), nil)
		require.NoError(t, err)
		assert.Equal(t, 30, page.TotalCount)
	}
	_, err = other.Users.List(t.Context(), nil)
	assert.ErrorIs(t, err, jumpcloud.ErrNotFound, "the fake knows one organisation: the other org's id was sent")
	assert.Equal(t, 1, srv.Connections(), "one pool for every organisation's client")

	_, err = base.ForOrg("acme")
	assert.ErrorContains(t, err, `organization id "acme" is not a 24-character hex id`)
}

func TestWithLimiterIsShared(t *testing.T) {
	lim, err := jumpcloud.NewLimiter(1000, 1)
	require.NoError(t, err)
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(3, 2))
	t.Cleanup(srv.Close)
	require.NoError(t, srv.InjectTooManyRequests("GET /api/systemusers", "30"))
	a, err := srv.Client(jumpcloud.WithLimiter(lim), jumpcloud.WithRetries(0))
	require.NoError(t, err)
	b, err := srv.Client(jumpcloud.WithLimiter(lim), jumpcloud.WithMaxRetryAfter(1e9))
	require.NoError(t, err)
	_, err = a.Users.List(t.Context(), nil)
	require.ErrorIs(t, err, jumpcloud.ErrRateLimited)
	assert.False(t, lim.PausedUntil().IsZero(), "the 429 paused the shared limiter")
	calls := srv.Calls()["GET /api/systemusers"]
	_, err = b.Users.List(t.Context(), nil)
	var rl *jumpcloud.RateLimitError
	require.ErrorAs(t, err, &rl, "b waits behind a's pause; past its 1s cap it stops without sending")
	assert.Equal(t, calls, srv.Calls()["GET /api/systemusers"], "nothing sent")

	_, err = jumpcloud.NewLimiter(0, 1)
	assert.ErrorContains(t, err, "jumpcloud: NewLimiter: perSecond is 0")
	_, err = srv.Client(jumpcloud.WithLimiter(lim), jumpcloud.WithRateLimit(5, 1))
	assert.ErrorContains(t, err, "not both")
	_, err = srv.Client(jumpcloud.WithLimiter(nil))
	assert.ErrorContains(t, err, "limiter is nil")
}
