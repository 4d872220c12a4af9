package mapping

import "strings"

// FieldType is the type of an Oomnitza target field.
type FieldType string

// The target types. Values are converted to them on Apply.
const (
	TypeString   FieldType = "string"
	TypeInteger  FieldType = "integer"
	TypeDecimal  FieldType = "decimal"
	TypeBoolean  FieldType = "boolean"
	TypeDate     FieldType = "date"
	TypeDateTime FieldType = "datetime"
)

// ParseFieldType maps an Oomnitza data_type (as GET /api/v3/users/meta
// reports it) to a FieldType; unknown types are strings.
func ParseFieldType(dataType string) FieldType {
	switch strings.ToLower(strings.TrimSpace(dataType)) {
	case "integer", "int", "numeric", "number":
		return TypeInteger
	case "decimal", "float", "double", "currency", "money":
		return TypeDecimal
	case "boolean", "bool", "checkbox":
		return TypeBoolean
	case "date":
		return TypeDate
	case "datetime", "date_time", "timestamp":
		return TypeDateTime
	}
	return TypeString
}

// TargetField describes an Oomnitza People field.
type TargetField struct {
	ExternalID string
	Label      string
	Type       FieldType
	Unique     bool
	Mandatory  bool
	// ReadOnly marks a field that is not editable (Oomnitza's "Editable"
	// unchecked; the server sets it itself: user_id, creation_date, ...).
	// A mapping cannot write it. The zero value is an editable field, so a
	// schema built by hand needs no flag for the common case.
	ReadOnly bool
	// Dropdown lists the allowed values of a dropdown field.
	Dropdown []string
}

// Schema is the set of Oomnitza People fields a mapping can write. The
// SDK builds it from an instance's metadata (sync.FetchSchema, or
// sync.SchemaFromFields over oc.Users.Fields); mapping imports no client.
type Schema struct {
	fields []TargetField
	byID   map[string]int
}

// NewSchema returns a schema of the given fields.
func NewSchema(fields ...TargetField) *Schema {
	s := &Schema{}
	for _, f := range fields {
		s.Add(f)
	}
	return s
}

// Add adds or replaces a field.
func (s *Schema) Add(f TargetField) {
	if s.byID == nil {
		s.byID = map[string]int{}
	}
	if f.Type == "" {
		f.Type = TypeString
	}
	if i, ok := s.byID[f.ExternalID]; ok {
		s.fields[i] = f
		return
	}
	s.byID[f.ExternalID] = len(s.fields)
	s.fields = append(s.fields, f)
}

// Field returns the field with this external id.
func (s *Schema) Field(id string) (TargetField, bool) {
	if s == nil {
		return TargetField{}, false
	}
	i, ok := s.byID[id]
	if !ok {
		return TargetField{}, false
	}
	return s.fields[i], true
}

// Fields returns the fields in the order they were added.
func (s *Schema) Fields() []TargetField {
	if s == nil {
		return nil
	}
	return append([]TargetField(nil), s.fields...)
}
