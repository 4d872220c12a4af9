package mapping_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
)

const hintsYAML = `name: hints
role: 25
sync_keys: [jumpcloud_user_id, email]
fields:
  - {from: _id, to: jump_cloud_user_id}
  - {from: email, to: [username, email], transform: [trim, lower]}
  - {from: jobTitle, to: postion, transform: [trimm]}
  - {from: created, to: creation_date}
  - {from: state, to: start_date}
  - {from: firstname, to: first_name, transform: titel}
`

// Every issue names its field and its place in the file, and a typo gets
// the nearest existing name instead of an invitation to create a field.
func TestValidateIssuesNameTheFieldThePlaceAndTheNearestName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hints.yaml")
	require.NoError(t, os.WriteFile(path, []byte(hintsYAML), 0o600))
	m, err := mapping.LoadFile(path)
	require.NoError(t, err)
	schema := standardSchema()
	schema.Add(mapping.TargetField{ExternalID: "start_date", Label: "Start Date", Type: mapping.TypeDateTime})
	ve := issuesOf(t, m.WithRole(25), schema)

	want := []mapping.Issue{
		{Rule: "fields[2].transform[0]", Field: "jobTitle -> postion", Line: 7, Column: 47,
			Problem: `unknown transform "trimm" (did you mean "trim"?)`, Fix: "use trim"},
		{Rule: "fields[2].to", Field: "jobTitle -> postion", Line: 7, Column: 26,
			Problem: `target field "postion" does not exist in Oomnitza (did you mean "position", labelled "Position"?)`,
			Fix:     "use position, or create the field in Oomnitza if postion is really a different one"},
		{Rule: "fields[3].to", Field: "created -> creation_date", Line: 8, Column: 25,
			Problem: "creation_date (Creation Date) is not editable in Oomnitza: writes to it are refused (unless sent with Oomnitza-Ignore-Meta-Restriction), so every record would fail",
			Fix:     "map the value to an editable field (create a custom field if needed), or drop the rule"},
		{Rule: "fields[4].to", Field: "state -> start_date", Line: 9, Column: 23,
			Problem: "state is string in JumpCloud but start_date (Start Date) is datetime in Oomnitza; no value of it converts",
			Fix:     "add a transform (e.g. yes_no, date, epoch) or choose a target of a compatible type"},
		{Rule: "fields[5].transform", Field: "firstname -> first_name", Line: 10, Column: 50,
			Problem: `unknown transform "titel" (did you mean "title"?)`, Fix: "use title"},
		{Rule: "sync_keys[0]", Field: "jumpcloud_user_id", Line: 3, Column: 13,
			Problem: `sync key "jumpcloud_user_id" is not mapped by any field`, Fix: "add a field rule with to: jumpcloud_user_id"},
		{Rule: "sync_keys[0]", Field: "jumpcloud_user_id", Line: 3, Column: 13,
			Problem: `sync key "jumpcloud_user_id" does not exist in Oomnitza (did you mean "jump_cloud_user_id", labelled "JumpCloud User Id"?)`,
			Fix:     "use jump_cloud_user_id, or create the field in Oomnitza if jumpcloud_user_id is really a different one"},
	}
	for i := range want {
		want[i].File = path
	}
	assert.Equal(t, want, ve)

	err = m.Validate(schema)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, `  - `+path+`:7:47: fields[2].transform[0] (jobTitle -> postion): unknown transform "trimm" (did you mean "trim"?) (fix: use trim)`, lines[1])
}

// A mapping built in Go has no file positions; issues still name fields.
func TestValidateIssuesOfAMappingBuiltInGo(t *testing.T) {
	m := mapping.Standard().WithRole(25)
	m.Fields[5].To = []string{"postion"}
	issues := issuesOf(t, m, standardSchema())
	require.Len(t, issues, 1)
	assert.Equal(t, "jobTitle -> postion", issues[0].Field)
	assert.Zero(t, issues[0].Line)
	assert.Equal(t, `fields[5].to (jobTitle -> postion): target field "postion" does not exist in Oomnitza (did you mean "position", labelled "Position"?) (fix: use position, or create the field in Oomnitza if postion is really a different one)`, issues[0].String())
}

// Smart Mapping never suggests a field the mapping could not write.
func TestSuggestSkipsReadOnlyTargets(t *testing.T) {
	for _, s := range mapping.Suggest(mapping.JumpCloudUserFields(), standardTargets()) {
		assert.NotContains(t, []string{"creation_date", "change_date", "user_id", "uid", "last_login_date"}, s.Target.ExternalID, s)
	}
}
