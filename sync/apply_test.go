package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// state is what Oomnitza holds, by JumpCloud id, without server-set fields.
func state(t *testing.T, w *world) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, u := range w.osrv.Users() {
		rec, err := u.Record()
		require.NoError(t, err)
		for _, f := range []string{"user_id", "uid", "creation_date", "change_date", "created_by", "changed_by", "version"} {
			delete(rec, f)
		}
		key := u.CustomString("jump_cloud_user_id")
		if key == "" {
			key = "username:" + u.Username
		}
		out[key] = rec
	}
	return out
}

func TestPlanJSONAppliedInANewProcessEqualsRun(t *testing.T) {
	a := newWorld(t, 200, worldOpts{})
	plan, err := a.syncer(t, standard()).Plan(t.Context())
	require.NoError(t, err)
	b, err := plan.JSON()
	require.NoError(t, err)
	back, err := jcsync.ParsePlan(b)
	require.NoError(t, err)
	b2, err := back.JSON()
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2), "the plan decodes back equal")
	assert.Zero(t, writes(a.osrv.Calls()), "a plan writes nothing")
	assert.NotContains(t, string(b), a.jsrv.APIKey())
	assert.NotContains(t, string(b), a.osrv.Token())

	// "A new process": new clients and a new syncer over the same tenants.
	jc, err := a.jsrv.Client()
	require.NoError(t, err)
	oc, err := a.osrv.Client()
	require.NoError(t, err)
	s2, err := jcsync.New(jc, oc, standard())
	require.NoError(t, err)
	rep, err := s2.Apply(t.Context(), back)
	require.NoError(t, err)
	require.NoError(t, rep.Err())

	ref := newWorld(t, 200, worldOpts{})
	refRep, err := ref.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, refRep.Err())
	assert.Equal(t, state(t, ref), state(t, a))
	assert.Equal(t, refRep.Counts, rep.Counts)

	// Another tenant, another mapping: refused, nothing written.
	other := newWorld(t, 5, worldOpts{})
	other.osrv.ResetCalls()
	_, err = other.syncer(t, standard()).Apply(t.Context(), back)
	require.ErrorIs(t, err, jcsync.ErrPlanMismatch)
	m := standard()
	m.Fields = m.Fields[:len(m.Fields)-1]
	_, err = a.syncer(t, m).Apply(t.Context(), back)
	require.ErrorIs(t, err, jcsync.ErrPlanMismatch)
	assert.Contains(t, err.Error(), "fingerprint")
	assert.Zero(t, writes(other.osrv.Calls()))
}

func TestStaleRecordsAreLeftAlone(t *testing.T) {
	w := newWorld(t, 30, worldOpts{})
	s := w.syncer(t, standard())
	_, err := s.Run(t.Context())
	require.NoError(t, err)
	users := w.jsrv.Users()
	for _, u := range users[:3] {
		_, err := w.jc.Users.Update(t.Context(), u.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("New title")})
		require.NoError(t, err)
	}
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	require.Equal(t, 3, plan.Count(jcsync.OpUpdate))
	// Between Plan and Apply someone edits one of them in Oomnitza.
	edited, err := w.oc.Users.GetByField(t.Context(), "jump_cloud_user_id", users[0].ID)
	require.NoError(t, err)
	_, err = w.oc.Users.Update(t.Context(), edited.UserID, oomnitza.Record{"position": "Edited by hand"})
	require.NoError(t, err)
	// And another one is already as planned.
	done, err := w.oc.Users.GetByField(t.Context(), "jump_cloud_user_id", users[1].ID)
	require.NoError(t, err)
	_, err = w.oc.Users.Update(t.Context(), done.UserID, oomnitza.Record{"position": "New title"})
	require.NoError(t, err)
	w.osrv.ResetCalls()
	rep, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Counts.Stale)
	assert.Equal(t, 1, rep.Counts.AlreadyApplied)
	assert.Equal(t, 1, rep.Counts.Updated)
	assert.Equal(t, 1, writes(w.osrv.Calls()))
	got, _ := w.osrv.User(edited.UserID)
	assert.Equal(t, "Edited by hand", got.Position, "a stale record is untouched")
	for _, o := range rep.Records {
		if o.Outcome == jcsync.Stale {
			assert.Contains(t, o.Reason, `position is "Edited by hand"`)
		}
	}
}

func TestPlanAppliedTwiceOrResumedWritesOnce(t *testing.T) {
	w := newWorld(t, 300, worldOpts{oo: []oomnitzatest.Option{oomnitzatest.WithLatency(0)}})
	s := w.syncer(t, standard(), jcsync.WithConcurrency(4))
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)

	// Cancel the first apply after 120 operations.
	ctx, cancel := context.WithCancel(t.Context())
	n := 0
	s2 := w.syncer(t, standard(), jcsync.WithConcurrency(4), jcsync.WithProgress(func(p jcsync.Progress) {
		if p.Phase == "apply" {
			n = p.Done
			if p.Done >= 100 {
				cancel()
			}
		}
	}))
	rep, err := s2.Apply(ctx, plan)
	require.NoError(t, err)
	require.ErrorIs(t, rep.Err(), jcsync.ErrPartial, "a cancelled apply says so")
	assert.Positive(t, rep.Counts.NotRun)
	assert.Equal(t, 300, rep.Counts.Created+rep.Counts.NotRun+rep.Counts.Failed)
	_ = n

	// Resume: the whole plan again, then once more.
	for round := 0; round < 2; round++ {
		rep, err = s.Apply(t.Context(), plan)
		require.NoError(t, err)
		require.NoError(t, rep.Err(), rep.Summary())
	}
	assert.Equal(t, 300, rep.Counts.AlreadyApplied)
	assert.Equal(t, 300, w.osrv.Len(), "each record written once")
	assert.Equal(t, 300, w.osrv.Calls()["POST /api/v3/users"])

	// A range of operations: what an outside scheduler does in chunks.
	w2 := newWorld(t, 250, worldOpts{})
	s3 := w2.syncer(t, standard())
	plan, err = s3.Plan(t.Context())
	require.NoError(t, err)
	for lo := 0; lo < len(plan.Ops); lo += 100 {
		rep, err := s3.Apply(t.Context(), plan, jcsync.OpRange(lo, lo+100))
		require.NoError(t, err)
		require.NoError(t, rep.Err())
		assert.Equal(t, lo, rep.Records[0].Op)
	}
	assert.Equal(t, 250, w2.osrv.Len())
	_, err = s3.Apply(t.Context(), plan, jcsync.OpRange(5, 2))
	assert.Error(t, err)
}

func TestDraftMappingWritesNothing(t *testing.T) {
	w := newWorld(t, 5, worldOpts{})
	_, err := jcsync.New(w.jc, w.oc, standardNoRole())
	var ve interface{ Error() string }
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "is a draft")
	// A target the live schema lacks is found by Plan.
	m := standard()
	m.Fields[0].To = []string{"jumpcloud_uid"}
	m.SyncKeys = []string{"email"}
	s, err := jcsync.New(w.jc, w.oc, m)
	require.NoError(t, err)
	_, err = s.Run(t.Context())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "jumpcloud_uid")
	assert.Zero(t, writes(w.osrv.Calls()))
}

func TestChaosConvergesToACleanRun(t *testing.T) {
	// 10% 503s on every route, and about 5% of requests committed and
	// their replies dropped (weights 2:1 in a 15% fault rate), on both
	// fakes; and a 429 burst.
	faults := worldOpts{
		jc: []jumpcloudtest.Option{jumpcloudtest.WithFaults(0.15, 6, jumpcloudtest.Fault503, jumpcloudtest.Fault503, jumpcloudtest.FaultCommitThenDrop)},
		oo: []oomnitzatest.Option{oomnitzatest.WithFaults(0.15, 5, oomnitzatest.Fault503, oomnitzatest.Fault503, oomnitzatest.FaultCommitThenDrop)},
		jo: []jumpcloud.Option{jumpcloud.WithRetries(4)}, oco: []oomnitza.Option{oomnitza.WithRetries(1)},
	}
	w := newWorld(t, 400, faults)
	for range 3 {
		require.NoError(t, w.osrv.InjectTooManyRequests("POST /api/v3/users", "0"))
		require.NoError(t, w.jsrv.InjectTooManyRequests("GET /api/systemusers", "0"))
	}
	s := w.syncer(t, standard(), jcsync.WithConcurrency(8))
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	failed := 0
	for _, o := range rep.Records {
		if o.Outcome == jcsync.Failed {
			failed++
			assert.NotEmpty(t, o.Error)
		}
	}
	assert.Equal(t, rep.Counts.Failed, failed, "the report accounts for every failure")
	t.Logf("chaos run: %+v %v; faults served %v %v", rep.Counts, rep.Err(), w.jsrv.FaultsServed(), w.osrv.FaultsServed())
	if failed > 0 || rep.Counts.NotRun > 0 {
		assert.ErrorIs(t, rep.Err(), jcsync.ErrPartial)
	} else {
		assert.NoError(t, rep.Err())
	}

	assert.NotEmpty(t, w.osrv.FaultsServed())

	// One clean rerun converges.
	w.osrv.Reset()
	w.jsrv.Reset()
	w.osrv.SetFaults(0, 0)
	w.jsrv.SetFaults(0, 0)
	clean := newOomnitzaCleanClient(t, w)
	rep, err = clean.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	ref := newWorld(t, 400, worldOpts{})
	_, err = ref.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, state(t, ref), state(t, w), "no duplicates, nothing lost")
}

// newOomnitzaCleanClient is a syncer over the same fakes once their
// faults are off.
func newOomnitzaCleanClient(t *testing.T, w *world) *jcsync.Syncer {
	t.Helper()
	return w.syncer(t, standard())
}

func TestReportJSON(t *testing.T) {
	w := newWorld(t, 10, worldOpts{})
	rep, err := w.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	b, err := rep.JSON()
	require.NoError(t, err)
	var back jcsync.Report
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rep.Counts, back.Counts)
	assert.Contains(t, rep.Summary(), "created")
	assert.Equal(t, 10, rep.Calls["POST /api/v3/users"])
	assert.False(t, errors.Is(back.Err(), jcsync.ErrPartial))
	assert.False(t, strings.Contains(string(b), w.osrv.Token()))
}

func TestFailedRecordsNeverReportSuccess(t *testing.T) {
	w := newWorld(t, 50, worldOpts{})
	s := w.syncer(t, standard())
	_, err := s.Run(t.Context())
	require.NoError(t, err)
	for _, u := range w.jsrv.Users()[:5] {
		_, err := w.jc.Users.Update(t.Context(), u.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Changed")})
		require.NoError(t, err)
	}
	require.NoError(t, w.osrv.FailRoute("PATCH /api/v3/users/{ident}", oomnitzatest.Fault503))
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Counts.Failed)
	assert.Equal(t, 45, rep.Counts.Unchanged)
	require.ErrorIs(t, rep.Err(), jcsync.ErrPartial)
	assert.Contains(t, rep.Summary(), "failed")
	w.osrv.Reset()
	rep, err = s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	assert.Equal(t, 5, rep.Counts.Updated)
}

func TestApplyProgressResumesWhereItStopped(t *testing.T) {
	w := newWorld(t, 120, worldOpts{oco: []oomnitza.Option{oomnitza.WithRetries(0)}})
	s := w.syncer(t, standard())
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	require.Len(t, plan.Ops, 120)

	// Every create after the first batch of 40 gets a 503.
	var seen []jcsync.ApplyProgress
	rep, err := s.Apply(t.Context(), plan, jcsync.ApplyBatchSize(40), jcsync.OnApplyProgress(func(p jcsync.ApplyProgress) {
		seen = append(seen, p)
		if len(seen) == 1 {
			require.NoError(t, w.osrv.FailRoute("POST /api/v3/users", oomnitzatest.Fault503))
		}
	}))
	require.NoError(t, err)
	require.ErrorIs(t, rep.Err(), jcsync.ErrPartial)
	firstFailed := -1
	failed := 0
	for _, o := range rep.Records {
		if o.Outcome == jcsync.Failed {
			failed++
			assert.True(t, o.Retryable, "a 503 can be retried: %+v", o)
			if firstFailed < 0 {
				firstFailed = o.Op
			}
		}
	}
	require.GreaterOrEqual(t, firstFailed, 40)
	require.Len(t, seen, 3)
	assert.Equal(t, jcsync.ApplyProgress{Through: 40, Done: 40, Total: 120, Failed: 0}, seen[0])
	assert.Equal(t, jcsync.ApplyProgress{Through: firstFailed, Done: 120, Total: 120, Failed: failed}, seen[2])
	assert.Equal(t, firstFailed, seen[1].Through, "Through stops at the first failure")
	created := w.osrv.Len()

	// Resumed at Through after the outage, nothing before it is repeated
	// and the merged report is the report of one clean apply.
	w.osrv.Reset()
	require.NoError(t, w.osrv.FailRoute("POST /api/v3/users", oomnitzatest.FaultNone))
	through := seen[2].Through
	rest, err := s.Apply(t.Context(), plan, jcsync.OpRange(through, len(plan.Ops)))
	require.NoError(t, err)
	require.NoError(t, rest.Err())
	assert.Equal(t, 120-created, w.osrv.Calls()["POST /api/v3/users"], "only the records not yet created are sent")
	assert.Equal(t, 120, w.osrv.Len())
	merged := rep.Before(through)
	require.NoError(t, merged.Merge(rest))
	require.NoError(t, merged.Err())
	assert.Len(t, merged.Records, 120)
	for i, o := range merged.Records {
		assert.Equal(t, i, o.Op)
	}
	assert.Equal(t, 120, merged.Counts.Created+merged.Counts.Skipped)
	assert.Zero(t, merged.Counts.Failed)

	// A merge of reports of another mapping is refused.
	other := *rest
	other.Mapping = "something else"
	assert.ErrorContains(t, merged.Merge(&other), "does not match")

	_, err = s.Apply(t.Context(), plan, jcsync.ApplyBatchSize(0))
	assert.ErrorContains(t, err, "ApplyBatchSize(0)")
	_, err = s.Apply(t.Context(), plan, jcsync.OnApplyProgress(nil))
	assert.Error(t, err)
}
