package oomnitza_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func TestCreateNeverClaimsAPreExistingUser(t *testing.T) {
	srv, c := fakeClient(t, withJC())
	theirs, err := srv.AddRecord(oomnitza.Record{"username": "ada@example.com", "email": "ada@example.com", "first_name": "Ada", "last_name": "Other", "role": 25})
	require.NoError(t, err)
	srv.Inject("POST /api/v3/users", oomnitzatest.Fault503)

	u, err := c.Users.Create(t.Context(), oomnitza.Record{"username": "ada@example.com", "email": "ada@example.com",
		"first_name": "Ada", "last_name": "Lovelace", "role": 25})
	require.Error(t, err)
	assert.Nil(t, u)
	assert.ErrorIs(t, err, oomnitza.ErrConflict)
	var ex *oomnitza.ExistingRecordError
	require.True(t, errors.As(err, &ex))
	assert.Equal(t, theirs, ex.ID)
	assert.Contains(t, err.Error(), `last_name is "Other", not "Lovelace"`)
	assert.Equal(t, 1, srv.Len())
	assert.Equal(t, 1, srv.Calls()["POST /api/v3/users"])
}
