package jumpcloud_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

// A proxy answers the first POST 503 (nothing written); the look-up then
// finds a user who existed before the call. Create must not claim them.
func TestCreateNeverClaimsAPreExistingUser(t *testing.T) {
	srv, c := fakeClient(t, nil)
	theirs := srv.AddUser(&jumpcloud.User{Username: "ada", Email: "ada.other@example.com", Firstname: "Ada", Lastname: "Other"})
	srv.Inject("POST /api/systemusers", jumpcloudtest.Fault503)

	u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com", Firstname: "Ada", Lastname: "Lovelace"})
	require.Error(t, err)
	assert.Nil(t, u)
	assert.ErrorIs(t, err, jumpcloud.ErrConflict)
	var ex *jumpcloud.ExistingRecordError
	require.True(t, errors.As(err, &ex))
	assert.Equal(t, theirs, ex.ID)
	assert.Contains(t, err.Error(), theirs)
	assert.Contains(t, err.Error(), `email is "ada.other@example.com", not "ada@example.com"`)
	assert.Equal(t, 1, srv.Len(), "nothing was written")
	assert.Equal(t, 1, srv.Calls()["POST /api/systemusers"], "no second POST")
}

// When the first POST did commit and only its reply was lost, the user
// found is the one sent: success, no duplicate, whatever the email's case.
func TestCreateFindsItsOwnUserAfterALostReply(t *testing.T) {
	srv, c := fakeClient(t, nil)
	srv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop)
	u, err := c.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "ada", Email: "Ada@Example.com", Firstname: "Ada", Lastname: "Lovelace"})
	require.NoError(t, err)
	assert.Equal(t, "ada", u.Username)
	assert.Equal(t, 1, srv.Len())
}
