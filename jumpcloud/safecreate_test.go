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

// A PUT whose replies keep getting lost says it may have been applied and
// how many attempts it took.
func TestLostUpdateReplyIsATypedOutcomeUnknown(t *testing.T) {
	srv, c := fakeClient(t, nil, jumpcloud.WithRetries(2))
	id := srv.AddUser(&jumpcloud.User{Username: "ada", Email: "ada@example.com"})
	srv.Inject("PUT /api/systemusers/{id}", jumpcloudtest.FaultReset, jumpcloudtest.FaultReset, jumpcloudtest.FaultReset)
	_, err := c.Users.Update(t.Context(), id, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("CTO")})
	var rq *jumpcloud.RequestError
	require.True(t, errors.As(err, &rq), "got %T: %v", err, err)
	assert.Equal(t, 3, rq.Attempts)
	assert.ErrorIs(t, err, jumpcloud.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "jumpcloud: PUT /api/systemusers/"+id+": after 3 attempts: ")
}

func TestGetByEmailAgainstTheFakeIgnoresCase(t *testing.T) {
	srv, c := fakeClient(t, nil)
	id := srv.AddUser(&jumpcloud.User{Username: "ada", Email: "ada@example.com"})
	u, err := c.Users.GetByEmail(t.Context(), " Ada@Example.COM")
	require.NoError(t, err)
	assert.Equal(t, id, u.ID)
	_, err = c.Users.GetByEmail(t.Context(), "nobody@example.com")
	assert.ErrorIs(t, err, jumpcloud.ErrNotFound)
}
