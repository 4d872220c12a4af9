package mapping_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
)

// sourceTypeOf is the catalog type a jumpcloud.User field must have.
func sourceTypeOf(t reflect.Type) mapping.SourceType {
	switch {
	case t == reflect.TypeFor[jumpcloud.Timestamp]():
		return mapping.SourceDate
	case t.Kind() == reflect.Bool:
		return mapping.SourceBool
	case t.Kind() == reflect.Int:
		return mapping.SourceInt
	case t.Kind() == reflect.Slice:
		return mapping.SourceList
	case t.Kind() == reflect.Pointer, t.Kind() == reflect.Struct:
		return mapping.SourceObject
	}
	return mapping.SourceString
}

// The source catalog and the client type list the same fields with the
// same types: adding a field to jumpcloud.User without the catalog (or
// the other way round) fails here.
func TestCatalogMatchesTheJumpCloudUserType(t *testing.T) {
	catalog := map[string]mapping.SourceType{}
	for _, f := range mapping.JumpCloudUserFields() {
		if strings.HasPrefix(f.Path, "$") || strings.Contains(f.Path, ".") {
			continue
		}
		catalog[f.Path] = f.Type
	}
	typ := reflect.TypeFor[jumpcloud.User]()
	fields := map[string]mapping.SourceType{}
	for i := range typ.NumField() {
		sf := typ.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		fields[name] = sourceTypeOf(sf.Type)
	}
	assert.Equal(t, fields, catalog)
}

// The fake serves exactly the fields the client models: a generated user
// decodes with nothing left over, and every modelled field is on the wire.
func TestFakeServesTheFieldsTheClientModels(t *testing.T) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(20, 3)...))
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	for u, err := range c.Users.All(t.Context(), nil) {
		require.NoError(t, err)
		assert.Empty(t, u.Extra, "the fake serves a field the client does not model")
		rec, err := u.Record()
		require.NoError(t, err)
		for _, f := range mapping.JumpCloudUserFields() {
			if strings.HasPrefix(f.Path, "$") || strings.Contains(f.Path, ".") {
				continue
			}
			assert.Contains(t, rec, f.Path, "the fake omits %s", f.Path)
		}
	}
}
