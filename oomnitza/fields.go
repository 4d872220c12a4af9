package oomnitza

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Field is the metadata of one People field (GET /api/v3/users/meta).
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
// plain booleans or numbers.
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
	default:
		*f = false
	}
	return nil
}

type flexInt int

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
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
	var meta map[string]fieldWire
	if _, err := s.client.do(ctx, http.MethodGet, "/api/v3/users/meta", nil, nil, &meta); err != nil {
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
