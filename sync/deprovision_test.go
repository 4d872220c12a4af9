package sync_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	jcsync "github.com/jcoom/jcoom/sync"
)

func TestDeprovision(t *testing.T) {
	w := newWorld(t, 100, worldOpts{})
	_, err := w.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	// An Oomnitza user who never came from JumpCloud: never touched.
	manual, err := w.osrv.AddRecord(oomnitza.Record{"username": "contractor@example.com", "email": "contractor@example.com", "role": 25})
	require.NoError(t, err)
	// Five JumpCloud users leave.
	var gone []string
	for _, u := range w.jsrv.Users() {
		if len(gone) == 5 {
			break
		}
		if u.Suspended {
			continue
		}
		if _, err := w.jc.Users.Delete(t.Context(), u.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err == nil {
			gone = append(gone, u.ID)
		}
	}
	require.Len(t, gone, 5)

	// Off by default: nothing planned.
	plan, err := w.syncer(t, standard()).Plan(t.Context())
	require.NoError(t, err)
	assert.Zero(t, plan.Count(jcsync.OpDeprovision))

	// Above the threshold: stopped, zero writes, the plan kept for review.
	w.osrv.ResetCalls()
	strict := w.syncer(t, standard(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: 3}))
	rep, err := strict.Run(t.Context())
	require.ErrorIs(t, err, jcsync.ErrThresholdExceeded)
	require.NotNil(t, rep)
	assert.ErrorIs(t, rep.Err(), jcsync.ErrThresholdExceeded)
	assert.Zero(t, writes(w.osrv.Calls()))
	plan, err = strict.Plan(t.Context())
	require.ErrorIs(t, err, jcsync.ErrThresholdExceeded)
	require.NotNil(t, plan)
	assert.Equal(t, 5, plan.Count(jcsync.OpDeprovision))
	assert.Contains(t, plan.Summary(), "BLOCKED: 5 of 100")
	_, err = strict.Apply(t.Context(), plan)
	require.ErrorIs(t, err, jcsync.ErrThresholdExceeded, "a blocked plan is refused")
	assert.Zero(t, writes(w.osrv.Calls()))

	// A plan that shows a suspend is never applied as a delete, nor by a
	// sync that deprovisions nothing.
	suspendPlan, err := w.syncer(t, standard(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: 5})).Plan(t.Context())
	require.NoError(t, err)
	for _, other := range []*jcsync.Syncer{
		w.syncer(t, standard(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Delete(), MaxCount: 5})),
		w.syncer(t, standard(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.SetField("suspended", false), MaxCount: 5})),
		w.syncer(t, standard()),
	} {
		rep, err := other.Apply(t.Context(), suspendPlan)
		require.NoError(t, err)
		assert.Equal(t, 5, rep.Counts.Stale, rep.Summary())
		assert.Zero(t, writes(w.osrv.Calls()))
	}

	// Within the threshold: exactly the five, suspended.
	ok := w.syncer(t, standard(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxPercent: 10}))
	rep, err = ok.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	assert.Equal(t, 5, rep.Counts.Deprovisioned)
	for _, u := range w.osrv.Users() {
		id := u.CustomString("jump_cloud_user_id")
		if id == "" {
			continue
		}
		ju, inJumpCloud := w.jsrv.User(id)
		if !inJumpCloud {
			assert.True(t, u.Suspended, "gone from JumpCloud: %s", u.Username)
			continue
		}
		assert.Equal(t, ju.Suspended, u.Suspended, "still in JumpCloud, as JumpCloud says: %s", u.Username)
	}
	m, _ := w.osrv.User(manual)
	assert.False(t, m.Suspended, "a user without a JumpCloud id is never touched")
	// Again: already suspended, nothing to do.
	rep, err = ok.Run(t.Context())
	require.NoError(t, err)
	assert.Zero(t, rep.Counts.Deprovisioned)
}

func TestIncompleteReadNeverDeprovisions(t *testing.T) {
	w := newWorld(t, 250, worldOpts{})
	_, err := w.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	// Two pages are served, then the listing fails past every retry.
	script := []jumpcloudtest.Fault{jumpcloudtest.FaultNone, jumpcloudtest.FaultNone}
	for range 20 {
		script = append(script, jumpcloudtest.Fault503)
	}
	require.NoError(t, w.jsrv.Inject("GET /api/systemusers", script...))
	s := w.syncer(t, standard(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Delete(), MaxPercent: 100}))
	w.osrv.ResetCalls()
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	assert.False(t, rep.SourceComplete)
	assert.ErrorIs(t, rep.Err(), jcsync.ErrIncompleteRead)
	assert.Zero(t, rep.Counts.Deprovisioned)
	assert.Zero(t, w.osrv.Calls()["DELETE /api/v3/users/{ident}"], "nothing destructive on an incomplete read")
	assert.Equal(t, 250, w.osrv.Len())
}

func TestUsersAndSaaS(t *testing.T) {
	w := newWorld(t, 60, worldOpts{jc: []jumpcloudtest.Option{jumpcloudtest.WithoutAdminProperty()}})
	admin := w.jsrv.Users()[3]
	w.jsrv.AddAdmin(&jumpcloud.Admin{Email: strings.ToUpper(admin.Email), Firstname: "A", Lastname: "B", RoleName: "Help Desk"})
	m := standard()
	m.Mode = mapping.ModeUsersAndSaaS
	s := w.syncer(t, m)
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	assert.Zero(t, plan.SaaSID, "the SaaS application does not exist yet")
	rep, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	assert.Equal(t, 60, rep.Counts.SaaSUsers)
	apps, err := w.oc.SaaS.List(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	assert.Equal(t, "JumpCloud", apps[0].SaaSName)
	roles := map[string]int{}
	n := 0
	for su, err := range w.oc.SaaS.Users(t.Context(), apps[0].SaaSID) {
		require.NoError(t, err)
		n++
		roles[su.Roles.RoleExternalID]++
		u, _ := w.osrv.User(su.UserID)
		assert.Equal(t, u.CustomString("jump_cloud_user_id"), su.UserExternalID)
	}
	assert.Equal(t, 60, n)
	assert.Equal(t, map[string]int{"User": 59, "Help Desk": 1}, roles)

	// Rerun: zero writes.
	w.osrv.ResetCalls()
	rep, err = s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	assert.Zero(t, rep.Counts.SaaSUsers)
	assert.Zero(t, writes(w.osrv.Calls()), "%v", w.osrv.Calls())
}

func TestScheduleTimes(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tzdata")
	}
	d := jcsync.Daily("02:00", berlin)
	require.NoError(t, d.Err())
	at := time.Date(2026, 3, 28, 12, 0, 0, 0, berlin)
	assert.Equal(t, time.Date(2026, 3, 29, 2, 0, 0, 0, berlin), d.Next(at))
	assert.Equal(t, time.Date(2026, 3, 29, 2, 0, 0, 0, berlin), d.Next(time.Date(2026, 3, 29, 1, 59, 0, 0, berlin)))
	assert.Equal(t, time.Date(2026, 3, 30, 2, 0, 0, 0, berlin), d.Next(time.Date(2026, 3, 29, 2, 0, 0, 0, berlin)))
	assert.Error(t, jcsync.Daily("25:00", nil).Err())
	assert.Error(t, jcsync.Every(0).Err())
	assert.Error(t, jcsync.Schedule{}.Err())
	assert.Equal(t, "every 1h0m0s (jitter 5m0s)", jcsync.Every(time.Hour).WithJitter(5*time.Minute).String())
}
