package mapping

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// MarshalYAML writes the mapping in the file format Load reads, one field
// rule per line.
func (m *Mapping) MarshalYAML() (any, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, v any, flow bool) error {
		var n yaml.Node
		if err := n.Encode(v); err != nil {
			return fmt.Errorf("mapping: encoding %s: %w", key, err)
		}
		if flow {
			n.Style = yaml.FlowStyle
		}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &n)
		return nil
	}
	steps := []struct {
		key  string
		v    any
		skip bool
		flow bool
	}{
		{"name", m.Name, m.Name == "", false},
		{"kind", string(m.Kind), m.Kind == "", false},
		{"mode", string(m.Mode), m.Mode == "", false},
		{"preference", string(m.Preference), m.Preference == "", false},
		{"sync_keys", m.SyncKeys, len(m.SyncKeys) == 0, true},
		{"role", m.Role, m.Role == 0, false},
		{"filter", m.Filter, m.Filter == "", false},
	}
	for _, s := range steps {
		if !s.skip {
			if err := add(s.key, s.v, s.flow); err != nil {
				return nil, err
			}
		}
	}
	fields := &yaml.Node{Kind: yaml.SequenceNode}
	for _, f := range m.Fields {
		n, err := fieldNode(f)
		if err != nil {
			return nil, err
		}
		fields.Content = append(fields.Content, n)
	}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "fields"}, fields)
	return root, nil
}

func fieldNode(f Field) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle}
	put := func(key string, v any) error {
		var vn yaml.Node
		if err := vn.Encode(v); err != nil {
			return fmt.Errorf("mapping: encoding %s: %w", key, err)
		}
		if vn.Kind == yaml.SequenceNode || vn.Kind == yaml.MappingNode {
			vn.Style = yaml.FlowStyle
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &vn)
		return nil
	}
	type kv struct {
		key string
		v   any
		set bool
	}
	var to any = f.To
	if len(f.To) == 1 {
		to = f.To[0]
	}
	var fallback any = f.Fallback
	if len(f.Fallback) == 1 {
		fallback = f.Fallback[0]
	}
	var tr []any
	for _, t := range f.Transform {
		switch {
		case len(t.Args) == 0:
			tr = append(tr, t.Name)
		case len(t.Args) == 1 && t.Args["value"] != nil:
			tr = append(tr, map[string]any{t.Name: t.Args["value"]})
		default:
			tr = append(tr, map[string]any{t.Name: t.Args})
		}
	}
	for _, e := range []kv{
		{"from", f.From, f.From != ""}, {"fallback", fallback, len(f.Fallback) > 0}, {"value", f.Value, f.Value != nil}, {"expr", f.Expr, f.Expr != ""},
		{"to", to, len(f.To) > 0}, {"transform", tr, len(tr) > 0}, {"default", f.Default, f.Default != nil},
		{"required", f.Required, f.Required},
	} {
		if e.set {
			if err := put(e.key, e.v); err != nil {
				return nil, err
			}
		}
	}
	return n, nil
}

// YAML returns the mapping as a file Load reads back to an equal mapping.
func (m *Mapping) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return slices.Clip(b.Bytes()), nil
}
