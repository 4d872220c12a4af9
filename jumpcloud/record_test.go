package jumpcloud_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

// zeroUserJSON has every systemuser field at its zero value (false, "",
// 0, null, empty lists and objects) plus members the SDK does not model.
const zeroUserJSON = `{"_id":"` + userID + `","username":"zero","email":"","account_locked":false,
"account_locked_date":null,"activated":false,"addresses":[],"admin":null,"allow_public_key":false,
"alternateEmail":"","attributes":[],"badLoginAttempts":0,"company":"","costCenter":"","created":null,
"creationSource":"","delegatedAuthority":null,"department":"","description":"","disableDeviceMaxLoginAttempts":false,
"displayname":"","employeeIdentifier":null,"employeeType":"","enable_managed_uid":false,
"enable_user_portal_multifactor":false,"external_dn":"","external_password_expiration_date":null,
"external_source_type":"","externally_managed":false,"firstname":"","jobTitle":"","lastname":"",
"ldap_binding_user":false,"location":"","managedAppleId":"","manager":null,
"mfa":{"configured":false,"exclusion":false,"exclusionDays":0,"exclusionUntil":null},
"mfaEnrollment":{"overallStatus":"","pushStatus":"","totpStatus":"","webAuthnStatus":""},
"middlename":"","organization":"","password_date":null,"password_expiration_date":null,
"password_expired":false,"password_never_expires":false,"passwordless_sudo":false,"phoneNumbers":[],
"public_key":"","recoveryEmail":{"address":"","verified":false,"verifiedAt":null},"relationships":[],
"restrictedFields":[],"samba_service_user":false,"ssh_keys":[],"state":"STAGED","sudo":false,
"suspended":false,"tags":[],"totp_enabled":false,"unix_guid":0,"unix_uid":0,
"unmodelled":{"flag":false,"n":0,"s":"","z":null}}`

func TestUserRecordIsTheWireFieldByField(t *testing.T) {
	c, mock := mockClient(t)
	expect(mock, "GET", "/api/systemusers/"+userID, 200, zeroUserJSON)
	u, err := c.Users.Get(t.Context(), userID)
	require.NoError(t, err)

	var want map[string]any
	require.NoError(t, json.Unmarshal([]byte(zeroUserJSON), &want))
	got, err := u.Record()
	require.NoError(t, err)
	require.Len(t, got, len(want), "every member, none added or dropped")
	for k, v := range want {
		g, ok := got[k]
		if assert.True(t, ok, "member %q is present", k) {
			assert.Equal(t, v, g, "member %q", k)
		}
	}
	assert.Equal(t, false, got["recoveryEmail"].(map[string]any)["verified"], "false survives")
	assert.Nil(t, got["manager"])
	assert.Contains(t, got, "manager", "null is present, not absent")
	assert.Equal(t, map[string]any{"flag": false, "n": 0.0, "s": "", "z": nil}, got["unmodelled"])

	// Each call returns a map of its own.
	got["email"] = "changed"
	again, err := u.Record()
	require.NoError(t, err)
	assert.Equal(t, "", again["email"])
	assert.JSONEq(t, zeroUserJSON, string(u.Raw()))
}

func TestUserRecordOfAUserBuiltInCode(t *testing.T) {
	u := &jumpcloud.User{ID: userID, Username: "ada", RecoveryEmail: &jumpcloud.RecoveryEmail{Address: "a@x.io", Verified: false}}
	assert.Nil(t, u.Raw())
	rec, err := u.Record()
	require.NoError(t, err)
	assert.Equal(t, "ada", rec["username"])
	assert.Equal(t, false, rec["suspended"])
	assert.Equal(t, map[string]any{"address": "a@x.io", "verified": false, "verifiedAt": nil}, rec["recoveryEmail"])
}
