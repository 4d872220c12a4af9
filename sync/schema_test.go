package sync_test

import (
	stdcontext "context"
	"fmt"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// The schema built from a live instance keeps what validation needs:
// types, uniqueness, editability and dropdown values.
func TestFetchSchemaKeepsEditabilityAndDropdowns(t *testing.T) {
	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "department", Label: "Department", Type: oomnitzatest.TypeString, Dropdown: []string{"IT", "Sales"}}))
	defer srv.Close()
	oc, err := srv.Client()
	require.NoError(t, err)
	schema, err := jcsync.FetchSchema(t.Context(), oc.Users)
	require.NoError(t, err)

	dep, ok := schema.Field("department")
	require.True(t, ok)
	assert.Equal(t, []string{"IT", "Sales"}, dep.Dropdown)
	assert.False(t, dep.ReadOnly)
	created, ok := schema.Field("creation_date")
	require.True(t, ok)
	assert.True(t, created.ReadOnly)
	assert.Equal(t, mapping.TypeDateTime, created.Type)
	id, ok := schema.Field("jump_cloud_user_id")
	require.True(t, ok)
	assert.True(t, id.Unique)
	role, _ := schema.Field("role")
	assert.True(t, role.Mandatory)
	assert.Equal(t, mapping.TypeInteger, role.Type)
}

func TestFetchSchemaReportsAFailedRead(t *testing.T) {
	srv := oomnitzatest.NewServer()
	defer srv.Close()
	srv.Inject("GET /api/v3/users/meta", oomnitzatest.Fault500, oomnitzatest.Fault500, oomnitzatest.Fault500,
		oomnitzatest.Fault500, oomnitzatest.Fault500, oomnitzatest.Fault500)
	oc, err := srv.Client()
	require.NoError(t, err)
	_, err = jcsync.FetchSchema(t.Context(), oc.Users)
	assert.ErrorContains(t, err, "sync: reading the Oomnitza fields: ")
}

func ExampleFetchSchema() {
	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	defer srv.Close()
	oc, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	schema, err := jcsync.FetchSchema(stdcontext.Background(), oc.Users)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mapping.Standard().WithRole(25).Validate(schema))
	m := mapping.Standard().WithRole(25)
	m.Fields = append(m.Fields, mapping.Field{From: "created", To: []string{"creation_date"}})
	fmt.Println(m.Validate(schema))
	// Output:
	// <nil>
	// mapping "jumpcloud-users" is a draft: 1 problem(s)
	//   - fields[7].to (created -> creation_date): creation_date (Creation Date) is not editable in Oomnitza: writes to it are refused (unless sent with Oomnitza-Ignore-Meta-Restriction), so every record would fail (fix: map the value to an editable field (create a custom field if needed), or drop the rule)
}
