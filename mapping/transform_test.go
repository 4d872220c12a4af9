package mapping_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
)

// applyOne compiles a one-rule mapping (with the required username/email
// rules) and applies it to src, returning the value written to "out".
func applyOne(t *testing.T, f mapping.Field, outType mapping.FieldType, src mapping.Record, opts ...mapping.CompileOption) (any, error) {
	t.Helper()
	m := mapping.Standard().WithRole(25)
	f.To = []string{"out"}
	m.Fields = append(m.Fields, f)
	s := standardSchema()
	s.Add(mapping.TargetField{ExternalID: "out", Type: outType})
	c, err := m.Compile(s, opts...)
	require.NoError(t, err)
	base := mapping.Record{"_id": "65a1b2c3d4e5f60718293a4b", "email": "a@example.com"}
	for k, v := range src {
		base[k] = v
	}
	rec, err := c.Apply(base)
	if err != nil {
		return nil, err
	}
	return rec["out"], nil
}

func TestTransforms(t *testing.T) {
	tr := func(name string, args ...any) mapping.Transform {
		x := mapping.Transform{Name: name}
		if len(args) > 0 {
			x.Args = map[string]any{}
			for i := 0; i+1 < len(args); i += 2 {
				x.Args[args[i].(string)] = args[i+1]
			}
		}
		return x
	}
	cases := []struct {
		name string
		tr   []mapping.Transform
		in   any
		want any
	}{
		{"trim", []mapping.Transform{tr("trim")}, "  Ada  ", "Ada"},
		{"lower", []mapping.Transform{tr("lower")}, "ADA@Example.COM", "ada@example.com"},
		{"upper", []mapping.Transform{tr("upper")}, "it", "IT"},
		{"title", []mapping.Transform{tr("title")}, "ada LOVELACE-byron", "Ada Lovelace-Byron"},
		{"title unicode", []mapping.Transform{tr("title")}, "élodie ÇELIK", "Élodie Çelik"},
		{"split_email", []mapping.Transform{tr("split_email")}, "ada.l@example.com", "ada.l"},
		{"split_email no at", []mapping.Transform{tr("split_email")}, "ada", "ada"},
		{"first_word", []mapping.Transform{tr("first_word")}, "  Ada  King Lovelace", "Ada"},
		{"last_word", []mapping.Transform{tr("last_word")}, "Ada King Lovelace ", "Lovelace"},
		{"first_word empty", []mapping.Transform{tr("first_word")}, "   ", ""},
		{"epoch", []mapping.Transform{tr("epoch")}, "2024-05-01T12:34:56.789Z", "1714566896"},
		{"epoch plain date", []mapping.Transform{tr("epoch")}, "2024-05-01", "1714521600"},
		{"date", []mapping.Transform{tr("date")}, "2024-05-01T23:59:59Z", "2024-05-01"},
		{"date from epoch", []mapping.Transform{tr("date")}, 1714521600.0, "2024-05-01"},
		{"yes_no true", []mapping.Transform{tr("yes_no")}, true, "Yes"},
		{"yes_no false", []mapping.Transform{tr("yes_no")}, false, "No"},
		{"yes_no string", []mapping.Transform{tr("yes_no")}, "true", "Yes"},
		{"map hit", []mapping.Transform{tr("map", "table", map[string]any{"ACTIVATED": "Active"}, "default", "Other")}, "ACTIVATED", "Active"},
		{"map default", []mapping.Transform{tr("map", "table", map[string]any{"ACTIVATED": "Active"}, "default", "Other")}, "STAGED", "Other"},
		{"map keeps without default", []mapping.Transform{tr("map", "table", map[string]any{"x": "y"})}, "STAGED", "STAGED"},
		{"map bool key", []mapping.Transform{tr("map", "table", map[string]any{"true": "Locked", "false": "Open"})}, true, "Locked"},
		{"regex_replace", []mapping.Transform{tr("regex_replace", "pattern", `^\+1-`, "replace", "")}, "+1-555-0100", "555-0100"},
		{"regex_replace groups", []mapping.Transform{tr("regex_replace", "pattern", `(\w+)@(\w+)\.com`, "replace", "$2/$1")}, "ada@acme.com", "acme/ada"},
		{"default empty", []mapping.Transform{tr("default", "value", "n/a")}, "", "n/a"},
		{"default nil", []mapping.Transform{tr("default", "value", "n/a")}, nil, "n/a"},
		{"default kept", []mapping.Transform{tr("default", "value", "n/a")}, "x", "x"},
		{"chain", []mapping.Transform{tr("trim"), tr("split_email"), tr("upper")}, " ada@x.io ", "ADA"},
		{"nil passes", []mapping.Transform{tr("trim"), tr("lower")}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := applyOne(t, mapping.Field{From: "description", Transform: tc.tr}, mapping.TypeString, mapping.Record{"description": tc.in})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLookupTransform(t *testing.T) {
	lookup := mapping.WithLookup("manager_email", func(id string) (any, bool) {
		if id == "65a1b2c3d4e5f60718293a4c" {
			return "boss@example.com", true
		}
		return nil, false
	})
	f := mapping.Field{From: "manager", Transform: []mapping.Transform{{Name: "lookup", Args: map[string]any{"value": "manager_email"}}}}
	got, err := applyOne(t, f, mapping.TypeString, mapping.Record{"manager": "65a1b2c3d4e5f60718293a4c"}, lookup)
	require.NoError(t, err)
	assert.Equal(t, "boss@example.com", got)
	got, err = applyOne(t, f, mapping.TypeString, mapping.Record{"manager": "ffffffffffffffffffffffff"}, lookup)
	require.NoError(t, err)
	assert.Nil(t, got, "unknown manager: empty")

	m := mapping.Standard().WithRole(25)
	m.Fields = append(m.Fields, mapping.Field{From: "manager", To: []string{"position"}, Transform: f.Transform})
	m.Fields[5].To = []string{"address"}
	_, err = m.Compile(standardSchema())
	assert.EqualError(t, err, `mapping: fields[7] (manager -> position): lookup "manager_email" is not registered; pass mapping.WithLookup("manager_email", fn) to Compile`)
}

func TestTransformErrors(t *testing.T) {
	cases := []struct {
		name string
		tr   mapping.Transform
		in   any
		want string
	}{
		{"trim a bool", mapping.T("trim"), true, "fields[7] (description -> out): trim: expected a string, got the boolean true"},
		{"lower a number", mapping.T("lower"), 3.0, "fields[7] (description -> out): lower: expected a string, got the number 3"},
		{"epoch of junk", mapping.T("epoch"), "yesterday", `fields[7] (description -> out): epoch: the string "yesterday" is not a date (expected RFC 3339, e.g. 2024-05-01T12:34:56Z)`},
		{"date of a list", mapping.T("date"), []any{1}, "fields[7] (description -> out): date: a list is not a date (expected RFC 3339, e.g. 2024-05-01T12:34:56Z)"},
		{"yes_no of text", mapping.T("yes_no"), "maybe", `fields[7] (description -> out): yes_no: expected a boolean, got the string "maybe"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := applyOne(t, mapping.Field{From: "description", Transform: []mapping.Transform{tc.tr}}, mapping.TypeString, mapping.Record{"description": tc.in})
			var ae *mapping.ApplyError
			require.ErrorAs(t, err, &ae)
			assert.EqualError(t, err, "mapping: "+tc.want)
		})
	}
	for _, tc := range []struct {
		tr   mapping.Transform
		want string
	}{
		{mapping.Transform{Name: "map"}, "transform map needs a table: {map: {table: {from: to, ...}, default: value}}"},
		{mapping.Transform{Name: "map", Args: map[string]any{"value": "x"}}, `transform map does not take argument "value"`},
		{mapping.Transform{Name: "regex_replace", Args: map[string]any{"replace": "x"}}, "transform regex_replace needs a pattern: {regex_replace: {pattern: '...', replace: '...'}}"},
		{mapping.Transform{Name: "regex_replace", Args: map[string]any{"pattern": "x", "replace": 3}}, "transform regex_replace: replace must be a string, got the number 3"},
		{mapping.Transform{Name: "default"}, "transform default needs a value: {default: value}"},
		{mapping.Transform{Name: "lookup"}, "transform lookup needs the name of a lookup: {lookup: manager_email}"},
		{mapping.Transform{Name: "trim", Args: map[string]any{"value": 1}}, `transform trim does not take argument "value"`},
	} {
		m := mapping.Standard().WithRole(25)
		m.Fields[2].Transform = []mapping.Transform{tc.tr}
		issues := issuesOf(t, m, standardSchema())
		require.Len(t, issues, 1, tc.want)
		assert.Equal(t, tc.want, issues[0].Problem)
	}
}

func TestConversions(t *testing.T) {
	cases := []struct {
		t    mapping.FieldType
		in   any
		want any
		err  string
	}{
		{mapping.TypeString, "x", "x", ""},
		{mapping.TypeString, true, "true", ""},
		{mapping.TypeString, 42.0, "42", ""},
		{mapping.TypeString, 1.5, "1.5", ""},
		{mapping.TypeString, json.Number("7"), "7", ""},
		{mapping.TypeString, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), "2024-05-01T12:00:00Z", ""},
		{mapping.TypeString, []any{"a"}, nil, "cannot convert a list to string"},
		{mapping.TypeString, nil, nil, ""},
		{mapping.TypeInteger, 42.0, int64(42), ""},
		{mapping.TypeInteger, " 42 ", int64(42), ""},
		{mapping.TypeInteger, json.Number("42"), int64(42), ""},
		{mapping.TypeInteger, 1.5, nil, "cannot convert the number 1.5 to integer: it has a fraction or is too large"},
		{mapping.TypeInteger, "forty", nil, `cannot convert the string "forty" to integer`},
		{mapping.TypeInteger, true, nil, "cannot convert the boolean true to integer"},
		{mapping.TypeInteger, "", nil, ""},
		{mapping.TypeDecimal, "1.25", 1.25, ""},
		{mapping.TypeDecimal, 3.0, 3.0, ""},
		{mapping.TypeDecimal, "NaN", nil, `cannot convert the string "NaN" to decimal`},
		{mapping.TypeBoolean, true, true, ""},
		{mapping.TypeBoolean, "Yes", true, ""},
		{mapping.TypeBoolean, "off", false, ""},
		{mapping.TypeBoolean, 1.0, true, ""},
		{mapping.TypeBoolean, 2.0, nil, "cannot convert the number 2 to boolean"},
		{mapping.TypeBoolean, "maybe", nil, `cannot convert the string "maybe" to boolean`},
		{mapping.TypeDate, "2024-05-01T12:34:56.789Z", int64(1714521600), ""},
		{mapping.TypeDate, "2024-05-01", int64(1714521600), ""},
		{mapping.TypeDate, 1714566896.0, int64(1714521600), ""},
		{mapping.TypeDate, true, nil, "cannot convert the boolean true to date"},
		{mapping.TypeDateTime, "2024-05-01T12:34:56.789Z", int64(1714566896), ""},
		{mapping.TypeDateTime, time.Unix(1714566896, 0), int64(1714566896), ""},
		{mapping.TypeDateTime, "soon", nil, `cannot convert the string "soon" to datetime`},
		{"money", "1", nil, `unknown field type "money"`},
	}
	for _, tc := range cases {
		got, err := mapping.Convert(tc.t, tc.in)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, "%s %v", tc.t, tc.in)
			continue
		}
		require.NoError(t, err, "%s %v", tc.t, tc.in)
		assert.Equal(t, tc.want, got, "%s %v", tc.t, tc.in)
	}
}

func TestParseFieldType(t *testing.T) {
	for in, want := range map[string]mapping.FieldType{
		"string": mapping.TypeString, "text": mapping.TypeString, "Integer": mapping.TypeInteger, "numeric": mapping.TypeInteger,
		"decimal": mapping.TypeDecimal, "checkbox": mapping.TypeBoolean, "boolean": mapping.TypeBoolean,
		"date": mapping.TypeDate, "datetime": mapping.TypeDateTime, "users_list": mapping.TypeString,
	} {
		assert.Equal(t, want, mapping.ParseFieldType(in), in)
	}
}
