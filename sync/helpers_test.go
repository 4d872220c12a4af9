package sync_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// world is a fake JumpCloud and a fake Oomnitza with clients.
type world struct {
	jsrv *jumpcloudtest.Server
	osrv *oomnitzatest.Server
	jc   *jumpcloud.Client
	oc   *oomnitza.Client
}

type worldOpts struct {
	jc  []jumpcloudtest.Option
	oo  []oomnitzatest.Option
	jo  []jumpcloud.Option
	oco []oomnitza.Option
}

var syncNow = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newWorld(t testing.TB, users int, o worldOpts) *world {
	t.Helper()
	jopts := append([]jumpcloudtest.Option{jumpcloudtest.WithClock(func() time.Time { return syncNow }), jumpcloudtest.WithGeneratedUsers(users, 7)}, o.jc...)
	jsrv := jumpcloudtest.NewServer(jopts...)
	t.Cleanup(jsrv.Close)
	osrv := oomnitzatest.NewServer(append([]oomnitzatest.Option{oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField())}, o.oo...)...)
	t.Cleanup(osrv.Close)
	jc, err := jsrv.Client(append([]jumpcloud.Option{jumpcloud.WithBackoff(time.Millisecond, 5*time.Millisecond), jumpcloud.WithRetries(10)}, o.jo...)...)
	require.NoError(t, err)
	oc, err := osrv.Client(append([]oomnitza.Option{oomnitza.WithBackoff(time.Millisecond, 5*time.Millisecond), oomnitza.WithRetries(10)}, o.oco...)...)
	require.NoError(t, err)
	return &world{jsrv: jsrv, osrv: osrv, jc: jc, oc: oc}
}

func (w *world) syncer(t testing.TB, m *mapping.Mapping, opts ...jcsync.Option) *jcsync.Syncer {
	t.Helper()
	s, err := jcsync.New(w.jc, w.oc, m, append([]jcsync.Option{jcsync.WithClock(func() time.Time { return syncNow })}, opts...)...)
	require.NoError(t, err)
	return s
}

// writes counts the requests that are not GETs.
func writes(calls map[string]int) int {
	n := 0
	for k, v := range calls {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func standard() *mapping.Mapping { return mapping.Standard().WithRole(25) }

func standardNoRole() *mapping.Mapping { return mapping.Standard() }
