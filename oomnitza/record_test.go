package oomnitza_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

const zeroOomnitzaUser = `{"user_id":"` + userID + `","uid":0,"username":"zero@x.io","email":"","first_name":"",
"last_name":null,"full_name":"","role":0,"position":"","phone_number":null,"address":"","suspended":false,
"external_id":"","email_subscription":false,"version":"","deleted":null,"creation_date":null,"change_date":0,
"last_login_date":null,"created_by":"","changed_by":"","jump_cloud_user_id":"","cost_center":0,"active":false,"note":null}`

func TestOomnitzaUserRecordAndFieldAreTheWire(t *testing.T) {
	c, mock := mockClient(t)
	expect(mock, "GET", "/api/v3/users/"+userID, 200, zeroOomnitzaUser)
	u, err := c.Users.Get(t.Context(), userID)
	require.NoError(t, err)

	d := json.NewDecoder(bytes.NewReader([]byte(zeroOomnitzaUser)))
	d.UseNumber()
	var want map[string]any
	require.NoError(t, d.Decode(&want))
	rec, err := u.Record()
	require.NoError(t, err)
	require.Len(t, rec, len(want))
	for k, v := range want {
		assert.Equal(t, v, rec[k], "Record()[%q]", k)
		got, ok := u.Field(k)
		assert.True(t, ok, "Field(%q) is present", k)
		assert.Equal(t, v, got, "Field(%q)", k)
	}
	_, ok := u.Field("absent_field")
	assert.False(t, ok)
	// A Record is what writes take: no conversion between the two.
	var write oomnitza.Record = rec
	assert.Equal(t, json.Number("0"), write["role"])
}

func TestOomnitzaFieldOfAUserBuiltInCode(t *testing.T) {
	u := &oomnitza.User{UserID: userID, Username: "ada@x.io", Role: 25, Custom: map[string]any{"jump_cloud_user_id": ""}}
	v, ok := u.Field("role")
	assert.True(t, ok)
	assert.Equal(t, json.Number("25"), v)
	v, ok = u.Field("position")
	assert.True(t, ok)
	assert.Equal(t, "", v)
	v, ok = u.Field("jump_cloud_user_id")
	assert.True(t, ok)
	assert.Equal(t, "", v)
	v, ok = u.Field("creation_date")
	assert.True(t, ok)
	assert.Nil(t, v)
	_, ok = u.Field("nope")
	assert.False(t, ok)
}
