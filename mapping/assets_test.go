package mapping_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
)

// assetSchema is the v3 Asset schema plus the unique custom field.
func assetSchema(extra ...mapping.TargetField) *mapping.Schema {
	s := mapping.NewSchema()
	for _, id := range []string{"barcode", "serial_number", mapping.JumpCloudSystemIDField} {
		s.Add(mapping.TargetField{ExternalID: id, Label: id, Type: mapping.TypeString, Unique: true})
	}
	for _, id := range []string{"device_name", "operating_system", "manufacturer", "model", "cpu", "assigned_to", "status"} {
		s.Add(mapping.TargetField{ExternalID: id, Label: id, Type: mapping.TypeString})
	}
	for _, f := range extra {
		s.Add(f)
	}
	return s
}

func TestStandardAssetsApplies(t *testing.T) {
	m := mapping.StandardAssets()
	require.NoError(t, m.Validate(assetSchema()))
	people := map[string]string{"65a1b2c3d4e5f60718293a4b": "ada@example.com"}
	cm, err := m.Compile(assetSchema(), mapping.WithLookup(mapping.LookupOomnitzaUsername, func(id string) (any, bool) {
		u, ok := people[id]
		return u, ok
	}))
	require.NoError(t, err)
	sys := mapping.Record{
		"_id": "66b1c2d3e4f5a60718293a4c", "serialNumber": "", "displayName": "", "hostname": "ada-mbp.local",
		"os": "Mac OS X", "version": "15.1", "hwVendor": nil,
		"primarySystemUser": map[string]any{"id": "65a1b2c3d4e5f60718293a4b"},
		"system_info":       map[string]any{"hardware_serial": " C02XYZ ", "hardware_vendor": "Apple Inc.", "hardware_model": "Mac15,6", "cpu_brand": "Apple M3 Pro"},
	}
	out, err := cm.Apply(sys)
	require.NoError(t, err)
	assert.Equal(t, mapping.Record{
		"serial_number": "C02XYZ", mapping.JumpCloudSystemIDField: "66b1c2d3e4f5a60718293a4c", "device_name": "ada-mbp.local",
		"operating_system": "Mac OS X 15.1", "manufacturer": "Apple Inc.", "model": "Mac15,6", "cpu": "Apple M3 Pro", "assigned_to": "ada@example.com",
	}, out, "fallbacks fill empty values; no role on an asset")

	// No serial number anywhere: the record fails on the required rule.
	delete(sys, "system_info")
	_, err = cm.Apply(sys)
	var ae *mapping.ApplyError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, err.Error(), "required value is empty")

	// A bound user without an Oomnitza person: unassigned.
	sys["serialNumber"] = "C02ABC"
	sys["primarySystemUser"] = map[string]any{"id": "65a1b2c3d4e5f60718293a4d"}
	out, err = cm.Apply(sys)
	require.NoError(t, err)
	assert.Nil(t, out["assigned_to"])
	assert.Equal(t, "C02ABC", out["serial_number"])
}

func TestAssetsMappingRoundTripsAndValidates(t *testing.T) {
	m := mapping.StandardAssets()
	b, err := m.YAML()
	require.NoError(t, err)
	assert.Contains(t, string(b), "kind: assets")
	assert.Contains(t, string(b), "fallback: system_info.hardware_serial")
	back, err := mapping.Load(bytes.NewReader(b))
	require.NoError(t, err)
	b2, err := back.YAML()
	require.NoError(t, err)
	assert.Equal(t, string(b), string(b2))
	assert.True(t, back.SyncsAssets())

	bad := mapping.StandardAssets()
	bad.Role = 25
	bad.Mode = mapping.ModeUsersAndSaaS
	bad.Fields = append(bad.Fields,
		mapping.Field{From: "serialnumber", To: []string{"barcode"}},
		mapping.Field{From: "email", To: []string{"status"}},
		mapping.Field{From: "hostname", Fallback: []string{"fde.active"}, To: []string{"notes"}})
	err = bad.Validate(assetSchema(mapping.TargetField{ExternalID: "notes", Type: mapping.TypeString},
		mapping.TargetField{ExternalID: "asset_type", Label: "Asset Type", Type: mapping.TypeString, Mandatory: true}))
	var ve *mapping.ValidationError
	require.ErrorAs(t, err, &ve)
	text := err.Error()
	for _, want := range []string{
		"roles are for People records",
		"users_and_saas is for JumpCloud users",
		`"serialnumber" is not a JumpCloud system field (did you mean "serialNumber"?)`,
		`"email" is not a JumpCloud system field`,
		"a fallback must be of the same type",
		"asset_type (Asset Type) is mandatory",
	} {
		assert.Contains(t, text, want)
	}
	assert.NotContains(t, text, "username", "an assets mapping needs no username")

	// A missing custom field names the Assets data model.
	s := mapping.NewSchema()
	s.Add(mapping.TargetField{ExternalID: "serial_number", Type: mapping.TypeString, Unique: true})
	err = mapping.StandardAssets().Validate(s)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Data Model > Assets and add a custom field labelled "JumpCloud System Id"`)

	// kind is checked; a users mapping is unchanged by it.
	k := mapping.Standard().WithRole(25)
	k.Kind = "devices"
	require.ErrorContains(t, k.Validate(nil), `"devices" is not a kind`)
	require.NoError(t, mapping.Standard().WithRole(25).Validate(nil))
	assert.NotEmpty(t, mapping.JumpCloudSystemFields())
}

func TestSystemCatalogCoversTheSystemType(t *testing.T) {
	paths := map[string]bool{}
	for _, f := range mapping.JumpCloudSystemFields() {
		paths[f.Path] = true
	}
	rt := reflect.TypeFor[jumpcloud.System]()
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		assert.True(t, paths[name], "system field %s is not in the catalog", name)
	}
	for _, table := range jumpcloud.HardwareTables() {
		assert.True(t, paths[table], "table %s is not in the catalog", table)
	}
}
