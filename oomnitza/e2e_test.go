package oomnitza_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

var fastBackoff = oomnitza.WithBackoff(time.Millisecond, 10*time.Millisecond)

func fakeClient(t *testing.T, srvOpts []oomnitzatest.Option, opts ...oomnitza.Option) (*oomnitzatest.Server, *oomnitza.Client) {
	t.Helper()
	srv := oomnitzatest.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	require.NoError(t, srv.Err())
	c, err := srv.Client(append([]oomnitza.Option{fastBackoff}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

func withJC() []oomnitzatest.Option {
	return []oomnitzatest.Option{oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "cost_center", Label: "Cost Center", Type: oomnitzatest.TypeInteger}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "department", Label: "Department", Type: oomnitzatest.TypeString, Dropdown: []string{"IT", "Sales"}}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "start_date", Label: "Start Date", Type: oomnitzatest.TypeDate}),
	}
}

func TestEndToEndUsers(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	ctx := t.Context()

	u, err := c.Users.Create(ctx, oomnitza.Record{"username": "ada@example.com", "email": "ada@example.com",
		"first_name": "Ada", "role": 25, "jump_cloud_user_id": "65a1b2c3d4e5f60718293a4b", "cost_center": 42,
		"department": "IT", "start_date": "2024-05-01T00:00:00Z"})
	require.NoError(t, err)
	assert.NotEmpty(t, u.UserID)
	assert.Equal(t, "Ada", u.FirstName)
	assert.Equal(t, 25, u.Role)
	assert.False(t, u.CreationDate.IsZero())
	assert.Equal(t, "65a1b2c3d4e5f60718293a4b", u.CustomString("jump_cloud_user_id"))
	assert.Equal(t, json.Number("42"), u.Custom["cost_center"])
	assert.Equal(t, json.Number("1714521600"), u.Custom["start_date"])

	got, err := c.Users.Get(ctx, u.UserID)
	require.NoError(t, err)
	assert.Equal(t, u, got)

	upd, err := c.Users.Update(ctx, u.UserID, oomnitza.Record{"position": "CTO", "suspended": true})
	require.NoError(t, err)
	assert.Equal(t, "CTO", upd.Position)
	assert.True(t, upd.Suspended)

	byName, err := c.Users.GetByUsername(ctx, "ada@example.com")
	require.NoError(t, err)
	assert.Equal(t, u.UserID, byName.UserID)
	byEmail, err := c.Users.GetByEmail(ctx, "ada@example.com")
	require.NoError(t, err)
	assert.Equal(t, u.UserID, byEmail.UserID)

	require.NoError(t, c.Users.Delete(ctx, u.UserID))
	_, err = c.Users.Get(ctx, u.UserID)
	require.ErrorIs(t, err, oomnitza.ErrNotFound)
	require.ErrorIs(t, c.Users.Delete(ctx, u.UserID), oomnitza.ErrNotFound)
	assert.Equal(t, 0, srv.Len())
	assert.Equal(t, 1, srv.Calls()["POST /api/v3/users"])
}

func TestDeleteAccepts204(t *testing.T) {
	srv, c := fakeClient(t, []oomnitzatest.Option{oomnitzatest.WithDeleteStatus(204)})
	u, err := c.Users.Create(t.Context(), oomnitza.Record{"username": "x@example.com", "role": 1})
	require.NoError(t, err)
	require.NoError(t, c.Users.Delete(t.Context(), u.UserID))
	assert.Zero(t, srv.Len())
}

func TestCustomFieldsSurviveReadModifyWrite(t *testing.T) {
	_, c := fakeClient(t, withJC())
	ctx := t.Context()
	u, err := c.Users.Create(ctx, oomnitza.Record{"username": "bob@example.com", "role": 25,
		"jump_cloud_user_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "cost_center": 9007199254740993, "department": "Sales"})
	require.NoError(t, err)
	before, err := c.Users.Get(ctx, u.UserID)
	require.NoError(t, err)

	// Read -> modify one field -> write back everything the way a sync would.
	rec := oomnitza.Record{}
	for k, v := range before.Custom {
		rec[k] = v
	}
	rec["first_name"] = "Bob"
	after, err := c.Users.Update(ctx, u.UserID, rec)
	require.NoError(t, err)
	assert.Equal(t, "Bob", after.FirstName)
	assert.Equal(t, before.Custom, after.Custom, "custom fields unchanged, int64 precision kept")
	assert.Equal(t, json.Number("9007199254740993"), after.Custom["cost_center"])

	// A JSON round trip of the client type loses nothing.
	b, err := json.Marshal(after)
	require.NoError(t, err)
	var back oomnitza.User
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, after.Custom, back.Custom)
	b2, err := json.Marshal(&back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}

func TestUniqueFieldsAreEnforced(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	ctx := t.Context()
	_, err := c.Users.Create(ctx, oomnitza.Record{"username": "a@example.com", "email": "a@example.com", "role": 25, "jump_cloud_user_id": "j1"})
	require.NoError(t, err)
	cases := []oomnitza.Record{
		{"username": "A@Example.com", "role": 25},
		{"username": "b@example.com", "email": "a@example.com", "role": 25},
		{"username": "c@example.com", "role": 25, "jump_cloud_user_id": "j1"},
	}
	for _, rec := range cases {
		_, err := c.Users.Create(ctx, rec)
		require.Error(t, err)
		var e *oomnitza.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 400, e.StatusCode)
		assert.Contains(t, e.Message, "already exists; the field must be unique")
		assert.ErrorIs(t, err, oomnitza.ErrConflict)
	}
	assert.Equal(t, 1, srv.Len(), "nothing written")

	second, err := c.Users.Create(ctx, oomnitza.Record{"username": "d@example.com", "role": 25})
	require.NoError(t, err)
	_, err = c.Users.Update(ctx, second.UserID, oomnitza.Record{"jump_cloud_user_id": "j1"})
	require.ErrorIs(t, err, oomnitza.ErrConflict)
}

func TestWriteValidationByTheFake(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	ctx := t.Context()
	cases := map[string]struct {
		rec  oomnitza.Record
		want string
	}{
		"unknown field":  {oomnitza.Record{"username": "u@example.com", "role": 25, "shoe_size": 44}, "shoe_size: unknown field"},
		"unknown role":   {oomnitza.Record{"username": "u@example.com", "role": 99}, "role: 99 is not a role of this instance"},
		"missing role":   {oomnitza.Record{"username": "u@example.com"}, "role: is mandatory"},
		"wrong type":     {oomnitza.Record{"username": "u@example.com", "role": "admin"}, "role: expected an integer, got a string"},
		"bad dropdown":   {oomnitza.Record{"username": "u@example.com", "role": 25, "department": "Legal"}, `department: "Legal" is not one of the dropdown values`},
		"bad date":       {oomnitza.Record{"username": "u@example.com", "role": 25, "start_date": "next tuesday"}, "is neither Unix seconds nor ISO 8601"},
		"bool not str":   {oomnitza.Record{"username": "u@example.com", "role": 25, "suspended": "yes"}, "suspended: expected true or false"},
		"empty username": {oomnitza.Record{"username": " ", "role": 25}, "username is empty"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.Users.Create(ctx, tc.rec)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.Zero(t, srv.Len())

	lenient, err := srv.Client(oomnitza.WithAllowUnknownMetaFields(true))
	require.NoError(t, err)
	u, err := lenient.Users.Create(ctx, oomnitza.Record{"username": "u@example.com", "role": 25, "shoe_size": 44})
	require.NoError(t, err)
	assert.NotContains(t, u.Custom, "shoe_size", "unknown fields are ignored with the header")
}

func TestFields(t *testing.T) {
	_, c := fakeClient(t, withJC())
	fields, err := c.Users.Fields(t.Context())
	require.NoError(t, err)
	byID := map[string]oomnitza.Field{}
	for _, f := range fields {
		byID[f.ExternalID] = f
	}
	jc := byID["jump_cloud_user_id"]
	assert.Equal(t, "JumpCloud User Id", jc.Label)
	assert.True(t, jc.Unique)
	assert.Equal(t, "string", jc.DataType)
	assert.True(t, byID["username"].Mandatory)
	assert.True(t, byID["role"].Mandatory)
	assert.False(t, byID["user_id"].Editable)
	assert.Equal(t, []oomnitza.DropdownValue{{Key: "IT", Value: "IT"}, {Key: "Sales", Value: "Sales"}}, byID["department"].Dropdown)
	assert.Equal(t, "date", byID["start_date"].DataType)
}

func TestListOptionsOnTheFake(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	ctx := t.Context()
	for i := range 25 {
		_, err := srv.AddRecord(oomnitza.Record{"username": fmt.Sprintf("user%02d@example.com", i), "email": fmt.Sprintf("user%02d@example.com", i),
			"role": 25, "cost_center": i % 5, "first_name": fmt.Sprintf("N%02d", i), "suspended": i%4 == 0})
		require.NoError(t, err)
	}
	page, err := c.Users.List(ctx, &oomnitza.ListOptions{Limit: 5, Skip: 5, Sort: "-username", Fields: []string{"username", "cost_center"}})
	require.NoError(t, err)
	assert.Equal(t, 25, page.Total)
	require.Len(t, page.Users, 5)
	assert.Equal(t, "user19@example.com", page.Users[0].Username)
	assert.Empty(t, page.Users[0].FirstName, "fields limits the reply")
	assert.NotEmpty(t, page.Users[0].UserID)

	var n int
	for u, err := range c.Users.All(ctx, &oomnitza.ListOptions{Limit: 4, Filter: oomnitza.And(oomnitza.Eq("suspended", true), oomnitza.Gte("cost_center", 2))}) {
		require.NoError(t, err)
		assert.True(t, u.Suspended)
		n++
	}
	assert.Equal(t, 4, n) // suspended: 0,4,8,...,24; cost_center i%5 >= 2: users 4, 8, 12 and 24

	page, err = c.Users.List(ctx, &oomnitza.ListOptions{Filter: oomnitza.Or(oomnitza.Like("username", "user1%"), oomnitza.In("first_name", "N00", "N24"))})
	require.NoError(t, err)
	assert.Equal(t, 12, page.Total)

	_, err = c.Users.List(ctx, &oomnitza.ListOptions{Filter: oomnitza.Eq("shoe_size", 44)})
	var e *oomnitza.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.StatusCode)
	assert.Equal(t, `filter: unknown field "shoe_size"`, e.Message)
}

func TestAllIteratorSemantics(t *testing.T) {
	srv, c := fakeClient(t, nil)
	for i := range 95 {
		_, err := srv.AddRecord(oomnitza.Record{"username": fmt.Sprintf("u%03d", i), "role": 25})
		require.NoError(t, err)
	}
	ctx := t.Context()
	opts := &oomnitza.ListOptions{Limit: 10}
	seq := c.Users.All(ctx, opts)
	var a, b []string
	for u, err := range seq {
		require.NoError(t, err)
		a = append(a, u.Username)
	}
	for u, err := range seq {
		require.NoError(t, err)
		b = append(b, u.Username)
	}
	assert.Len(t, a, 95)
	assert.Equal(t, a, b, "re-iterable")
	assert.Equal(t, &oomnitza.ListOptions{Limit: 10}, opts)

	srv.ResetCalls()
	n := 0
	for _, err := range c.Users.All(ctx, opts) {
		require.NoError(t, err)
		if n++; n == 15 {
			break
		}
	}
	assert.Equal(t, 2, srv.Calls()["GET /api/v3/users"])

	srv.Inject("GET /api/v3/users", oomnitzatest.FaultNone, oomnitzatest.Fault500)
	var got, errs int
	for _, err := range c.Users.All(ctx, opts) {
		if err != nil {
			errs++
			continue
		}
		got++
	}
	assert.Equal(t, 10, got)
	assert.Equal(t, 1, errs)

	conc := *opts
	conc.Concurrency = 4
	var c4 []string
	for u, err := range c.Users.All(ctx, &conc) {
		require.NoError(t, err)
		c4 = append(c4, u.Username)
	}
	assert.Equal(t, a, c4, "concurrent pages keep order")
}

func TestCreateNeverDuplicatesOnLostResponses(t *testing.T) {
	srv, c := fakeClient(t, nil, oomnitza.WithRetries(3))
	for i := range 12 {
		if i%2 == 0 {
			srv.Inject("POST /api/v3/users", oomnitzatest.FaultCommitThenDrop)
		} else if i%3 == 0 {
			srv.Inject("POST /api/v3/users", oomnitzatest.Fault503)
		}
		u, err := c.Users.Create(t.Context(), oomnitza.Record{"username": fmt.Sprintf("p%02d@example.com", i), "role": 25})
		require.NoError(t, err, "create %d", i)
		assert.Equal(t, fmt.Sprintf("p%02d@example.com", i), u.Username)
	}
	assert.Equal(t, 12, srv.Len())
}

func TestEndToEndSaaS(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	ctx := t.Context()
	u, err := c.Users.Create(ctx, oomnitza.Record{"username": "ada@example.com", "email": "ada@example.com", "full_name": "Ada L", "role": 25})
	require.NoError(t, err)

	app, err := c.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: "JumpCloud", URL: "https://console.jumpcloud.com"})
	require.NoError(t, err)
	require.Positive(t, app.SaaSID)
	_, err = c.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: "jumpcloud"})
	require.ErrorIs(t, err, oomnitza.ErrConflict)

	list, err := c.SaaS.List(ctx, &oomnitza.ListOptions{Filter: oomnitza.Eq("saas_name", "JumpCloud")})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, app.SaaSID, list[0].SaaSID)
	got, err := c.SaaS.Get(ctx, app.SaaSID)
	require.NoError(t, err)
	assert.Equal(t, "https://console.jumpcloud.com", got.URL)
	upd, err := c.SaaS.Update(ctx, app.SaaSID, oomnitza.Record{"category": "Identity"})
	require.NoError(t, err)
	assert.Equal(t, "Identity", upd.Category)

	err = c.SaaS.SetUserExternalID(ctx, app.SaaSID, u.UserID, "65a1b2c3d4e5f60718293a4b")
	var ie *oomnitza.ItemError
	require.ErrorAs(t, err, &ie, "not assigned yet")
	assert.Contains(t, ie.Error(), "user is not assigned to this SaaS")

	require.NoError(t, c.SaaS.AssignUsers(ctx, app.SaaSID, oomnitza.Assignment{UserID: u.UserID, Assign: true}))
	require.NoError(t, c.SaaS.SetUserExternalID(ctx, app.SaaSID, u.UserID, "65a1b2c3d4e5f60718293a4b"))
	role, err := c.SaaS.CreateRole(ctx, app.SaaSID, "User")
	require.NoError(t, err)
	assert.Equal(t, "User", role.RoleExternalLabel)
	require.NoError(t, c.SaaS.SetUserRoles(ctx, app.SaaSID, u.UserID, oomnitza.RoleRef{ExternalID: "Administrator", Label: "Administrator"}))
	roles, err := c.SaaS.Roles(ctx, app.SaaSID)
	require.NoError(t, err)
	require.Len(t, roles, 2)
	assert.Equal(t, 1, roles[1].UsersCount)

	users := saasUsers(t, c.SaaS.Users(ctx, app.SaaSID))
	require.Len(t, users, 1)
	su := users[0]
	assert.Equal(t, u.UserID, su.UserID)
	assert.Equal(t, "65a1b2c3d4e5f60718293a4b", su.UserExternalID)
	assert.Equal(t, "Administrator", su.Roles.RoleExternalLabel)
	require.NotEmpty(t, su.SaaSUserID)

	require.NoError(t, c.SaaSUsers.Deactivate(ctx, su.SaaSUserID))
	active, ok := srv.SaaSUserActive(su.SaaSUserID)
	assert.True(t, ok)
	assert.False(t, active)
	require.NoError(t, c.SaaSUsers.Activate(ctx, su.SaaSUserID))
	active, _ = srv.SaaSUserActive(su.SaaSUserID)
	assert.True(t, active)
	err = c.SaaSUsers.Activate(ctx, su.SaaSUserID, "nope")
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, map[string]string{"nope": "SaaS user not found"}, ie.Failures)

	require.NoError(t, c.SaaS.AssignUsers(ctx, app.SaaSID, oomnitza.Assignment{UserID: u.UserID, Assign: false}))
	users = saasUsers(t, c.SaaS.Users(ctx, app.SaaSID))
	assert.Empty(t, users)
	_, err = c.SaaS.Get(ctx, 999)
	assert.True(t, errors.Is(err, oomnitza.ErrNotFound))
}
