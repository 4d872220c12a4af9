package mapping_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	jcsync "github.com/jcoom/jcoom/sync"
)

// standardSchema is Oomnitza's standard People fields plus the unique
// custom field JumpCloud User Id.
func standardSchema() *mapping.Schema {
	s := jcsync.SchemaFromFields(oomnitza.StandardUserFields())
	s.Add(mapping.TargetField{ExternalID: mapping.JumpCloudIDField, Label: "JumpCloud User Id", Type: mapping.TypeString, Unique: true})
	return s
}

// allSchema adds the jumpcloud_* custom fields of examples/mapping/jumpcloud-all.yaml.
func allSchema() *mapping.Schema {
	s := standardSchema()
	for id, t := range map[string]mapping.FieldType{
		"jumpcloud_account_locked": mapping.TypeBoolean, "jumpcloud_account_locked_date": mapping.TypeDateTime,
		"jumpcloud_activated": mapping.TypeBoolean, "jumpcloud_allow_public_key": mapping.TypeBoolean,
		"jumpcloud_alternate_email": mapping.TypeString, "jumpcloud_company": mapping.TypeString,
		"jumpcloud_connect_credentials": mapping.TypeString, "jumpcloud_connector_sync_time": mapping.TypeDateTime,
		"jumpcloud_created": mapping.TypeDateTime, "jumpcloud_disable_device_max_login_attempts": mapping.TypeBoolean,
		"jumpcloud_employee_type": mapping.TypeString, "jumpcloud_manager": mapping.TypeString,
		"jumpcloud_password_expiration_date": mapping.TypeDateTime, "jumpcloud_password_expired": mapping.TypeBoolean,
		"jumpcloud_state": mapping.TypeString,
	} {
		s.Add(mapping.TargetField{ExternalID: id, Label: id, Type: t})
	}
	return s
}

// standardTargets is Oomnitza's standard People fields as mapping targets.
func standardTargets() []mapping.TargetField {
	return jcsync.SchemaFromFields(oomnitza.StandardUserFields()).Fields()
}

// toRecord turns a JumpCloud user into the source record a mapping reads.
func toRecord(t testing.TB, u *jumpcloud.User) mapping.Record {
	t.Helper()
	r, err := u.Record()
	require.NoError(t, err)
	return r
}

// standardSchemaOnly is Oomnitza's standard People fields alone.
func standardSchemaOnly() *mapping.Schema {
	return jcsync.SchemaFromFields(oomnitza.StandardUserFields())
}
