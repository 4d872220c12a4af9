package oomnitzatest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/jcoom/jcoom/oomnitza"
)

// FieldType is the data type of a fake People field.
type FieldType string

// The field types the fake knows. Oomnitza's UI calls them Short Text,
// Long Text, Numeric, Decimal, Checkbox, Date and DateTime.
const (
	TypeString   FieldType = "string"
	TypeText     FieldType = "text"
	TypeInteger  FieldType = "integer"
	TypeDecimal  FieldType = "decimal"
	TypeBoolean  FieldType = "boolean"
	TypeDate     FieldType = "date"
	TypeDateTime FieldType = "datetime"
)

// FieldSpec declares a People field: a custom field a test adds with
// WithField, or one of the standard fields.
type FieldSpec struct {
	// ExternalID is the snake_case id used in JSON and filters.
	ExternalID string
	Label      string
	Type       FieldType
	Unique     bool
	Mandatory  bool
	// ReadOnly fields are set by the server; writes to them are ignored.
	ReadOnly bool
	// Dropdown, when set, lists the only values the field accepts.
	Dropdown []string
}

// JumpCloudUserIDField returns the unique custom field "JumpCloud User
// Id" (external id jump_cloud_user_id) that Oomnitza's JumpCloud presets
// read.
func JumpCloudUserIDField() FieldSpec {
	return FieldSpec{ExternalID: "jump_cloud_user_id", Label: "JumpCloud User Id", Type: TypeString, Unique: true}
}

// StandardFields returns the standard People fields the fake serves, built
// from oomnitza.StandardUserFields so the fake and the client cannot drift.
func StandardFields() []FieldSpec {
	std := oomnitza.StandardUserFields()
	out := make([]FieldSpec, len(std))
	for i, f := range std {
		out[i] = FieldSpec{ExternalID: f.ExternalID, Label: f.Label, Type: FieldType(f.DataType),
			Unique: f.Unique, Mandatory: f.Mandatory, ReadOnly: !f.Editable}
	}
	return out
}

// convert checks a written value against the field's type and returns the
// stored form: strings, int64, float64, bool, epoch seconds for dates, or nil.
func (f *FieldSpec) convert(v any) (any, error) {
	if v == nil {
		if f.Mandatory {
			return nil, fmt.Errorf("%s: is mandatory and cannot be empty", f.ExternalID)
		}
		return nil, nil
	}
	switch f.Type {
	case TypeString, TypeText:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s: expected a string, got %s", f.ExternalID, jsonKind(v))
		}
		limit := 256
		if f.Type == TypeText {
			limit = 1024
		}
		if len([]rune(s)) > limit {
			return nil, fmt.Errorf("%s: longer than %d characters", f.ExternalID, limit)
		}
		if f.Mandatory && strings.TrimSpace(s) == "" {
			return nil, fmt.Errorf("%s: is mandatory and cannot be empty", f.ExternalID)
		}
		if len(f.Dropdown) > 0 && s != "" && !contains(f.Dropdown, s) {
			return nil, fmt.Errorf("%s: %q is not one of the dropdown values %q", f.ExternalID, s, f.Dropdown)
		}
		return s, nil
	case TypeInteger:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s: expected an integer, got %s", f.ExternalID, jsonKind(v))
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %s is not an integer", f.ExternalID, n)
		}
		return i, nil
	case TypeDecimal:
		n, ok := v.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s: expected a number, got %s", f.ExternalID, jsonKind(v))
		}
		x, err := n.Float64()
		if err != nil || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s: %s is not a number", f.ExternalID, n)
		}
		return x, nil
	case TypeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s: expected true or false, got %s", f.ExternalID, jsonKind(v))
		}
		return b, nil
	case TypeDate, TypeDateTime:
		sec, err := epoch(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.ExternalID, err)
		}
		// The spec documents no truncation for DATE fields: the value is
		// stored as sent.
		return sec, nil
	}
	return v, nil
}

// epoch reads a date as Oomnitza accepts it: Unix seconds or ISO 8601 in UTC.
func epoch(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("%s is not a date", x)
		}
		return int64(f), nil
	case string:
		for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02", "01/02/2006"} {
			if t, err := time.Parse(l, x); err == nil {
				// "Timezones in ISO8601 format will be ignored" (spec): the
				// wall clock is read as UTC.
				wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
				return wall.Unix(), nil
			}
		}
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n, nil
		}
		return 0, fmt.Errorf("%q is neither Unix seconds nor ISO 8601 ('YYYY-MM-DDTHH:mm:SSZ')", x)
	}
	return 0, fmt.Errorf("expected a date, got %s", jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func flagString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
