package presets_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
)

func TestRunnerCreateWritesTheIDBack(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	rec := e.addRecord(t, oomnitza.Record{"username": "katherine.johnson@example.com", "email": "katherine.johnson@example.com",
		"first_name": "Katherine", "last_name": "Johnson"})
	run := presets.NewRunner(e.jc, e.oc)

	res, err := run.Run(t.Context(), presets.NameCreateUser, rec, presets.DryRun())
	require.NoError(t, err)
	assert.Equal(t, presets.StatusDryRun, res.Status)
	assert.Equal(t, "katherine.johnson@example.com", res.Request.Body["username"])
	assert.Zero(t, total(e.jsrv.Calls()), "a dry run sends no JumpCloud request")
	assert.Zero(t, writes(e.osrv.Calls()), "and writes nothing")

	res, err = run.Run(t.Context(), presets.NameCreateUser, rec)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	assert.Equal(t, rec, res.OomnitzaUserID)
	assert.Equal(t, []presets.Change{{Field: "jump_cloud_user_id", Old: nil, New: res.UserID}}, res.WriteBack)
	assert.Equal(t, res.UserID, record(t, e, rec).CustomString("jump_cloud_user_id"))
	u, ok := e.jsrv.User(res.UserID)
	require.True(t, ok)
	assert.Equal(t, "Katherine", u.Firstname)

	// Run twice on the same record: still one JumpCloud user, nothing written.
	e.jsrv.ResetCalls()
	e.osrv.ResetCalls()
	again, err := run.Run(t.Context(), presets.NameCreateUser, rec)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, again.Status, again.Reason)
	assert.Equal(t, res.UserID, again.UserID)
	assert.Zero(t, writes(e.jsrv.Calls()))
	assert.Zero(t, writes(e.osrv.Calls()))
	assert.Equal(t, 3, e.jsrv.Len())
}

func TestRunnerCreateLinksAnExistingUser(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	ju, err := e.jc.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "linus@example.com", Email: "linus@example.com", Firstname: "Linus", Lastname: "T"})
	require.NoError(t, err)
	rec := e.addRecord(t, oomnitza.Record{"username": "linus@example.com", "email": "LINUS@example.com", "first_name": "Linus", "last_name": "T"})
	e.jsrv.ResetCalls()
	res, err := presets.NewRunner(e.jc, e.oc).Run(t.Context(), presets.NameCreateUser, rec)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status, "the id was written back")
	assert.Contains(t, res.Reason, "linked, not duplicated")
	assert.Equal(t, ju.ID, res.UserID)
	assert.Zero(t, writes(e.jsrv.Calls()), "nothing created in JumpCloud")
	assert.Equal(t, ju.ID, record(t, e, rec).CustomString("jump_cloud_user_id"))
}

func TestRunnerCreateUnderLostResponses(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	rec := e.addRecord(t, oomnitza.Record{"username": "radia@example.com", "email": "radia@example.com", "first_name": "Radia", "last_name": "Perlman"})
	require.NoError(t, e.jsrv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop))
	require.NoError(t, e.osrv.Inject("PATCH /api/v3/users/{ident}", oomnitzatest.FaultCommitThenDrop))
	run := presets.NewRunner(e.jc, e.oc)
	res, err := run.Run(t.Context(), presets.NameCreateUser, rec)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	res2, err := run.Run(t.Context(), presets.NameCreateUser, rec)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, res2.Status)
	assert.Equal(t, 3, e.jsrv.Len(), "exactly one JumpCloud user made")
	assert.Equal(t, res.UserID, record(t, e, rec).CustomString("jump_cloud_user_id"))
}

func TestRunnerDeleteClearsTheID(t *testing.T) {
	e := newEnv(t, 6, envOpts{})
	u := nonManagers(e)[0]
	rec := recOf(e, u)
	run := presets.NewRunner(e.jc, e.oc)
	res, err := run.Run(t.Context(), presets.NameDeleteUser, rec)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	assert.Equal(t, []presets.Change{{Field: "jump_cloud_user_id", Old: u.ID, New: nil}}, res.WriteBack)
	_, ok := e.jsrv.User(u.ID)
	assert.False(t, ok)
	v, _ := record(t, e, rec).Field("jump_cloud_user_id")
	assert.Nil(t, v)

	// The id is gone from the record: a rerun is refused before any request.
	e.jsrv.ResetCalls()
	_, err = run.Run(t.Context(), presets.NameDeleteUser, rec)
	require.ErrorIs(t, err, presets.ErrInvalidInput)
	assert.ErrorContains(t, err, "jump_cloud_user_id is missing")
	assert.Zero(t, total(e.jsrv.Calls()))
}

func TestRunnerIdentityGuard(t *testing.T) {
	e := newEnv(t, 6, envOpts{})
	plain := nonManagers(e)
	victim, wrong := plain[0], plain[1]
	// The victim's id copied onto somebody else's record.
	_, err := e.oc.Users.Update(t.Context(), recOf(e, wrong), oomnitza.Record{"jump_cloud_user_id": nil})
	require.NoError(t, err)
	_, err = e.oc.Users.Update(t.Context(), recOf(e, wrong), oomnitza.Record{"jump_cloud_user_id": victim.ID})
	require.Error(t, err, "the field is unique: the fake refuses a second record with the same id")
	other := e.addRecord(t, oomnitza.Record{"username": "someone@example.com", "email": "someone@example.com", "first_name": "S", "last_name": "O"})
	_, err = e.oc.Users.Update(t.Context(), recOf(e, victim), oomnitza.Record{"jump_cloud_user_id": nil})
	require.NoError(t, err)
	_, err = e.oc.Users.Update(t.Context(), other, oomnitza.Record{"jump_cloud_user_id": victim.ID})
	require.NoError(t, err)
	e.jsrv.ResetCalls()
	e.osrv.ResetCalls()

	run := presets.NewRunner(e.jc, e.oc)
	for _, name := range []string{presets.NameDeleteUser, presets.NameExpirePassword} {
		res, err := run.Run(t.Context(), name, other)
		require.ErrorIs(t, err, presets.ErrIdentityMismatch, name)
		assert.Contains(t, err.Error(), victim.Email)
		assert.Contains(t, err.Error(), "someone@example.com")
		assert.Equal(t, presets.StatusFailed, res.Status)
	}
	assert.Zero(t, writes(e.jsrv.Calls()), "an identity mismatch sends no write")
	assert.Zero(t, writes(e.osrv.Calls()))
	_, ok := e.jsrv.User(victim.ID)
	assert.True(t, ok, "the victim is still there")

	// Create on a record linked to another person refuses too.
	_, err = run.Run(t.Context(), presets.NameCreateUser, other)
	require.ErrorIs(t, err, presets.ErrIdentityMismatch)

	res, err := run.Run(t.Context(), presets.NameExpirePassword, other, presets.WithoutIdentityCheck())
	require.NoError(t, err)
	assert.NotEqual(t, presets.StatusFailed, res.Status)
}

func TestRunnerRefusalsSendNothing(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	run := presets.NewRunner(e.jc, e.oc)
	bad := map[string]string{
		"../../api/organizations":  "jump_cloud_user_id is \"../../api/organizations\"",
		"5f0c1b2a3d4e5f6a7b8c9d0/": "want a JumpCloud user id",
		"ABCDEF0123456789ABCDEF01": "24 lower-case hex",
		"":                         "jump_cloud_user_id is missing",
	}
	i := 0
	for value, want := range bad {
		i++
		rec := e.addRecord(t, oomnitza.Record{"username": fmt.Sprintf("u%d@example.com", i), "email": fmt.Sprintf("u%d@example.com", i),
			"jump_cloud_user_id": value})
		for _, name := range []string{presets.NameDeleteUser, presets.NameUnlockUser, presets.NameExpirePassword, presets.NameUserRole} {
			res, err := run.Run(t.Context(), name, rec)
			require.ErrorIs(t, err, presets.ErrInvalidInput, "%s %q", name, value)
			assert.ErrorContains(t, err, want)
			assert.Equal(t, presets.StatusFailed, res.Status)
		}
	}
	// A missing create input names the Oomnitza field.
	rec := e.addRecord(t, oomnitza.Record{"username": "nofirst@example.com", "email": "nofirst@example.com", "last_name": "X"})
	_, err := run.Run(t.Context(), presets.NameCreateUser, rec)
	assert.ErrorContains(t, err, "first_name is missing")
	// A hostile Oomnitza id never reaches Oomnitza either.
	for _, id := range []string{"../meta", "", "1/../2"} {
		_, err := run.Run(t.Context(), presets.NameUnlockUser, id)
		require.ErrorIs(t, err, presets.ErrInvalidInput, id)
	}
	_, err = run.Run(t.Context(), "jumpcloud.reboot", e.recs[0])
	require.ErrorIs(t, err, presets.ErrUnknownPreset)
	assert.ErrorContains(t, err, "jumpcloud.unlock_user")
	for _, name := range presets.Names() {
		res, err := run.Run(t.Context(), name, e.recs[0], presets.DryRun())
		require.NoError(t, err, name)
		assert.Equal(t, presets.StatusDryRun, res.Status)
	}
	assert.Zero(t, total(e.jsrv.Calls()), "refusals and dry runs send no JumpCloud request")
	assert.Zero(t, writes(e.osrv.Calls()))

	// Invalid runner options fail every run, naming the option.
	_, err = presets.NewRunner(e.jc, e.oc, presets.WithConcurrency(0)).Run(t.Context(), presets.NameUnlockUser, e.recs[0])
	assert.ErrorContains(t, err, "WithConcurrency(0)")
	_, err = presets.NewRunner(nil, e.oc).Run(t.Context(), presets.NameUnlockUser, e.recs[0])
	assert.ErrorContains(t, err, "JumpCloud client is nil")
}

func TestRunnerUserRoleAsSaaSRole(t *testing.T) {
	e := newEnv(t, 3, envOpts{jc: []jumpcloudtest.Option{jumpcloudtest.WithoutAdminProperty()}})
	admin := e.users[0]
	e.jsrv.AddAdmin(&jumpcloud.Admin{Email: admin.Email, Firstname: "A", Lastname: "B", RoleName: "Administrator"})
	run := presets.NewRunner(e.jc, e.oc)
	res, err := run.Run(t.Context(), presets.NameUserRole, e.recs[0])
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	assert.Equal(t, "Administrator", res.Role)
	assert.Equal(t, []presets.Change{
		{Field: "saas:JumpCloud:assigned", Old: false, New: true},
		{Field: "saas:JumpCloud:user_external_id", Old: nil, New: admin.ID},
		{Field: "saas:JumpCloud:role", Old: nil, New: "Administrator"},
	}, res.WriteBack)
	apps, err := e.oc.SaaS.List(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	assert.Equal(t, "JumpCloud", apps[0].SaaSName)
	var found *oomnitza.SaaSUser
	for su, err := range e.oc.SaaS.Users(t.Context(), apps[0].SaaSID) {
		require.NoError(t, err)
		if su.UserID == e.recs[0] {
			found = su
		}
	}
	require.NotNil(t, found)
	assert.Equal(t, admin.ID, found.UserExternalID)
	assert.Equal(t, "Administrator", found.Roles.RoleExternalID)

	// A second run: nothing to write.
	e.osrv.ResetCalls()
	res, err = presets.NewRunner(e.jc, e.oc).Run(t.Context(), presets.NameUserRole, e.recs[0])
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, res.Status, res.Reason)
	assert.Zero(t, writes(e.osrv.Calls()))

	// A plain user gets the role User; with WithRoleField it goes into a field.
	res, err = presets.NewRunner(e.jc, e.oc, presets.WithRoleField("position")).Run(t.Context(), presets.NameUserRole, e.recs[1])
	require.NoError(t, err)
	assert.Equal(t, presets.DefaultRole, res.Role)
	assert.Equal(t, []presets.Change{{Field: "position", Old: nil, New: "User"}}, res.WriteBack)
	assert.Equal(t, "User", record(t, e, e.recs[1]).Position)
}

func TestRunManyUnderFaults(t *testing.T) {
	const n = 200
	faults := []jumpcloudtest.Fault{jumpcloudtest.Fault503}
	e := newEnv(t, n, envOpts{
		jc: []jumpcloudtest.Option{jumpcloudtest.WithFaults(0.10, 3, faults...)},
		oo: []oomnitzatest.Option{oomnitzatest.WithFaults(0.10, 4, oomnitzatest.Fault503)},
	})
	for i := 0; i < n; i += 3 {
		e.jsrv.LockUser(e.users[i].ID)
	}
	wantLocked := map[string]bool{}
	wantExpired := map[string]bool{}
	for _, u := range e.jsrv.Users() {
		wantLocked[u.ID] = u.AccountLocked
		wantExpired[u.ID] = u.PasswordExpired
	}
	run := presets.NewRunner(e.jc, e.oc, presets.WithConcurrency(8))
	for _, name := range []string{presets.NameUnlockUser, presets.NameExpirePassword, presets.NameUserRole} {
		results, err := run.RunMany(t.Context(), name, e.recs)
		require.NoError(t, err, name)
		require.Len(t, results, n)
		for i, res := range results {
			u := e.users[i]
			require.Equal(t, e.recs[i], res.OomnitzaUserID, "results in input order")
			require.Equal(t, u.ID, res.UserID)
			want := presets.StatusApplied
			switch name {
			case presets.NameUnlockUser:
				if !wantLocked[u.ID] {
					want = presets.StatusNoOp
				}
			case presets.NameExpirePassword:
				if wantExpired[u.ID] {
					want = presets.StatusNoOp
				}
			}
			require.Equal(t, want, res.Status, "%s %d: %s", name, i, res.Reason)
		}
		// A rerun finds every goal holding.
		e.jsrv.ResetCalls()
		e.osrv.ResetCalls()
		results, err = run.RunMany(t.Context(), name, e.recs)
		require.NoError(t, err, name)
		for i, res := range results {
			require.Equal(t, presets.StatusNoOp, res.Status, "%s rerun %d: %s", name, i, res.Reason)
		}
		assert.Zero(t, writes(e.jsrv.Calls()), name)
		assert.Zero(t, writes(e.osrv.Calls()), name)
	}
	for _, u := range e.jsrv.Users() {
		assert.False(t, u.AccountLocked)
		assert.True(t, u.PasswordExpired)
	}
	assert.NotZero(t, e.jsrv.FaultsServed()["GET /api/systemusers/{id} 503"], "faults were served")
}

func TestRunManyKeepsGoingAfterAFailure(t *testing.T) {
	e := newEnv(t, 4, envOpts{})
	ids := []string{e.recs[0], "../meta", e.recs[1], "0123456789abcdef01234567"}
	results, err := presets.NewRunner(e.jc, e.oc).RunMany(t.Context(), presets.NameUnlockUser, ids)
	require.Error(t, err)
	assert.ErrorContains(t, err, "failed for 2 of 4 users")
	require.Len(t, results, 4)
	assert.NotEqual(t, presets.StatusFailed, results[0].Status)
	assert.Equal(t, presets.StatusFailed, results[1].Status)
	assert.NotEqual(t, presets.StatusFailed, results[2].Status)
	assert.Equal(t, presets.StatusFailed, results[3].Status)
	assert.ErrorIs(t, results[3].Err(), oomnitza.ErrNotFound)
}

func TestResultJSON(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	res, err := presets.NewRunner(e.jc, e.oc).Run(t.Context(), presets.NameUnlockUser, "../meta")
	require.Error(t, err)
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"status":"failed"`)
	var back presets.Result
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, presets.StatusFailed, back.Status)
	assert.Equal(t, res.Error, back.Err().Error())
	assert.False(t, strings.Contains(string(b), e.jsrv.APIKey()) || strings.Contains(string(b), e.osrv.Token()))
}

// recOf returns the Oomnitza record linked to a JumpCloud user.
func recOf(e *env, u *jumpcloud.User) string {
	for i, c := range e.users {
		if c.ID == u.ID {
			return e.recs[i]
		}
	}
	return ""
}

func TestRunnerLogsOneLinePerRunAndNoSecret(t *testing.T) {
	e := newEnv(t, 3, envOpts{})
	var buf strings.Builder
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	run := presets.NewRunner(e.jc, e.oc, presets.WithLogger(log))
	_, err := run.RunMany(t.Context(), presets.NameUnlockUser, e.recs)
	require.NoError(t, err)
	_, err = run.Run(t.Context(), presets.NameUnlockUser, "../x")
	require.Error(t, err)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 4)
	assert.Contains(t, lines[0], `"preset":"jumpcloud.unlock_user"`)
	assert.Contains(t, lines[3], `"level":"WARN"`)
	assert.NotContains(t, buf.String(), e.jsrv.APIKey())
	assert.NotContains(t, buf.String(), e.osrv.Token())
}
