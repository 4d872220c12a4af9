package mapping_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
)

func issuesOf(t *testing.T, m *mapping.Mapping, s *mapping.Schema) []mapping.Issue {
	t.Helper()
	err := m.Validate(s)
	if err == nil {
		return nil
	}
	var ve *mapping.ValidationError
	require.True(t, errors.As(err, &ve), "want *ValidationError, got %T", err)
	return ve.Issues
}

// rpf is an issue's rule, problem and fix: what the draft-rule table checks.
type rpf struct{ Rule, Problem, Fix string }

func project(issues []mapping.Issue) []rpf {
	var out []rpf
	for _, i := range issues {
		out = append(out, rpf{i.Rule, i.Problem, i.Fix})
	}
	return out
}

func TestStandardIsADraftUntilARoleIsChosen(t *testing.T) {
	issues := issuesOf(t, mapping.Standard(), standardSchema())
	assert.Equal(t, []mapping.Issue{{
		Rule:    "role",
		Problem: "no Oomnitza role is set; Oomnitza requires a role for every user",
		Fix:     "set role to a role id of your instance (e.g. role: 25), or map a field to role",
		Field:   "role",
	}}, issues)
	assert.NoError(t, mapping.Standard().WithRole(25).Validate(standardSchema()))
	_, err := mapping.Standard().Compile(standardSchema())
	require.Error(t, err, "a draft cannot run")
	assert.EqualError(t, err, `mapping "jumpcloud-users" is a draft: 1 problem(s)
  - role: no Oomnitza role is set; Oomnitza requires a role for every user (fix: set role to a role id of your instance (e.g. role: 25), or map a field to role)`)
}

func TestMissingJumpCloudIDFieldSaysWhatToCreate(t *testing.T) {
	s := standardSchemaOnly()
	issues := issuesOf(t, mapping.Standard().WithRole(25), s)
	assert.Equal(t, []mapping.Issue{
		{Rule: "fields[0].to", Problem: `target field "jump_cloud_user_id" does not exist in Oomnitza`, Field: "_id -> jump_cloud_user_id",
			Fix: `in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "JumpCloud User Id" of type Short Text, with Unique checked (sync keys must be unique) whose external id is jump_cloud_user_id; Oomnitza's API cannot create fields`},
		{Rule: "sync_keys[0]", Problem: `sync key "jump_cloud_user_id" does not exist in Oomnitza`, Field: "jump_cloud_user_id",
			Fix: `in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "JumpCloud User Id" of type Short Text, with Unique checked (sync keys must be unique) whose external id is jump_cloud_user_id; Oomnitza's API cannot create fields`},
	}, issues)
}

// TestDraftRules has one case per draft rule, with the exact text users read.
func TestDraftRules(t *testing.T) {
	base := func() *mapping.Mapping { return mapping.Standard().WithRole(25) }
	cases := []struct {
		name   string
		change func(m *mapping.Mapping)
		want   []rpf
	}{
		{"no name", func(m *mapping.Mapping) { m.Name = " " }, []rpf{
			{"name", "the mapping has no name", "set name, e.g. name: jumpcloud-users"}}},
		{"bad mode", func(m *mapping.Mapping) { m.Mode = "everything" }, []rpf{
			{"mode", `"everything" is not a mode`, "use users or users_and_saas"}}},
		{"both create only and update only", func(m *mapping.Mapping) { m.Preference = "create_only,update_only" }, []rpf{
			{"preference", `"create_only,update_only" is not a preference`, "use create_and_update, create_only or update_only (create only and update only cannot both be set)"}}},
		{"filter does not compile", func(m *mapping.Mapping) { m.Filter = `state ==` }, []rpf{
			{"filter", "the expression does not compile: unexpected token EOF (1:8) | state == | .......^", `write an expr-lang boolean expression over the JumpCloud user, e.g. state == "ACTIVATED" && !suspended`}}},
		{"username not mapped", func(m *mapping.Mapping) { m.Fields[1].To = []string{"email"} }, []rpf{
			{"fields", "nothing is mapped to username", "map Email to both username and email: {from: email, to: [username, email], transform: [trim, lower], required: true}"}}},
		{"email not mapped", func(m *mapping.Mapping) { m.Fields[1].To = []string{"username"}; m.SyncKeys = m.SyncKeys[:1] }, []rpf{
			{"fields", "nothing is mapped to email", "map Email to both username and email: {from: email, to: [username, email], transform: [trim, lower], required: true}"}}},
		{"no role", func(m *mapping.Mapping) { m.Role = 0 }, []rpf{
			{"role", "no Oomnitza role is set; Oomnitza requires a role for every user", "set role to a role id of your instance (e.g. role: 25), or map a field to role"}}},
		{"negative role", func(m *mapping.Mapping) { m.Role = -3 }, []rpf{
			{"role", "role -3 is not a role id", "use a positive Oomnitza role id"}}},
		{"no sync key", func(m *mapping.Mapping) { m.SyncKeys = nil }, []rpf{
			{"sync_keys", "no sync key is set", "list one or more unique fields, primary first, e.g. sync_keys: [jump_cloud_user_id, email]"}}},
		{"sync key twice", func(m *mapping.Mapping) { m.SyncKeys = []string{"email", "email"} }, []rpf{
			{"sync_keys[1]", `sync key "email" is listed twice`, "list each key once"}}},
		{"sync key not mapped", func(m *mapping.Mapping) { m.SyncKeys = []string{"external_id"} }, []rpf{
			{"sync_keys[0]", `sync key "external_id" is not mapped by any field`, "add a field rule with to: external_id"},
			{"sync_keys[0]", `sync key "external_id" (External ID) is not a unique field in Oomnitza`, `check Unique on the field "External ID" in Oomnitza, or choose a unique field as sync key`}}},
		{"sync key not unique", func(m *mapping.Mapping) { m.SyncKeys = []string{"first_name"} }, []rpf{
			{"sync_keys[0]", `sync key "first_name" (First Name) is not a unique field in Oomnitza`, `check Unique on the field "First Name" in Oomnitza, or choose a unique field as sync key`}}},
		{"target written twice", func(m *mapping.Mapping) {
			m.Fields = append(m.Fields, mapping.Field{From: "lastname", To: []string{"full_name"}})
		}, []rpf{
			{"fields[7].to", "full_name is written twice (also by fields[4])", "map each Oomnitza field from one rule only"}}},
		{"unknown transform", func(m *mapping.Mapping) { m.Fields[2].Transform = []mapping.Transform{mapping.T("shout")} }, []rpf{
			{"fields[2].transform[0]", `unknown transform "shout"`,
				"use one of: trim, lower, upper, title, split_email, first_word, last_word, epoch, date, yes_no, map, regex_replace, default, lookup"}}},
		{"bad transform argument", func(m *mapping.Mapping) {
			m.Fields[2].Transform = []mapping.Transform{{Name: "regex_replace", Args: map[string]any{"pattern": "(", "replace": "x"}}}
		}, []rpf{
			{"fields[2].transform[0]", "transform regex_replace: pattern \"(\" does not compile: error parsing regexp: missing closing ): `(`",
				"correct the arguments of regex_replace"}}},
		{"expression does not compile", func(m *mapping.Mapping) { m.Fields[4] = mapping.Field{Expr: `firstname + `, To: []string{"full_name"}} }, []rpf{
			{"fields[4].expr", "the expression does not compile: unexpected token EOF (1:12) | firstname + | ...........^", `fix the expr-lang expression, e.g. firstname + " " + lastname`}}},
		{"misspelt source path", func(m *mapping.Mapping) { m.Fields[5].From = "job_title" }, []rpf{
			{"fields[5].from", `"job_title" is not a JumpCloud user field (did you mean "jobTitle"?)`, "use jobTitle"}}},
		{"unknown source path", func(m *mapping.Mapping) { m.Fields[5].From = "zodiac_sign" }, []rpf{
			{"fields[5].from", `"zodiac_sign" is not a JumpCloud user field`, "use a path from mapping.JumpCloudUserFields() (e.g. email, jobTitle, attributes.<name>) or $sync.time / $sync.credential"}}},
		{"no source", func(m *mapping.Mapping) { m.Fields[5].From = "" }, []rpf{
			{"fields[5]", "the rule has no source", "set one of from (a JumpCloud field), value (a constant) or expr (an expression)"}}},
		{"two sources", func(m *mapping.Mapping) { m.Fields[5].Value = "x" }, []rpf{
			{"fields[5]", "the rule has more than one source", "keep only one of from, value and expr"}}},
		{"no target", func(m *mapping.Mapping) { m.Fields[5].To = nil }, []rpf{
			{"fields[5].to", "the rule has no target", "set to: the Oomnitza field external id(s) to write"}}},
		{"bad target id", func(m *mapping.Mapping) { m.Fields[5].To = []string{"Job Title"} }, []rpf{
			{"fields[5].to", `"Job Title" is not an Oomnitza external id`, "external ids are lower-case letters, digits and _, e.g. first_name"}}},
		{"missing target field", func(m *mapping.Mapping) {
			m.Fields = append(m.Fields, mapping.Field{From: "account_locked", To: []string{"jumpcloud_account_locked"}})
		}, []rpf{
			{"fields[7].to", `target field "jumpcloud_account_locked" does not exist in Oomnitza`, `in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "Jumpcloud Account Locked" of type Checkbox whose external id is jumpcloud_account_locked; Oomnitza's API cannot create fields`}}},
		{"incompatible types", func(m *mapping.Mapping) { m.Fields[6].From = "created" }, []rpf{
			{"fields[6].to", "created is date in JumpCloud but suspended (Suspended) is boolean in Oomnitza; no value of it converts", "add a transform (e.g. yes_no, date, epoch) or choose a target of a compatible type"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			tc.change(m)
			assert.Equal(t, tc.want, project(issuesOf(t, m, standardSchema())))
		})
	}
}

func TestValidateListsEverythingAtOnce(t *testing.T) {
	m := &mapping.Mapping{Fields: []mapping.Field{{From: "nope", To: []string{"Bad"}}}}
	issues := issuesOf(t, m, standardSchema())
	rules := make([]string, len(issues))
	for i, is := range issues {
		rules[i] = is.Rule
	}
	assert.Equal(t, []string{"name", "fields[0].from", "fields[0].to", "fields", "fields", "role", "sync_keys"}, rules)
}

func TestValidateWithoutSchemaSkipsTargetChecks(t *testing.T) {
	assert.NoError(t, mapping.Standard().WithRole(25).Validate(nil))
}
