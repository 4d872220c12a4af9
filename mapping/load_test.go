package mapping_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
)

const exampleYAML = `name: jumpcloud-users
mode: users
preference: create_and_update
sync_keys: [jump_cloud_user_id, email]
role: 25
filter: 'state == "ACTIVATED" && !suspended'
fields:
  - {from: _id, to: jump_cloud_user_id}
  - {from: email, to: [username, email], transform: [trim, lower], required: true}
  - {from: firstname, to: first_name}
  - {from: jobTitle, to: position}
  - {from: password_expiration_date, to: password_expiration_date, transform: [epoch]}
  - {expr: 'firstname + " " + lastname', to: full_name}
  - {from: $sync.time, to: connector_sync_time}
  - {value: "JumpCloud", to: external_id}
  - {from: state, to: address, transform: [{map: {table: {ACTIVATED: Active}, default: Other}}, {default: n/a}], default: none}
`

func TestLoadDesignExample(t *testing.T) {
	m, err := mapping.Load(strings.NewReader(exampleYAML))
	require.NoError(t, err)
	assert.Equal(t, "jumpcloud-users", m.Name)
	assert.Equal(t, mapping.ModeUsers, m.Mode)
	assert.Equal(t, []string{"jump_cloud_user_id", "email"}, m.SyncKeys)
	assert.Equal(t, 25, m.Role)
	assert.Equal(t, `state == "ACTIVATED" && !suspended`, m.Filter)
	require.Len(t, m.Fields, 9)
	assert.Equal(t, mapping.Field{From: "email", To: []string{"username", "email"}, Transform: []mapping.Transform{{Name: "trim"}, {Name: "lower"}}, Required: true}, m.Fields[1])
	assert.Equal(t, `firstname + " " + lastname`, m.Fields[5].Expr)
	assert.Equal(t, "JumpCloud", m.Fields[7].Value)
	assert.Equal(t, []mapping.Transform{
		{Name: "map", Args: map[string]any{"table": map[string]any{"ACTIVATED": "Active"}, "default": "Other"}},
		{Name: "default", Args: map[string]any{"value": "n/a"}},
	}, m.Fields[8].Transform)
	assert.Equal(t, "none", m.Fields[8].Default)
}

func TestLoadJSON(t *testing.T) {
	m, err := mapping.Load(strings.NewReader(`{"name": "j", "sync_keys": ["email"], "role": 25,
	  "fields": [{"from": "email", "to": ["username", "email"], "transform": ["trim", {"regex_replace": {"pattern": "x", "replace": "y"}}]}]}`))
	require.NoError(t, err)
	assert.Equal(t, "j", m.Name)
	assert.Equal(t, mapping.Transform{Name: "regex_replace", Args: map[string]any{"pattern": "x", "replace": "y"}}, m.Fields[0].Transform[1])
}

// TestLoadStrictErrors checks the exact text, with line and column.
func TestLoadStrictErrors(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"unknown top key", "name: x\nsynckeys: [email]\n", []string{`2:1: synckeys: unknown key "synckeys" (did you mean "sync_keys"?); expected one of name, kind, mode, preference, sync_keys, role, filter, fields`}},
		{"unknown field key", "fields:\n  - {from: email, too: email}\n", []string{`2:19: fields[0].too: unknown key "too" (did you mean "to"?); expected one of from, fallback, value, expr, to, transform, default, required`}},
		{"duplicate key", "name: a\nrole: 1\nname: b\n", []string{`3:1: name: duplicate key "name" (first set at line 1, column 1)`}},
		{"duplicate in field", "fields:\n  - from: email\n    to: email\n    from: _id\n", []string{`4:5: fields[0].from: duplicate key "from" (first set at line 2, column 5)`}},
		{"role not int", "role: admin\n", []string{`1:7: role: expected an Oomnitza role id (an integer), got the string "admin"`}},
		{"name not string", "name: [a]\n", []string{`1:7: name: expected a string, got a list`}},
		{"required not bool", "fields:\n  - {from: email, to: email, required: yes please}\n", []string{`2:40: fields[0].required: expected true or false, got the string "yes please"`}},
		{"fields not list", "fields: {from: email}\n", []string{`1:9: fields: expected a list of field rules, got a mapping`}},
		{"to not strings", "fields:\n  - {from: email, to: [1, email]}\n", []string{`2:24: fields[0].to[0]: expected a string, got the integer 1`}},
		{"value null", "fields:\n  - {value: null, to: x}\n", []string{`2:13: fields[0].value: a constant value must not be null; leave the field out to clear it`}},
		{"value object", "fields:\n  - {value: {a: 1}, to: x}\n", []string{`2:13: fields[0].value: expected a constant (string, number, boolean or null), got a mapping`}},
		{"unknown transform arg", "fields:\n  - {from: state, to: x, transform: [{map: {tabel: {}}}]}\n", []string{`2:45: fields[0].transform[0].map.tabel: unknown key "tabel" (did you mean "table"?); expected one of table, default`}},
		{"unknown transform", "fields:\n  - {from: state, to: x, transform: [{shout: 1}]}\n", []string{`2:39: fields[0].transform[0]: unknown transform "shout"; known: trim, lower, upper, title, split_email, first_word, last_word, epoch, date, yes_no, map, regex_replace, default, lookup`}},
		{"transform without args", "fields:\n  - {from: state, to: x, transform: [{trim: 1}]}\n", []string{`2:39: fields[0].transform[0]: transform trim takes no arguments; write it as a plain name`}},
		{"not a mapping", "- a\n- b\n", []string{`1:1: expected a mapping with keys name, kind, mode, preference, sync_keys, role, filter, fields, got a list`}},
		{"syntax", "name: [a\n", []string{`1: not valid YAML or JSON: line 1: did not find expected ',' or ']'`}},
		{"tab indent", "name: a\n\tmode: users\n", []string{`2: not valid YAML or JSON: line 2: found a tab character that violates indentation`}},
		{"several at once", "name: 1\nrole: x\nmood: happy\n", []string{
			`1:7: name: expected a string, got the integer 1`,
			`2:7: role: expected an Oomnitza role id (an integer), got the string "x"`,
			`3:1: mood: unknown key "mood"; expected one of name, kind, mode, preference, sync_keys, role, filter, fields`}},
		{"empty", "", []string{`the file is empty; expected a mapping with name, sync_keys and fields`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mapping.Load(strings.NewReader(tc.in))
			var le *mapping.LoadError
			require.True(t, errors.As(err, &le), "got %v", err)
			got := make([]string, len(le.Problems))
			for i, p := range le.Problems {
				got[i] = p.String()
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLoadFileNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte("name: a\nrole: x\n"), 0o600))
	_, err := mapping.LoadFile(path)
	assert.EqualError(t, err, "mapping: "+path+`:2:7: role: expected an Oomnitza role id (an integer), got the string "x"`)
	_, err = mapping.LoadFile(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.ErrorContains(t, err, "no such file")
}

func TestYAMLRoundTrip(t *testing.T) {
	for _, m := range []*mapping.Mapping{mapping.Standard(), mapping.Standard().WithRole(25), mustLoad(t, exampleYAML)} {
		b, err := m.YAML()
		require.NoError(t, err)
		back, err := mapping.Load(bytes.NewReader(b))
		require.NoError(t, err, string(b))
		assert.Equal(t, m.Clone().Fields, back.Fields, string(b))
		again, err := back.YAML()
		require.NoError(t, err)
		assert.Equal(t, string(b), string(again))
		assert.Equal(t, []any{m.Name, m.Mode, m.Preference, m.SyncKeys, m.Role, m.Filter},
			[]any{back.Name, back.Mode, back.Preference, back.SyncKeys, back.Role, back.Filter})
	}
}

func mustLoad(t *testing.T, s string) *mapping.Mapping {
	t.Helper()
	m, err := mapping.Load(strings.NewReader(s))
	require.NoError(t, err)
	return m
}

func FuzzLoad(f *testing.F) {
	f.Add(exampleYAML)
	f.Add(`{"name":"x","fields":[{"from":"email","to":["username"]}]}`)
	f.Add("fields:\n  - {from: a, transform: [{map: {table: {a: b}}}]}\n")
	f.Add("a: &x [1]\nb: *x\n")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := mapping.Load(strings.NewReader(s))
		if err != nil {
			var le *mapping.LoadError
			if !errors.As(err, &le) || len(le.Problems) == 0 {
				t.Fatalf("error is not a *LoadError with problems: %v", err)
			}
			return
		}
		_ = m.Validate(standardSchema())
		if c, err := m.Compile(standardSchema()); err == nil {
			_, _ = c.Apply(mapping.Record{"email": "a@b.c", "_id": "x"})
		}
	})
}
