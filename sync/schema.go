package sync

import (
	"context"
	"fmt"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
)

// FieldsReader reads the metadata of Oomnitza fields;
// *oomnitza.UsersService (People) and *oomnitza.AssetsService (assets)
// implement it.
type FieldsReader interface {
	Fields(ctx context.Context) ([]oomnitza.Field, error)
}

// FetchSchema reads the fields of an Oomnitza module and returns
// them as the schema a mapping is validated against.
func FetchSchema(ctx context.Context, fields FieldsReader) (*mapping.Schema, error) {
	got, err := fields.Fields(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync: reading the Oomnitza fields: %w", err)
	}
	return SchemaFromFields(got), nil
}

// SchemaFromFields converts Oomnitza field metadata into a mapping schema:
// type, label, unique, mandatory, editable and dropdown values are kept.
func SchemaFromFields(fields []oomnitza.Field) *mapping.Schema {
	s := mapping.NewSchema()
	for _, f := range fields {
		s.Add(TargetField(f))
	}
	return s
}

// TargetField converts one field's metadata into a mapping target.
func TargetField(f oomnitza.Field) mapping.TargetField {
	var dropdown []string
	for _, d := range f.Dropdown {
		v := d.Value
		if v == "" {
			v = d.Key
		}
		dropdown = append(dropdown, v)
	}
	return mapping.TargetField{
		ExternalID: f.ExternalID, Label: f.Label, Type: mapping.ParseFieldType(f.DataType),
		Unique: f.Unique, Mandatory: f.Mandatory, ReadOnly: !f.Editable, Dropdown: dropdown,
	}
}
