package orgsync_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/jcoom/jcoom/examples/temporal/orgsync"
	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/sync"
)

func run(t *testing.T, e *env, wf any, arg any) *orgsync.Result {
	t.Helper()
	e.ExecuteWorkflow(wf, arg)
	require.True(t, e.IsWorkflowCompleted())
	require.NoError(t, e.GetWorkflowError())
	var res orgsync.Result
	require.NoError(t, e.GetWorkflowResult(&res))
	return &res
}

func storedReport(t *testing.T, acts *orgsync.Activities, key string) *sync.Report {
	t.Helper()
	b, err := acts.Store.Get(t.Context(), key)
	require.NoError(t, err)
	var rep sync.Report
	require.NoError(t, json.Unmarshal(b, &rep))
	return &rep
}

func TestThreeOrgsEqualDirectSyncRun(t *testing.T) {
	opts := []tenantOpts{{users: 230, seed: 1}, {users: 140, seed: 2}, {users: 90, seed: 3}}
	var ts []*tenant
	for i, o := range opts {
		ts = append(ts, newTenant(t, i, o))
	}
	// One Activities for all: one pool, one limiter for the MSP key.
	acts := newActivities(t, ts...)
	var hide []string
	for _, tn := range ts {
		hide = append(hide, tn.token)
	}
	for i, tn := range ts {
		tn.org.OpsPerChunk = 64
		e := newEnv(t, acts, hide...)
		res := run(t, e, orgsync.SyncOrg, tn.org)

		want := direct(t, i, opts[i], mapping.Standard().WithRole(25))
		got := state(t, tn.osrv)
		require.Len(t, got, len(want))
		assert.Equal(t, want, got, "org %d: the workflow's Oomnitza state is a direct sync.Run's", i)
		assert.Equal(t, opts[i].users, res.Ops)
		assert.Equal(t, (opts[i].users+63)/64, res.Chunks)
		assert.Equal(t, (opts[i].users+63)/64, e.started("ApplyChunk"), "each chunk applied once")
		assert.Equal(t, 1, e.started("PlanOrg"))
		assert.Equal(t, len(want), res.Counts.Created)
		assert.Equal(t, res.Counts.Created, res.Writes)
		rep := storedReport(t, acts, res.ReportKey)
		require.NoError(t, rep.Err())
		require.Len(t, rep.Records, opts[i].users)
		for j, o := range rep.Records {
			require.Equal(t, j, o.Op)
		}
		assert.Equal(t, orgIDs[i], rep.JumpCloudOrg)

		// A second run writes nothing.
		before := writesTo(tn.osrv)
		e2 := newEnv(t, acts, hide...)
		res2 := run(t, e2, orgsync.SyncOrg, tn.org)
		assert.Zero(t, res2.Writes)
		assert.Equal(t, before, writesTo(tn.osrv))
	}
}

func TestApplyFailingAfter40OpsResumesAndWritesEachRecordOnce(t *testing.T) {
	tn := newTenant(t, 0, tenantOpts{users: 100, seed: 4})
	acts := newActivities(t, tn)
	acts.ApplyBatch = 20
	fail := &failWritesAfter{n: 40, next: http.DefaultTransport}
	acts.HTTPClient = &http.Client{Transport: fail}
	e := newEnv(t, acts, tn.token)
	var heartbeats []orgsync.ChunkHeartbeat
	e.SetOnActivityHeartbeatListener(func(info *activity.Info, details converter.EncodedValues) {
		var hb orgsync.ChunkHeartbeat
		if info.ActivityType.Name == "ApplyChunk" && details.Get(&hb) == nil {
			heartbeats = append(heartbeats, hb)
		}
	})
	res := run(t, e, orgsync.SyncOrg, tn.org)

	require.Positive(t, fail.failed.Load(), "the first attempt lost its connection")
	assert.Equal(t, 2, e.started("ApplyChunk"), "one failed attempt, one retry")
	require.NotEmpty(t, heartbeats)
	assert.Contains(t, heartbeats, orgsync.ChunkHeartbeat{Through: 40, Done: 40, Total: 100})
	created := tn.osrv.Len()
	assert.Equal(t, 100, created)
	assert.Equal(t, created, tn.osrv.Calls()["POST /api/v3/users"], "each record was sent once")
	assert.Equal(t, created, res.Counts.Created)
	assert.Zero(t, res.Counts.AlreadyApplied, "the retry resumed at operation 40, not at 0")
	rep := storedReport(t, acts, res.ReportKey)
	require.NoError(t, rep.Err())
	require.Len(t, rep.Records, 100)
	for j, o := range rep.Records {
		require.Equal(t, j, o.Op)
		require.Equal(t, sync.Created, o.Outcome)
	}
	ids := map[string]int{}
	for _, u := range tn.osrv.Users() {
		b, _ := json.Marshal(u)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		ids[m["email"].(string)]++
	}
	for email, n := range ids {
		require.Equal(t, 1, n, "%s is in Oomnitza once", email)
	}
	assert.Equal(t, direct(t, 0, tenantOpts{users: 100, seed: 4}, mapping.Standard().WithRole(25)), state(t, tn.osrv))
}

func TestDraftMappingFailsWithoutRetries(t *testing.T) {
	tn := newTenant(t, 0, tenantOpts{users: 20, seed: 5})
	tn.org.Role = 0 // the standard mapping without a role is a draft
	acts := newActivities(t, tn)
	e := newEnv(t, acts, tn.token)
	e.ExecuteWorkflow(orgsync.SyncOrg, tn.org)
	require.True(t, e.IsWorkflowCompleted())
	err := e.GetWorkflowError()
	require.Error(t, err)
	var ae *temporal.ApplicationError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, orgsync.ErrTypeDraftMapping, ae.Type())
	assert.True(t, ae.NonRetryable())
	assert.Contains(t, err.Error(), "role")
	assert.Equal(t, 1, e.started("PlanOrg"), "not retried")
	assert.Zero(t, e.started("ApplyChunk"))
	assert.Zero(t, writesTo(tn.osrv))
}

func TestRateLimitStormIsRetriedAndConverges(t *testing.T) {
	o := tenantOpts{users: 120, seed: 6}
	tn := newTenant(t, 1, o)
	for range 6 {
		require.NoError(t, tn.jsrv.InjectTooManyRequests("GET /api/systemusers", "0"))
	}
	// A create is tried 4 times: one at a time, 30 429s make the first 7
	// creates fail and the 8th wait twice.
	for range 30 {
		require.NoError(t, tn.osrv.InjectTooManyRequests("POST /api/v3/users", "0"))
	}
	acts := newActivities(t, tn)
	// Clients that give up quickly, so that Temporal does the retrying.
	acts.JumpCloudOptions = append(acts.JumpCloudOptions, jumpcloud.WithRetries(1))
	acts.OomnitzaOptions = append(acts.OomnitzaOptions, oomnitza.WithRetries(0))
	acts.SyncOptions = append(acts.SyncOptions, sync.WithConcurrency(1))
	e := newEnv(t, acts, tn.token)
	res := run(t, e, orgsync.SyncOrg, tn.org)
	assert.Greater(t, e.started("PlanOrg"), 1, "the plan was retried by Temporal after the client gave up")
	assert.Greater(t, e.started("ApplyChunk"), 1, "the apply was retried after creates got 429s")
	assert.Equal(t, 30, tn.osrv.FaultsServed()["POST /api/v3/users 429"])
	assert.Equal(t, direct(t, 1, o, mapping.Standard().WithRole(25)), state(t, tn.osrv))
	assert.Equal(t, tn.osrv.Len(), res.Counts.Created+res.Counts.AlreadyApplied)
	assert.Zero(t, res.Counts.Failed)
	assert.Equal(t, tn.osrv.Len(), tn.osrv.Calls()["POST /api/v3/users"]-30, "each record was written once")
}

func TestContinueAsNewPicksUpTheApply(t *testing.T) {
	o := tenantOpts{users: 100, seed: 7}
	tn := newTenant(t, 2, o)
	tn.org.OpsPerChunk = 30
	acts := newActivities(t, tn)
	e := newEnv(t, acts, tn.token)
	e.SetContinueAsNewSuggested(true)
	e.ExecuteWorkflow(orgsync.SyncOrg, tn.org)
	require.True(t, e.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, e.GetWorkflowError(), &can)
	assert.Equal(t, "ContinueSync", can.WorkflowType.Name)
	var st orgsync.Continuation
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &st))
	assert.Equal(t, 30, st.Next)
	assert.Len(t, st.ChunkKeys, 1)
	assert.Equal(t, 30, tn.osrv.Len())

	e2 := newEnv(t, acts, tn.token)
	res := run(t, e2, orgsync.ContinueSync, st)
	assert.Equal(t, 4, res.Chunks)
	assert.Equal(t, 2, res.Runs)
	assert.Zero(t, e2.started("PlanOrg"), "the continued run keeps the plan")
	assert.Equal(t, direct(t, 2, o, mapping.Standard().WithRole(25)), state(t, tn.osrv))
	rep := storedReport(t, acts, res.ReportKey)
	require.Len(t, rep.Records, 100)
	assert.Equal(t, 100, rep.Counts.Created)
}

func TestRefusedRecordsFailTheRunAndAreReported(t *testing.T) {
	tn := newTenant(t, 0, tenantOpts{users: 30, seed: 8})
	acts := newActivities(t, tn)
	// Every create is refused with a 400: a retry cannot help.
	acts.HTTPClient = &http.Client{Transport: refuseCreates{http.DefaultTransport}}
	e := newEnv(t, acts, tn.token)
	e.ExecuteWorkflow(orgsync.SyncOrg, tn.org)
	err := e.GetWorkflowError()
	var ae *temporal.ApplicationError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, orgsync.ErrTypeRecordsRefused, ae.Type())
	assert.Equal(t, 1, e.started("ApplyChunk"), "refused records are not retried")
	var res orgsync.Result
	require.NoError(t, ae.Details(&res))
	assert.Equal(t, 30, res.Counts.Failed)
	rep := storedReport(t, acts, res.ReportKey)
	assert.Equal(t, 30, rep.Counts.Failed)
	assert.Contains(t, rep.Error, "30 failed")
	for _, o := range rep.Records {
		assert.False(t, o.Retryable)
		assert.Contains(t, o.Error, "400")
	}
	assert.Zero(t, tn.osrv.Len())
}

// refuseCreates answers every Oomnitza user create with a 400.
type refuseCreates struct{ next http.RoundTripper }

func (r refuseCreates) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && req.URL.Path == "/api/v3/users" {
		body := `{"errors": {"email": ["is not allowed here"]}}`
		return &http.Response{StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Request: req,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
	}
	return r.next.RoundTrip(req)
}
