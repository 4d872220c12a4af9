package oomnitza_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func TestSaaSTypesAreConsistent(t *testing.T) {
	var roles []oomnitza.SaaSRole
	require.NoError(t, json.Unmarshal([]byte(`[{"role_id":"r1","saas_id":"12"},{"role_id":"r2","saas_id":12}]`), &roles))
	assert.Equal(t, 12, roles[0].SaaSID)
	assert.Equal(t, 12, roles[1].SaaSID)

	var app oomnitza.SaaS
	require.NoError(t, json.Unmarshal([]byte(`{"saas_id":3,"saas_name":"JumpCloud","is_inf":false,"hash":false,
		"changedate":1714521600,"creationdate":"2024-05-01 00:00:00","renewal_date":null}`), &app))
	assert.Equal(t, int64(1714521600), app.ChangeDate.Unix())
	assert.Equal(t, int64(1714521600), app.CreationDate.Unix())
	assert.True(t, app.RenewalDate.IsZero())
	b, err := json.Marshal(app)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Contains(t, m, "is_inf", "false is kept")
	assert.Contains(t, m, "hash")
}

func TestSaaSCreateSendsOnlyWhatTheCallerSet(t *testing.T) {
	c, mock := mockClient(t)
	got := expect(mock, "POST", "/api/v3/saas", 201, `{"saas_id":"7"}`)
	app, err := c.SaaS.Create(t.Context(), &oomnitza.SaaS{SaaSName: "JumpCloud", Category: "IdP"})
	require.NoError(t, err)
	assert.Equal(t, 7, app.SaaSID)
	assert.JSONEq(t, `{"saas_name":"JumpCloud","category":"IdP"}`, got.body)
}

// SaaS users are paged like every other list, lazily and completely.
func TestSaaSUsersArePaged(t *testing.T) {
	srv, c := fakeClient(t, nil)
	ctx := t.Context()
	app, err := c.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: "JumpCloud"})
	require.NoError(t, err)
	var as []oomnitza.Assignment
	for i := range 230 {
		id, err := srv.AddRecord(oomnitza.Record{"username": fmt.Sprintf("u%03d@example.com", i), "role": 25})
		require.NoError(t, err)
		as = append(as, oomnitza.Assignment{UserID: id, Assign: true})
	}
	require.NoError(t, c.SaaS.AssignUsers(ctx, app.SaaSID, as...))
	srv.ResetCalls()
	users := saasUsers(t, c.SaaS.Users(ctx, app.SaaSID))
	assert.Len(t, users, 230)
	assert.Equal(t, 3, srv.Calls()["GET /api/v3/saas/{ident}/users"])
	page, err := c.SaaS.ListUsers(ctx, app.SaaSID, &oomnitza.ListOptions{Limit: 50, Skip: 200})
	require.NoError(t, err)
	assert.Len(t, page.Users, 30)
	assert.Equal(t, 230, page.Total)
}

func TestSaaSEnsureFindsOrCreatesOnce(t *testing.T) {
	srv := oomnitzatest.NewServer()
	defer srv.Close()
	oc, err := srv.Client(oomnitza.WithBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	_, err = oc.SaaS.GetByName(t.Context(), "JumpCloud")
	require.ErrorIs(t, err, oomnitza.ErrNotFound)
	// The create's reply is lost: the look-up after it finds the app.
	require.NoError(t, srv.Inject("POST /api/v3/saas", oomnitzatest.FaultCommitThenDrop))
	app, _, err := oc.SaaS.Ensure(t.Context(), "JumpCloud")
	require.NoError(t, err)
	again, created, err := oc.SaaS.Ensure(t.Context(), "JumpCloud")
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, app.SaaSID, again.SaaSID)
	apps, err := oc.SaaS.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, apps, 1, "one application with the name")
	_, err = oc.SaaS.GetByName(t.Context(), " ")
	assert.Error(t, err)
}
