package readme_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/sync"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var space = regexp.MustCompile(`\s+`)

// normalise drops blank lines and compares lines with white space
// collapsed, so gofmt's alignment of comments does not matter.
func normalise(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(space.ReplaceAllString(l, " ")); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func contains(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if strings.Join(hay[i:i+len(needle)], "\n") == strings.Join(needle, "\n") {
			return true
		}
	}
	return false
}

// TestREADMESnippetsAreHere: every ```go block of the README is, line for
// line, in snippets_test.go, which the compiler checks.
func TestREADMESnippetsAreHere(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("snippets_test.go")
	require.NoError(t, err)
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	require.Len(t, blocks, 9, "a README Go block was added or removed: add it to snippets_test.go")
	hay := normalise(string(src))
	for _, b := range blocks {
		assert.True(t, contains(hay, normalise(b[1])), "README snippet not in snippets_test.go (edit both together):\n%s", b[1])
	}
}

// fakes returns a fresh pair of fakes with n JumpCloud users and n/2
// devices.
func fakes(t *testing.T, n int) (*jumpcloudtest.Server, *oomnitzatest.Server) {
	t.Helper()
	js := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(n, 3), jumpcloudtest.WithGeneratedSystems(n/2, 3))
	t.Cleanup(js.Close)
	os := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField()))
	t.Cleanup(os.Close)
	return js, os
}

// TestREADMESnippetsRun runs the snippets that need no real tenant
// against the fakes; the JumpCloud and Oomnitza quick starts name real
// hosts and are only compiled.
func TestREADMESnippetsRun(t *testing.T) {
	js, osrv := fakes(t, 40)
	jc, err := js.Client()
	require.NoError(t, err)
	oc, err := osrv.Client()
	require.NoError(t, err)
	ctx := t.Context()

	t.Run("mapping", func(t *testing.T) {
		t.Chdir("../..") // the snippet names a path from the repository root
		require.NoError(t, mappingQuickStart(ctx, oc))
	})
	require.NoError(t, syncQuickStart(ctx, jc, oc))
	assert.Equal(t, 40, osrv.Len(), "the sync quick start created every user")

	s, err := sync.New(jc, oc, mapping.Standard().WithRole(25))
	require.NoError(t, err)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	assert.True(t, errors.Is(scheduleQuickStart(cancelled, s), context.Canceled), "RunEvery returns when ctx ends")

	var ids []string
	for u, err := range oc.Users.All(ctx, nil) {
		require.NoError(t, err)
		ids = append(ids, u.UserID)
	}
	first, err := oc.Users.Get(ctx, ids[0])
	require.NoError(t, err)
	require.NoError(t, presetsQuickStart(ctx, jc, oc, first.CustomString("jump_cloud_user_id"), ids[0], ids[:5]))

	for _, u := range js.Users()[:3] {
		js.LockUser(u.ID)
	}
	require.NoError(t, insightsQuickStart(ctx, jc, oc))
	for _, u := range js.Users()[:3] {
		got, _ := js.User(u.ID)
		assert.False(t, got.AccountLocked, "the insights quick start unlocked %s", u.Username)
	}

	require.NoError(t, assetsQuickStart(ctx, jc, oc))
	assert.Positive(t, osrv.AssetCount(), "the assets quick start created the devices")
	assigned := 0
	for _, a := range osrv.Assets() {
		if a.AssignedTo != "" {
			assigned++
		}
	}
	assert.Positive(t, assigned, "devices are assigned to their people")

	require.NoError(t, fakesQuickStart())
}

// TestClientQuickStartsNeedRealHosts: they are compiled, and refuse bad
// credentials before any request.
func TestClientQuickStartsNeedRealHosts(t *testing.T) {
	err := jumpCloudQuickStart(t.Context(), "", "")
	assert.Error(t, err, "an empty API key is refused by NewClient, with no request")
	err = oomnitzaQuickStart(t.Context(), "", "")
	assert.Error(t, err)
}
