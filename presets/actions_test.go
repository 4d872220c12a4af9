package presets_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/presets"
)

func TestStatusPrintsAndEncodes(t *testing.T) {
	for s, want := range map[presets.Status]string{presets.StatusApplied: "applied", presets.StatusNoOp: "noop",
		presets.StatusDryRun: "dryrun", presets.StatusFailed: "failed"} {
		assert.Equal(t, want, s.String())
		b, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, `"`+want+`"`, string(b))
		var back presets.Status
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, s, back)
	}
	_, err := json.Marshal(presets.Status(0))
	assert.Error(t, err)
	var s presets.Status
	assert.ErrorContains(t, json.Unmarshal([]byte(`"done"`), &s), `"done" is not one of applied, noop, dryrun, failed`)
}

func TestUnlockUser(t *testing.T) {
	e := newEnv(t, 5, envOpts{})
	u := e.users[2]
	require.True(t, e.jsrv.LockUser(u.ID))
	e.jsrv.ResetCalls()

	res, err := presets.UnlockUser(t.Context(), e.jc, u.ID)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	assert.Equal(t, u.ID, res.UserID)
	assert.Equal(t, &presets.Request{Method: "POST", Path: "/api/systemusers/" + u.ID + "/unlock", Sent: true}, res.Request)
	got, _ := e.jsrv.User(u.ID)
	assert.False(t, got.AccountLocked)
	assert.Equal(t, map[string]int{"GET /api/systemusers/{id}": 1, "POST /api/systemusers/{id}/unlock": 1}, e.jsrv.Calls())

	// Again: the account is not locked, so nothing is written.
	e.jsrv.ResetCalls()
	res, err = presets.UnlockUser(t.Context(), e.jc, u.ID)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, res.Status)
	assert.Equal(t, "the account is not locked", res.Reason)
	assert.False(t, res.Request.Sent)
	assert.Zero(t, writes(e.jsrv.Calls()))
}

func TestExpirePassword(t *testing.T) {
	e := newEnv(t, 40, envOpts{})
	var u *jumpcloud.User
	for _, c := range e.users {
		if !c.PasswordExpired {
			u = c
			break
		}
	}
	require.NotNil(t, u)
	res, err := presets.ExpirePassword(t.Context(), e.jc, u.ID, presets.ForPerson(presets.Person{Email: "  " + strings.ToUpper(u.Email) + " "}))
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status, res.Reason)
	got, _ := e.jsrv.User(u.ID)
	assert.True(t, got.PasswordExpired)

	e.jsrv.ResetCalls()
	res, err = presets.ExpirePassword(t.Context(), e.jc, u.ID)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, res.Status)
	assert.Zero(t, writes(e.jsrv.Calls()))
}

func TestDeleteUser(t *testing.T) {
	e := newEnv(t, 6, envOpts{})
	u := nonManagers(e)[0]
	res, err := presets.DeleteUser(t.Context(), e.jc, u.ID, presets.ForPerson(presets.Person{Username: u.Username}))
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	assert.Equal(t, "DELETE /api/systemusers/"+u.ID, res.Request.String())
	_, ok := e.jsrv.User(u.ID)
	assert.False(t, ok)

	e.jsrv.ResetCalls()
	res, err = presets.DeleteUser(t.Context(), e.jc, u.ID)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, res.Status)
	assert.Equal(t, "the user is already gone", res.Reason)
	assert.Equal(t, map[string]int{"GET /api/systemusers/{id}": 1}, e.jsrv.Calls())
}

func TestIdentityGuard(t *testing.T) {
	e := newEnv(t, 6, envOpts{})
	plain := nonManagers(e)
	u, other := plain[0], plain[1]
	e.jsrv.ResetCalls()
	for _, name := range []string{"delete", "expire"} {
		run := func(opts ...presets.Option) (*presets.Result, error) {
			if name == "delete" {
				return presets.DeleteUser(t.Context(), e.jc, u.ID, opts...)
			}
			return presets.ExpirePassword(t.Context(), e.jc, u.ID, opts...)
		}
		for _, p := range []presets.Person{
			{Email: other.Email, Username: other.Username}, // an id copied onto the wrong record
			{}, // a record with neither: never matches
			{Email: " ", Username: " "},
			{Username: strings.ToUpper(u.Username)}, // usernames compare exactly
		} {
			res, err := run(presets.ForPerson(p))
			require.ErrorIs(t, err, presets.ErrIdentityMismatch, "%s %+v", name, p)
			var ie *presets.IdentityError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, u.ID, ie.JumpCloud.ID)
			assert.Contains(t, err.Error(), u.Email)
			assert.Equal(t, presets.StatusFailed, res.Status)
			assert.Zero(t, writes(e.jsrv.Calls()), "an identity mismatch sends no write")
		}
	}
	// The alternate email is the person too, and the check can be turned off.
	_, err := e.jc.Users.Update(t.Context(), u.ID, &jumpcloud.UserUpdateRequest{AlternateEmail: jumpcloud.Ptr("ada.alt@example.org")})
	require.NoError(t, err)
	res, err := presets.ExpirePassword(t.Context(), e.jc, u.ID, presets.ForPerson(presets.Person{Email: "Ada.Alt@Example.org"}))
	require.NoError(t, err)
	assert.NotEqual(t, presets.StatusFailed, res.Status)
	res, err = presets.DeleteUser(t.Context(), e.jc, u.ID, presets.ForPerson(presets.Person{Email: other.Email}), presets.WithoutIdentityCheck())
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
}

func TestRefusalsSendNothing(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	valid := e.users[0].ID
	actions := map[string]func(id string, opts ...presets.Option) (*presets.Result, error){
		"delete": func(id string, o ...presets.Option) (*presets.Result, error) {
			return presets.DeleteUser(t.Context(), e.jc, id, o...)
		},
		"unlock": func(id string, o ...presets.Option) (*presets.Result, error) {
			return presets.UnlockUser(t.Context(), e.jc, id, o...)
		},
		"expire": func(id string, o ...presets.Option) (*presets.Result, error) {
			return presets.ExpirePassword(t.Context(), e.jc, id, o...)
		},
		"role": func(id string, o ...presets.Option) (*presets.Result, error) {
			return presets.UserRole(t.Context(), e.jc, id, o...)
		},
	}
	for name, act := range actions {
		for _, id := range []string{"", "../../api/organizations", strings.ToUpper(valid), valid[:23], valid + "0", " " + valid, "5f0c1b2a3d4e5f6a7b8c9d0/"} {
			res, err := act(id)
			require.ErrorIs(t, err, presets.ErrInvalidInput, "%s %q", name, id)
			var ie *presets.InputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, "jump_cloud_user_id", ie.Field)
			assert.Contains(t, err.Error(), "jump_cloud_user_id")
			assert.Equal(t, presets.StatusFailed, res.Status)
		}
		// A dry run renders the request and sends nothing.
		res, err := act(valid, presets.DryRun())
		require.NoError(t, err)
		assert.Equal(t, presets.StatusDryRun, res.Status)
		assert.False(t, res.Request.Sent)
		assert.Contains(t, res.Request.Path, valid)
	}
	for _, tc := range []struct {
		in   presets.CreateUserInput
		want string
	}{
		{presets.CreateUserInput{Email: "a@example.com", Firstname: "A", Lastname: "B"}, "username is missing"},
		{presets.CreateUserInput{Username: "a", Firstname: "A", Lastname: "B"}, "email is missing"},
		{presets.CreateUserInput{Username: "a", Email: "not-an-email", Firstname: "A", Lastname: "B"}, `email is "not-an-email"`},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Lastname: "B"}, "firstname is missing"},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Firstname: "A"}, "lastname is missing"},
		{presets.CreateUserInput{Username: "a\nb", Email: "a@example.com", Firstname: "A", Lastname: "B"}, "without control characters"},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Firstname: "A", Lastname: "B", Body: map[string]any{"jobTitel": "CTO"}},
			`Body field "jobTitel" is not a writable systemuser field (did you mean "jobTitle"?)`},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Firstname: "A", Lastname: "B", Body: map[string]any{"password_expired": true}},
			`Body field "password_expired" is read-only`},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Firstname: "A", Lastname: "B", Body: map[string]any{"_id": "x"}},
			`Body field "_id" is read-only`},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Firstname: "A", Lastname: "B", Body: map[string]any{"sudo": "yes"}},
			`Body field "sudo": a JSON string cannot be a boolean`},
		{presets.CreateUserInput{Username: "a", Email: "a@example.com", Firstname: "A", Lastname: "B", Body: map[string]any{"email": "b@example.com"}},
			`Body field "email" is set by CreateUserInput.Email`},
	} {
		res, err := presets.CreateUser(t.Context(), e.jc, tc.in)
		require.ErrorIs(t, err, presets.ErrInvalidInput, tc.want)
		assert.ErrorContains(t, err, tc.want)
		assert.Equal(t, presets.StatusFailed, res.Status)
	}
	assert.Zero(t, total(e.jsrv.Calls()), "refusals and dry runs send no JumpCloud request")
}

func TestCreateUser(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	in := presets.CreateUserInput{Username: "grace.hopper", Email: "Grace.Hopper@Example.com", Firstname: "Grace", Lastname: "Hopper",
		Body: map[string]any{"jobTitle": "Rear Admiral", "sudo": false, "password": "s3cret-Passw0rd!", "attributes": []any{map[string]any{"name": "team", "value": "navy"}}}}
	res, err := presets.CreateUser(t.Context(), e.jc, in, presets.DryRun())
	require.NoError(t, err)
	assert.Equal(t, presets.StatusDryRun, res.Status)
	assert.Equal(t, "[redacted]", res.Request.Body["password"], "a password never shows")
	assert.Equal(t, "Rear Admiral", res.Request.Body["jobTitle"])
	assert.Zero(t, total(e.jsrv.Calls()))

	res, err = presets.CreateUser(t.Context(), e.jc, in)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusApplied, res.Status)
	assert.Equal(t, "POST /api/systemusers", res.Request.String())
	assert.True(t, res.Request.Sent)
	got, ok := e.jsrv.User(res.UserID)
	require.True(t, ok)
	assert.Equal(t, "Rear Admiral", got.JobTitle)
	assert.False(t, got.Sudo)
	out, _ := json.Marshal(res)
	assert.NotContains(t, string(out), "s3cret")

	// The same username and email: linked, not duplicated.
	e.jsrv.ResetCalls()
	again, err := presets.CreateUser(t.Context(), e.jc, in)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, again.Status)
	assert.Equal(t, res.UserID, again.UserID)
	assert.Zero(t, writes(e.jsrv.Calls()))

	// The same username with another email belongs to someone else.
	in.Email = "grace@elsewhere.example"
	_, err = presets.CreateUser(t.Context(), e.jc, in)
	require.ErrorIs(t, err, jumpcloud.ErrConflict)
	var ce *presets.ConflictError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, res.UserID, ce.Existing.ID)
	assert.ErrorContains(t, err, res.UserID)

	// Another username with a taken email: the conflict names the holder.
	in = presets.CreateUserInput{Username: "ghopper", Email: "Grace.Hopper@Example.com", Firstname: "Grace", Lastname: "Hopper"}
	_, err = presets.CreateUser(t.Context(), e.jc, in)
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "email", ce.Field)
	assert.Equal(t, res.UserID, ce.Existing.ID)
	assert.Equal(t, 3, e.jsrv.Len())
}

func TestCreateUserUnderLostResponses(t *testing.T) {
	e := newEnv(t, 2, envOpts{})
	require.NoError(t, e.jsrv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop, jumpcloudtest.FaultCommitThenDrop))
	in := presets.CreateUserInput{Username: "alan.turing", Email: "alan@example.com", Firstname: "Alan", Lastname: "Turing"}
	res, err := presets.CreateUser(t.Context(), e.jc, in)
	require.NoError(t, err)
	assert.NotEqual(t, presets.StatusFailed, res.Status)
	assert.Equal(t, 3, e.jsrv.Len(), "exactly one user made")
	res2, err := presets.CreateUser(t.Context(), e.jc, in)
	require.NoError(t, err)
	assert.Equal(t, presets.StatusNoOp, res2.Status)
	assert.Equal(t, res.UserID, res2.UserID)
	assert.Equal(t, 3, e.jsrv.Len())
}

func TestUserRole(t *testing.T) {
	for _, noAdminProp := range []bool{false, true} {
		var opts envOpts
		if noAdminProp {
			opts.jc = []jumpcloudtest.Option{jumpcloudtest.WithoutAdminProperty()}
		}
		e := newEnv(t, 3, opts)
		admin, plain := e.users[0], e.users[1]
		e.jsrv.AddAdmin(&jumpcloud.Admin{Email: strings.ToUpper(admin.Email), Firstname: "A", Lastname: "B", RoleName: "Help Desk"})
		e.jsrv.ResetCalls()
		res, err := presets.UserRole(t.Context(), e.jc, admin.ID)
		require.NoError(t, err)
		assert.Equal(t, "Help Desk", res.Role)
		assert.Equal(t, presets.StatusApplied, res.Status)
		if noAdminProp {
			assert.Equal(t, "role from the administrator with this email (GET /api/users)", res.Reason)
			assert.Equal(t, 1, e.jsrv.Calls()["GET /api/users"], "found through GET /api/users")
		} else {
			assert.Equal(t, "role from admin.roleName", res.Reason)
			assert.Zero(t, e.jsrv.Calls()["GET /api/users"], "the admin property answers without another request")
		}
		res, err = presets.UserRole(t.Context(), e.jc, plain.ID)
		require.NoError(t, err)
		assert.Equal(t, presets.DefaultRole, res.Role)
		assert.Zero(t, writes(e.jsrv.Calls()))
	}
	e := newEnv(t, 1, envOpts{})
	_, err := presets.UserRole(t.Context(), e.jc, "0123456789abcdef01234567")
	assert.True(t, errors.Is(err, jumpcloud.ErrNotFound), "%v", err)
}
