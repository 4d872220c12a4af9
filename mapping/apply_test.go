package mapping_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func TestStandardOnGeneratedUsers(t *testing.T) {
	c, err := mapping.Standard().WithRole(25).Compile(standardSchema())
	require.NoError(t, err)
	for _, u := range jumpcloudtest.GenerateUsers(200, 3) {
		src := toRecord(t, u)
		src["email"] = "  " + strings.ToUpper(u.Email) + " " // JumpCloud data is not always tidy
		got, err := c.Apply(src)
		require.NoError(t, err, u.Username)
		assert.Equal(t, mapping.Record{
			"jump_cloud_user_id": u.ID, "username": u.Email, "email": u.Email,
			"first_name": u.Firstname, "last_name": u.Lastname, "full_name": u.Displayname,
			"position": u.JobTitle, "suspended": u.Suspended, "role": int64(25),
		}, got)
		again, err := c.Apply(src)
		require.NoError(t, err)
		assert.Equal(t, got, again, "applying twice gives equal records")
	}
	assert.ElementsMatch(t, []string{"jump_cloud_user_id", "username", "email", "first_name", "last_name", "full_name", "position", "suspended", "role"}, c.Targets())
}

func TestRequiredAndDefault(t *testing.T) {
	c, err := mapping.Standard().WithRole(25).Compile(standardSchema())
	require.NoError(t, err)
	_, err = c.Apply(mapping.Record{"_id": "65a1b2c3d4e5f60718293a4b", "email": "   "})
	assert.EqualError(t, err, "mapping: fields[1] (email -> username, email): required value is empty")
	_, err = c.Apply(mapping.Record{})
	assert.EqualError(t, err, "mapping: fields[0] (_id -> jump_cloud_user_id): required value is empty; fields[1] (email -> username, email): required value is empty")

	got, err := applyOne(t, mapping.Field{From: "department", Default: "Unassigned"}, mapping.TypeString, mapping.Record{})
	require.NoError(t, err)
	assert.Equal(t, "Unassigned", got)
}

func TestCustomAttributesNestedPathsAndRunFacts(t *testing.T) {
	src := mapping.Record{"attributes": []any{map[string]any{"name": "costCenter", "value": "CC-42"}},
		"mfa": map[string]any{"configured": true}, "addresses": []any{map[string]any{"locality": "Lagos"}},
		"firstname": "Ada", "lastname": "Lovelace"}
	at := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	run := mapping.WithRun(mapping.RunInfo{Time: at, Credential: "JumpCloud production key"})
	for _, tc := range []struct {
		f    mapping.Field
		t    mapping.FieldType
		want any
	}{
		{mapping.Field{From: "attributes.costCenter"}, mapping.TypeString, "CC-42"},
		{mapping.Field{From: "attributes.missing"}, mapping.TypeString, nil},
		{mapping.Field{From: "mfa.configured"}, mapping.TypeBoolean, true},
		{mapping.Field{From: "addresses.0.locality"}, mapping.TypeString, "Lagos"},
		{mapping.Field{From: mapping.SourceSyncTime}, mapping.TypeDateTime, at.Unix()},
		{mapping.Field{From: mapping.SourceSyncCredential}, mapping.TypeString, "JumpCloud production key"},
		{mapping.Field{Expr: `firstname + " " + lastname`}, mapping.TypeString, "Ada Lovelace"},
		{mapping.Field{Expr: `sync_credential + " @ " + string(sync_time.Year())`}, mapping.TypeString, "JumpCloud production key @ 2026"},
		{mapping.Field{Value: 7}, mapping.TypeInteger, int64(7)},
	} {
		got, err := applyOne(t, tc.f, tc.t, src, run)
		require.NoError(t, err, "%+v", tc.f)
		assert.Equal(t, tc.want, got, "%+v", tc.f)
	}
}

func TestFilterMatch(t *testing.T) {
	m := mapping.Standard().WithRole(25)
	m.Filter = `state == "ACTIVATED" && !suspended`
	c, err := m.Compile(standardSchema())
	require.NoError(t, err)
	for _, tc := range []struct {
		src  mapping.Record
		want bool
	}{
		{mapping.Record{"state": "ACTIVATED", "suspended": false}, true},
		{mapping.Record{"state": "SUSPENDED", "suspended": true}, false},
		{mapping.Record{"state": "STAGED", "suspended": false}, false},
	} {
		ok, err := c.Match(tc.src)
		require.NoError(t, err)
		assert.Equal(t, tc.want, ok, "%v", tc.src)
	}
	_, err = c.Match(mapping.Record{"state": "ACTIVATED", "suspended": "no"})
	assert.ErrorContains(t, err, "mapping: filter:")

	all, err := mapping.Standard().WithRole(25).Compile(standardSchema())
	require.NoError(t, err)
	ok, err := all.Match(nil)
	assert.True(t, ok)
	assert.NoError(t, err)
}

func TestApplyConvertsAndChecksDropdowns(t *testing.T) {
	m := mapping.Standard().WithRole(25)
	m.Fields = append(m.Fields, mapping.Field{From: "department", To: []string{"dept"}}, mapping.Field{From: "unix_uid", To: []string{"badge"}})
	s := standardSchema()
	s.Add(mapping.TargetField{ExternalID: "dept", Type: mapping.TypeString, Dropdown: []string{"IT", "Sales"}})
	s.Add(mapping.TargetField{ExternalID: "badge", Type: mapping.TypeInteger})
	c, err := m.Compile(s)
	require.NoError(t, err)
	rec, err := c.Apply(mapping.Record{"_id": "x", "email": "a@b.c", "department": "IT", "unix_uid": 5001.0})
	require.NoError(t, err)
	assert.Equal(t, int64(5001), rec["badge"])
	_, err = c.Apply(mapping.Record{"_id": "x", "email": "a@b.c", "department": "Legal", "unix_uid": 1.5})
	assert.EqualError(t, err, `mapping: fields[7] (department -> dept): dept: the string "Legal" is not one of the dropdown values of dept; fields[8] (unix_uid -> badge): badge: cannot convert the number 1.5 to integer: it has a fraction or is too large`)
}

func TestJumpCloudAllExample(t *testing.T) {
	m, err := mapping.LoadFile("../examples/mapping/jumpcloud-all.yaml")
	require.NoError(t, err)
	labels := map[string]bool{}
	for _, sf := range mapping.JumpCloudUserFields() {
		if !sf.Integration {
			continue
		}
		for _, f := range m.Fields {
			if f.From == sf.Path {
				labels[sf.Label] = true
			}
		}
	}
	assert.Len(t, labels, 22, "every field of the JumpCloud integration is mapped")

	// Without the custom fields, Validate says what to create.
	err = m.Validate(standardSchema())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `../examples/mapping/jumpcloud-all.yaml:23:32: fields[7].to (account_locked -> jumpcloud_account_locked): target field "jumpcloud_account_locked" does not exist in Oomnitza (fix: in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "Jumpcloud Account Locked" of type Checkbox`)
	assert.Contains(t, err.Error(), `"jumpcloud_connector_sync_time" does not exist in Oomnitza (fix: in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "Jumpcloud Connector Sync Time" of type DateTime`)

	users := jumpcloudtest.GenerateUsers(50, 9)
	emails := map[string]string{}
	for _, u := range users {
		emails[u.ID] = u.Email
	}
	at := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	c, err := m.Compile(allSchema(), mapping.WithRun(mapping.RunInfo{Time: at, Credential: "JumpCloud (prod)"}),
		mapping.WithLookup("manager_email", func(id string) (any, bool) { e, ok := emails[id]; return e, ok }))
	require.NoError(t, err)
	withManager := 0
	for _, u := range users {
		rec, err := c.Apply(toRecord(t, u))
		require.NoError(t, err)
		assert.Len(t, rec, 24)
		assert.Equal(t, "JumpCloud (prod)", rec["jumpcloud_connect_credentials"])
		assert.Equal(t, at.Unix(), rec["jumpcloud_connector_sync_time"])
		assert.Equal(t, u.Created.Unix(), rec["jumpcloud_created"])
		assert.Equal(t, string(u.State), rec["jumpcloud_state"])
		assert.Equal(t, u.PasswordExpired, rec["jumpcloud_password_expired"])
		if u.Manager != "" {
			withManager++
			assert.Equal(t, emails[u.Manager], rec["jumpcloud_manager"], "the manager's email, not the raw id")
			assert.Contains(t, rec["jumpcloud_manager"], "@")
		}
	}
	assert.Positive(t, withManager)
}

// TestEqualAfterRoundTrip writes mapped values of every target type to the
// Oomnitza fake, reads them back and checks Equal.
func TestEqualAfterRoundTrip(t *testing.T) {
	srv := oomnitzatest.NewServer(
		oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_count", Type: oomnitzatest.TypeInteger}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_ratio", Type: oomnitzatest.TypeDecimal}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_flag", Type: oomnitzatest.TypeBoolean}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_day", Type: oomnitzatest.TypeDate}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_when", Type: oomnitzatest.TypeDateTime}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_text", Type: oomnitzatest.TypeString}),
	)
	defer srv.Close()
	oc, err := srv.Client()
	require.NoError(t, err)
	fields, err := oc.Users.Fields(t.Context())
	require.NoError(t, err)
	schema := mapping.NewSchema()
	for _, f := range fields {
		schema.Add(mapping.TargetField{ExternalID: f.ExternalID, Label: f.Label, Type: mapping.ParseFieldType(f.DataType), Unique: f.Unique, Mandatory: f.Mandatory})
	}
	m := mapping.Standard().WithRole(25)
	m.Fields = append(m.Fields,
		mapping.Field{From: "unix_uid", To: []string{"jc_count"}},
		mapping.Field{Expr: "unix_uid / 7.0", To: []string{"jc_ratio"}},
		mapping.Field{From: "account_locked", To: []string{"jc_flag"}},
		mapping.Field{From: "created", To: []string{"jc_day"}},
		mapping.Field{From: "password_expiration_date", To: []string{"jc_when"}},
		mapping.Field{From: "company", To: []string{"jc_text"}, Transform: []mapping.Transform{mapping.T("upper")}},
	)
	c, err := m.Compile(schema)
	require.NoError(t, err)
	for i, u := range jumpcloudtest.GenerateUsers(30, 4) {
		rec, err := c.Apply(toRecord(t, u))
		require.NoError(t, err)
		written, err := oc.Users.Create(t.Context(), oomnitza.Record(rec))
		require.NoError(t, err, "user %d", i)
		back, err := oc.Users.Get(t.Context(), written.UserID)
		require.NoError(t, err)
		for field, v := range rec {
			got, ok := back.Field(field)
			require.True(t, ok, field)
			assert.True(t, c.Equal(field, v, got), "%s: wrote %#v, read %#v", field, v, got)
		}
		// Values that differ are not Equal.
		assert.False(t, c.Equal("jc_count", rec["jc_count"], fmt.Sprint(rec["jc_count"].(int64)+1)))
	}
}

func TestEqualTable(t *testing.T) {
	s := mapping.NewSchema(
		mapping.TargetField{ExternalID: "n", Type: mapping.TypeInteger}, mapping.TargetField{ExternalID: "d", Type: mapping.TypeDecimal},
		mapping.TargetField{ExternalID: "b", Type: mapping.TypeBoolean}, mapping.TargetField{ExternalID: "day", Type: mapping.TypeDate},
		mapping.TargetField{ExternalID: "s", Type: mapping.TypeString})
	m := &mapping.Mapping{Name: "t", SyncKeys: []string{"username"}, Role: 1, Fields: []mapping.Field{
		{From: "email", To: []string{"username", "email"}}, {From: "unix_uid", To: []string{"n"}}, {From: "unix_guid", To: []string{"d"}},
		{From: "sudo", To: []string{"b"}}, {From: "created", To: []string{"day"}}, {From: "company", To: []string{"s"}}}}
	s.Add(mapping.TargetField{ExternalID: "username", Unique: true})
	s.Add(mapping.TargetField{ExternalID: "email"})
	c, err := m.Compile(s)
	require.NoError(t, err)
	for _, tc := range []struct {
		f    string
		a, b any
		want bool
	}{
		{"n", int64(5), "5", true}, {"n", int64(5), 5.0, true}, {"n", int64(5), int64(6), false},
		{"d", 0.1 + 0.2, 0.3, true}, {"d", 1.0, 1.1, false},
		{"b", true, "true", true}, {"b", false, nil, false}, {"b", nil, nil, true},
		{"day", int64(1714521600), "2024-05-01T13:00:00Z", true}, {"day", int64(1714521600), "2024-05-02", false},
		{"s", "x", "x", true}, {"s", "", nil, true}, {"s", "x", "X", false},
	} {
		assert.Equal(t, tc.want, c.Equal(tc.f, tc.a, tc.b), "%s %#v %#v", tc.f, tc.a, tc.b)
	}
}

func FuzzApply(f *testing.F) {
	f.Add("ada@example.com", "Ada", "2024-05-01T12:00:00Z", true, 3.0)
	f.Add("", "", "", false, -1.5)
	f.Add(" X@Y ", "日本", "not a date", true, 1e300)
	m, err := mapping.LoadFile("../examples/mapping/jumpcloud-all.yaml")
	if err != nil {
		f.Fatal(err)
	}
	c, err := m.Compile(allSchema(), mapping.WithLookup("manager_email", func(id string) (any, bool) { return id + "@x", true }))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, email, name, date string, flag bool, num float64) {
		src := mapping.Record{"_id": name, "email": email, "firstname": name, "created": date, "account_locked": flag,
			"unix_uid": num, "manager": name, "suspended": date, "password_expiration_date": num, "state": flag,
			"attributes": []any{map[string]any{"name": name, "value": num}}}
		rec, err := c.Apply(src)
		if err == nil && rec["username"] == nil {
			t.Fatalf("success without the required username for %#v", src)
		}
	})
}
