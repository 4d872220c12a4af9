package oomnitza_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

// oomnitza.User, StandardUserFields and the fake's metadata agree.
func TestStandardFieldsMatchTheUserTypeAndTheFake(t *testing.T) {
	std := oomnitza.StandardUserFields()
	var ids []string
	for _, f := range std {
		ids = append(ids, f.ExternalID)
	}
	var tags []string
	typ := reflect.TypeFor[oomnitza.User]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && typ.Field(i).IsExported() {
			tags = append(tags, name)
		}
	}
	assert.ElementsMatch(t, tags, ids, "oomnitza.User fields and StandardUserFields")

	srv, c := fakeClient(t, nil)
	_ = srv
	served, err := c.Users.Fields(t.Context())
	require.NoError(t, err)
	byID := map[string]oomnitza.Field{}
	for _, f := range served {
		byID[f.ExternalID] = f
	}
	require.Len(t, byID, len(std), "the fake serves the standard fields and no others")
	for _, want := range std {
		got, ok := byID[want.ExternalID]
		if !assert.True(t, ok, want.ExternalID) {
			continue
		}
		assert.Equal(t, []any{want.Label, want.DataType, want.Unique, want.Editable, want.Mandatory},
			[]any{got.Label, got.DataType, got.Unique, got.Editable, got.Mandatory}, want.ExternalID)
	}
	assert.Len(t, oomnitzatest.StandardFields(), len(std))
}
