package oomnitza_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

func TestLookupsFollowOneRule(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	ctx := t.Context()
	id, err := srv.AddRecord(oomnitza.Record{"username": "ada@example.com", "email": "ada@example.com", "role": 25,
		"jump_cloud_user_id": "65a1b2c3d4e5f60718293a4b", "department": "IT"})
	require.NoError(t, err)
	_, err = srv.AddRecord(oomnitza.Record{"username": "bob@example.com", "email": "bob@example.com", "role": 25, "department": "IT"})
	require.NoError(t, err)

	u, err := c.Users.GetByEmail(ctx, "  ADA@example.com ")
	require.NoError(t, err, "emails compare case-insensitively, as for JumpCloud")
	assert.Equal(t, id, u.UserID)

	u, err = c.Users.GetByField(ctx, "jump_cloud_user_id", "65a1b2c3d4e5f60718293a4b")
	require.NoError(t, err)
	assert.Equal(t, id, u.UserID)

	_, err = c.Users.GetByField(ctx, "department", "IT")
	assert.ErrorIs(t, err, oomnitza.ErrMultipleMatches)
	assert.EqualError(t, err, `oomnitza: 2 users have department "IT"; expected one`)

	_, err = c.Users.GetByField(ctx, "jump_cloud_user_id", "000000000000000000000000")
	assert.ErrorIs(t, err, oomnitza.ErrNotFound)
	var me *oomnitza.MatchError
	require.True(t, errors.As(err, &me))
	assert.Zero(t, me.Count)
	var apiErr *oomnitza.Error
	assert.False(t, errors.As(err, &apiErr), "no invented HTTP status")

	_, err = c.Users.GetByField(ctx, "bad field", "x")
	assert.EqualError(t, err, `oomnitza: look up by field: "bad field" is not a field external id`)
}
