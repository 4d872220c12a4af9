package oomnitza

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Field is the metadata of one field of a module: People (GET
// /api/v3/users/meta) or assets (GET /api/v3/assets/meta).
type Field struct {
	ExternalID   string
	InternalID   string
	UID          int
	Label        string
	DataType     string
	Subtype      string
	Length       int
	Editable     bool
	Unique       bool
	Mandatory    bool
	DefaultValue string
	HelpText     string
	// Dropdown holds the allowed values of a dropdown field.
	Dropdown []DropdownValue
}

// DropdownValue is one allowed value of a dropdown field.
type DropdownValue struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	HelpText string `json:"help_text"`
}

// flag decodes Oomnitza's string flags ("1", "0", "true", "True", "") and
// plain booleans or numbers. Anything else is an error, never a guess.
type flag bool

func (f *flag) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		s = string(b)
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y", "t":
		*f = true
	case "0", "false", "no", "n", "f", "", "null":
		*f = false
	default:
		return fmt.Errorf("oomnitza: flag %.40s is not a boolean (true/false, 1/0, yes/no)", b)
	}
	return nil
}

// flexInt decodes an integer sent as a number or a string ("25", 25,
// 25.0). Fractions, NaN, infinities and values out of int range are
// errors.
type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(s, 10, 0); err == nil {
		*n = flexInt(v)
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || v < math.MinInt32 || v > math.MaxInt32 {
		return fmt.Errorf("oomnitza: %.40s is not an integer", b)
	}
	*n = flexInt(v)
	return nil
}

type fieldWire struct {
	InternalID   string          `json:"internal_id"`
	UID          flexInt         `json:"uid"`
	Label        string          `json:"label"`
	DataType     string          `json:"data_type"`
	Subtype      string          `json:"subtype"`
	Length       flexInt         `json:"length"`
	Editable     flag            `json:"editable"`
	Optional     *flag           `json:"optional"`
	Unique       flag            `json:"unique"`
	DefaultValue json.RawMessage `json:"default_value"`
	HelpText     string          `json:"help_text"`
	SearchHelp   []DropdownValue `json:"searchhelp"`
}

// Fields returns the metadata of every People field, sorted by external
// id: label, data type, unique, editable, mandatory and dropdown values.
// Build a mapping.Schema from it to validate a mapping.
func (s *UsersService) Fields(ctx context.Context) ([]Field, error) {
	return s.client.fields(ctx, "/api/v3/users/meta")
}

// fields reads a module's field metadata.
func (c *Client) fields(ctx context.Context, path string) ([]Field, error) {
	var meta map[string]fieldWire
	if _, err := c.do(ctx, http.MethodGet, path, nil, nil, &meta); err != nil {
		return nil, err
	}
	out := make([]Field, 0, len(meta))
	for id, w := range meta {
		f := Field{
			ExternalID: id, InternalID: w.InternalID, UID: int(w.UID), Label: w.Label,
			DataType: w.DataType, Subtype: w.Subtype, Length: int(w.Length), Editable: bool(w.Editable),
			Unique: bool(w.Unique), Mandatory: w.Optional != nil && !bool(*w.Optional),
			HelpText: w.HelpText, Dropdown: w.SearchHelp,
		}
		var dv any
		if len(w.DefaultValue) > 0 && json.Unmarshal(w.DefaultValue, &dv) == nil && dv != nil {
			if s, ok := dv.(string); ok {
				f.DefaultValue = s
			} else {
				f.DefaultValue = string(w.DefaultValue)
			}
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Field) int { return strings.Compare(a.ExternalID, b.ExternalID) })
	return out, nil
}

// The data types StandardUserFields reports, as the metadata endpoint
// spells them. Instances may spell types differently; mapping's
// ParseFieldType reads the common variants.
const (
	DataTypeString   = "string"
	DataTypeText     = "text"
	DataTypeInteger  = "integer"
	DataTypeDecimal  = "decimal"
	DataTypeBoolean  = "boolean"
	DataTypeDate     = "date"
	DataTypeDateTime = "datetime"
)

// StandardUserFields returns the standard fields of an Oomnitza People
// record (the v3 User schema): the one list the client type User, the
// fake oomnitzatest and the SDK's mapping schema are built from and
// tested against. A real instance's fields, custom ones included, come
// from Users.Fields.
func StandardUserFields() []Field {
	f := func(id, label, typ string, editable, unique, mandatory bool) Field {
		return Field{ExternalID: id, Label: label, DataType: typ, Editable: editable, Unique: unique, Mandatory: mandatory}
	}
	const rw, ro = true, false
	return []Field{
		f("user_id", "User ID", DataTypeString, ro, true, false),
		f("uid", "UID", DataTypeInteger, ro, false, false),
		f("username", "Username", DataTypeString, rw, true, true),
		f("email", "Email", DataTypeString, rw, true, false),
		f("first_name", "First Name", DataTypeString, rw, false, false),
		f("last_name", "Last Name", DataTypeString, rw, false, false),
		f("full_name", "Full Name", DataTypeString, rw, false, false),
		f("role", "Role", DataTypeInteger, rw, false, true),
		f("position", "Position", DataTypeString, rw, false, false),
		f("phone_number", "Phone Number", DataTypeString, rw, false, false),
		f("address", "Address", DataTypeText, rw, false, false),
		f("suspended", "Suspended", DataTypeBoolean, rw, false, false),
		f("external_id", "External ID", DataTypeString, rw, false, false),
		f("email_subscription", "Email Subscription", DataTypeBoolean, rw, false, false),
		f("version", "Version", DataTypeString, ro, false, false),
		f("deleted", "Deleted", DataTypeString, ro, false, false),
		f("creation_date", "Creation Date", DataTypeDateTime, ro, false, false),
		f("change_date", "Change Date", DataTypeDateTime, ro, false, false),
		f("last_login_date", "Last Login Date", DataTypeDateTime, ro, false, false),
		f("created_by", "Created By", DataTypeString, ro, false, false),
		f("changed_by", "Changed By", DataTypeString, ro, false, false),
	}
}
