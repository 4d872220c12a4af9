package jumpcloudtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

func TestUpdateRules(t *testing.T) {
	srv := NewServer(WithDefaultState(jumpcloud.StateStaged))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := t.Context()
	a, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "a", Email: "a@example.com"})
	require.NoError(t, err)
	assert.Equal(t, jumpcloud.StateStaged, a.State, "the organisation's default state applies")
	_, err = c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "b", Email: "b@example.com"})
	require.NoError(t, err)

	_, err = c.Users.Update(ctx, a.ID, &jumpcloud.UserUpdateRequest{Username: jumpcloud.Ptr("B")})
	assert.ErrorIs(t, err, jumpcloud.ErrConflict, "usernames are unique, case-insensitively")
	_, err = c.Users.Update(ctx, a.ID, &jumpcloud.UserUpdateRequest{Email: jumpcloud.Ptr("b@example.com")})
	assert.ErrorIs(t, err, jumpcloud.ErrConflict)

	u, err := c.Users.Update(ctx, a.ID, &jumpcloud.UserUpdateRequest{AccountLocked: jumpcloud.Ptr(true)})
	require.NoError(t, err)
	assert.False(t, u.AccountLockedDate.IsZero())
	require.NoError(t, c.Users.ExpirePassword(ctx, a.ID))
	u, err = c.Users.Update(ctx, a.ID, &jumpcloud.UserUpdateRequest{Password: jumpcloud.Ptr(jumpcloud.Password("N3w-secret!")), AccountLocked: jumpcloud.Ptr(false)})
	require.NoError(t, err)
	assert.False(t, u.PasswordExpired, "a new password clears the expiry")
	assert.True(t, u.AccountLockedDate.IsZero())
	assert.False(t, u.PasswordDate.IsZero())

	u, err = c.Users.Update(ctx, a.ID, &jumpcloud.UserUpdateRequest{Attributes: []jumpcloud.Attribute{{Name: "k", Value: "v"}}, Company: jumpcloud.Ptr("")})
	require.NoError(t, err)
	v, ok := u.Attribute("k")
	assert.True(t, ok)
	assert.Equal(t, "v", v)
	u, err = c.Users.Update(ctx, a.ID, &jumpcloud.UserUpdateRequest{Attributes: []jumpcloud.Attribute{}})
	require.NoError(t, err)
	assert.Empty(t, u.Attributes, "an empty list clears")

	stored, ok := srv.User(a.ID)
	require.True(t, ok)
	assert.Equal(t, a.ID, stored.ID)
	_, ok = srv.User("ffffffffffffffffffffffff")
	assert.False(t, ok)

	srv.AddAdmin(&jumpcloud.Admin{Email: "a@example.com", RoleName: "Read Only"})
	u, err = c.Users.Get(ctx, a.ID)
	require.NoError(t, err)
	require.NotNil(t, u.Admin)
	assert.Equal(t, "Read Only", u.Admin.RoleName)
	assert.Equal(t, DefaultOrgID, srv.OrgID())
}
