package orgsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/jcoom/jcoom/examples/temporal/orgsync"
	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/sync"
)

// The MSP's one JumpCloud administrator key, for every organisation, and
// one Oomnitza token per organisation. They live only in the worker's
// secret source; the tests check that none reaches Temporal.
const mspKey = "jca_msp_5f2d9c1e8b7a4d3c2b1a0f9e8d7c6b5a"

var syncNow = time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC)

var orgIDs = []string{"5a1b2c3d4e5f60718293a4b5", "6b2c3d4e5f60718293a4b5c6", "7c3d4e5f60718293a4b5c6d7"}

// tenant is one JumpCloud organisation (a fake answering only its own
// x-org-id) and its Oomnitza instance.
type tenant struct {
	org   orgsync.OrgRef
	jsrv  *jumpcloudtest.Server
	osrv  *oomnitzatest.Server
	token string
}

type tenantOpts struct {
	users int
	seed  uint64
	jc    []jumpcloudtest.Option
	oo    []oomnitzatest.Option
}

func newTenant(t *testing.T, i int, o tenantOpts) *tenant {
	t.Helper()
	token := "oom-token-" + orgIDs[i][:8] + "-secret"
	jsrv := jumpcloudtest.NewServer(append([]jumpcloudtest.Option{
		jumpcloudtest.WithAPIKey(mspKey), jumpcloudtest.WithOrgID(orgIDs[i]),
		jumpcloudtest.WithClock(func() time.Time { return syncNow }),
		jumpcloudtest.WithGeneratedUsers(o.users, o.seed),
	}, o.jc...)...)
	t.Cleanup(jsrv.Close)
	osrv := oomnitzatest.NewServer(append([]oomnitzatest.Option{
		oomnitzatest.WithToken(token), oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
	}, o.oo...)...)
	t.Cleanup(osrv.Close)
	return &tenant{
		jsrv: jsrv, osrv: osrv, token: token,
		org: orgsync.OrgRef{
			Name: "org-" + orgIDs[i][:4], OrgID: orgIDs[i], JumpCloudURL: jsrv.URL, JumpCloudKeyRef: "vault:jumpcloud/msp",
			OomnitzaURL: osrv.URL, OomnitzaTokenRef: "vault:oomnitza/" + orgIDs[i][:8], Mapping: "standard", Role: 25,
		},
	}
}

// secrets is the worker's vault for these tenants.
func secrets(ts ...*tenant) orgsync.SecretSource {
	m := map[string]string{"vault:jumpcloud/msp": mspKey}
	for _, t := range ts {
		m[t.org.OomnitzaTokenRef] = t.token
	}
	return orgsync.SecretFunc(func(_ context.Context, ref string) (string, error) {
		if v, ok := m[ref]; ok {
			return v, nil
		}
		return "", errors.New("no secret " + ref)
	})
}

func newActivities(t *testing.T, ts ...*tenant) *orgsync.Activities {
	return &orgsync.Activities{
		Store:            orgsync.FileStore{Dir: t.TempDir()},
		Secrets:          secrets(ts...),
		JumpCloudOptions: []jumpcloud.Option{jumpcloud.WithBackoff(time.Millisecond, 5*time.Millisecond), jumpcloud.WithRetries(3)},
		OomnitzaOptions:  []oomnitza.Option{oomnitza.WithBackoff(time.Millisecond, 5*time.Millisecond), oomnitza.WithRetries(3)},
		SyncOptions:      []sync.Option{sync.WithClock(func() time.Time { return syncNow })},
		JumpCloudRate:    1000, JumpCloudBurst: 100, OomnitzaRate: 1000, OomnitzaBurst: 100,
		ApplyBatch: 25,
	}
}

// recorder is a data converter that keeps every payload it encodes: all
// that a Temporal server would store in history (inputs, results,
// heartbeat details, continue-as-new inputs, error details).
type recorder struct {
	converter.DataConverter
	mu   gosync.Mutex
	data [][]byte
}

func newRecorder() *recorder { return &recorder{DataConverter: converter.GetDefaultDataConverter()} }

func (r *recorder) keep(ps ...*commonpb.Payload) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range ps {
		if p != nil {
			r.data = append(r.data, slices.Clone(p.GetData()))
		}
	}
}

func (r *recorder) ToPayload(v any) (*commonpb.Payload, error) {
	p, err := r.DataConverter.ToPayload(v)
	r.keep(p)
	return p, err
}

func (r *recorder) ToPayloads(vs ...any) (*commonpb.Payloads, error) {
	p, err := r.DataConverter.ToPayloads(vs...)
	r.keep(p.GetPayloads()...)
	return p, err
}

// env is a test workflow environment with the activities registered,
// recording every payload and every error message, which it checks for
// credentials when the test ends.
type env struct {
	*testsuite.TestWorkflowEnvironment
	rec     *recorder
	mu      gosync.Mutex
	starts  map[string]int
	errText []string
}

func newEnv(t *testing.T, acts *orgsync.Activities, secretsToHide ...string) *env {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	e := &env{TestWorkflowEnvironment: suite.NewTestWorkflowEnvironment(), rec: newRecorder(), starts: map[string]int{}}
	e.SetDataConverter(e.rec)
	e.SetTestTimeout(2 * time.Minute)
	e.RegisterWorkflow(orgsync.SyncOrg)
	e.RegisterWorkflow(orgsync.ContinueSync)
	e.RegisterActivity(acts)
	e.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.starts[info.ActivityType.Name]++
	})
	e.SetOnActivityCompletedListener(func(_ *activity.Info, _ converter.EncodedValue, err error) {
		if err != nil {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.errText = append(e.errText, err.Error())
		}
	})
	t.Cleanup(func() {
		hide := append([]string{mspKey}, secretsToHide...)
		e.mu.Lock()
		defer e.mu.Unlock()
		texts := e.errText
		if err := e.GetWorkflowError(); err != nil {
			texts = append(texts, err.Error())
		}
		for _, s := range hide {
			for _, d := range e.rec.data {
				require.NotContains(t, string(d), s, "a credential in a workflow payload")
			}
			for _, m := range texts {
				require.NotContains(t, m, s, "a credential in an error")
			}
		}
		// The recorder did see the inputs: the references are there.
		sawRef := false
		for _, d := range e.rec.data {
			sawRef = sawRef || bytes.Contains(d, []byte(`"jumpcloud_key_ref":"vault:jumpcloud/msp"`))
		}
		require.True(t, sawRef, "the recorder saw the workflow and activity inputs")
		if fsd, ok := acts.Store.(orgsync.FileStore); ok {
			noSecretInDir(t, fsd.Dir, hide)
		}
	})
	return e
}

func (e *env) started(name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.starts[name]
}

func noSecretInDir(t *testing.T, dir string, hide []string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range hide {
			require.False(t, bytes.Contains(b, []byte(s)), "a credential in stored blob %s", path)
		}
		return nil
	})
	require.NoError(t, err)
}

// state is an Oomnitza instance's users as comparable JSON, without the
// ids and versions the fake assigns.
func state(t *testing.T, srv *oomnitzatest.Server) []string {
	t.Helper()
	var out []string
	for _, u := range srv.Users() {
		b, err := json.Marshal(u)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		for _, k := range []string{"user_id", "uid", "version", "change_date", "creation_date", "changed_by", "last_login_date"} {
			delete(m, k)
		}
		b, err = json.Marshal(m)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

// direct runs sync.Run against a twin of the tenant and returns the
// resulting Oomnitza state: what the workflow must reproduce.
func direct(t *testing.T, i int, o tenantOpts, m *mapping.Mapping) []string {
	t.Helper()
	tw := newTenant(t, i, o)
	jc, err := tw.jsrv.Client(jumpcloud.WithRetries(3), jumpcloud.WithBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	oc, err := tw.osrv.Client(oomnitza.WithRetries(3), oomnitza.WithBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	s, err := sync.New(jc, oc, m, sync.WithClock(func() time.Time { return syncNow }), sync.WithCredentialName(tw.org.JumpCloudKeyRef))
	require.NoError(t, err)
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	return state(t, tw.osrv)
}

// writesTo counts the Oomnitza writes a fake received.
func writesTo(srv *oomnitzatest.Server) int {
	n := 0
	for k, v := range srv.Calls() {
		if k[:4] != "GET " {
			n += v
		}
	}
	return n
}

// failWritesAfter is a transport whose first activity attempt loses its
// connection after n Oomnitza user writes succeeded: a worker that died
// halfway through a chunk.
type failWritesAfter struct {
	n       int64
	written atomic.Int64
	failed  atomic.Int64
	next    http.RoundTripper
}

func (f *failWritesAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	write := r.Method != http.MethodGet && strings.HasPrefix(r.URL.Path, "/api/v3/users")
	ctx := r.Context()
	if write && activity.IsActivity(ctx) && activity.GetInfo(ctx).Attempt == 1 && f.written.Load() >= f.n {
		f.failed.Add(1)
		return nil, errors.New("injected: connection reset by peer")
	}
	resp, err := f.next.RoundTrip(r)
	if write && err == nil && resp.StatusCode < 300 {
		f.written.Add(1)
	}
	return resp, err
}
