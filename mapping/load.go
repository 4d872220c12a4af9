package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/jcoom/jcoom/internal/nearest"
)

// maxFileSize bounds what Load reads.
const maxFileSize = 4 << 20

// Problem is one error in a mapping file, at a line and column (1-based;
// 0 when the parser could not tell).
type Problem struct {
	Line, Column int
	// Path locates the value, e.g. "fields[3].to".
	Path string
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	switch {
	case p.Line > 0 && p.Column > 0:
		fmt.Fprintf(&b, "%d:%d: ", p.Line, p.Column)
	case p.Line > 0:
		fmt.Fprintf(&b, "%d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// LoadError lists every problem found in a mapping file.
type LoadError struct {
	// File is the file name, when loaded with LoadFile.
	File     string
	Problems []Problem
}

func (e *LoadError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		if e.File != "" {
			b.WriteString(e.File + ":")
		}
		b.WriteString(p.String())
	}
	return "mapping: " + b.String()
}

// LoadFile reads a mapping from a YAML or JSON file.
func LoadFile(path string) (*Mapping, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	defer f.Close()
	m, err := Load(f)
	var le *LoadError
	if errors.As(err, &le) {
		le.File = path
	}
	if m != nil && m.origin != nil {
		m.origin.file = path
	}
	return m, err
}

// Load reads a mapping from YAML or JSON (JSON is YAML). It is strict:
// unknown keys, wrong types and duplicate keys are errors that give line
// and column, all reported at once in a *LoadError. Load checks the file's
// shape; Validate checks what the mapping means.
func Load(r io.Reader) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("mapping: reading: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, &LoadError{Problems: []Problem{{Msg: fmt.Sprintf("file is larger than %d bytes", maxFileSize)}}}
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &LoadError{Problems: []Problem{{Msg: "the file is empty; expected a mapping with name, sync_keys and fields"}}}
		}
		return nil, &LoadError{Problems: []Problem{syntaxProblem(err)}}
	}
	if expandedNodes(&doc, map[*yaml.Node]int{}) > maxExpandedNodes {
		// Aliases are followed wherever they are used: a small file of
		// aliased lists can stand for billions of values.
		return nil, &LoadError{Problems: []Problem{{Msg: fmt.Sprintf(
			"YAML aliases expand the file to more than %d values; a mapping needs far fewer (use fewer or smaller anchors)", maxExpandedNodes)}}}
	}
	d := &decoder{pos: map[string][2]int{}}
	m := d.mapping(&doc)
	if len(d.problems) > 0 {
		return nil, &LoadError{Problems: d.problems}
	}
	m.origin = &origin{pos: d.pos}
	return m, nil
}

// maxExpandedNodes bounds the YAML values of a mapping file once its
// aliases are expanded. The standard mapping has a few hundred.
const maxExpandedNodes = 100_000

// expandedNodes counts the values under n with every alias expanded,
// memoised per node and saturating past maxExpandedNodes, so the count
// costs one visit per node of the file.
func expandedNodes(n *yaml.Node, memo map[*yaml.Node]int) int {
	if n == nil {
		return 0
	}
	if c, ok := memo[n]; ok {
		return c
	}
	memo[n] = maxExpandedNodes + 1 // a cycle counts as too many
	count := 1
	if n.Kind == yaml.AliasNode {
		count += expandedNodes(n.Alias, memo)
	}
	for _, c := range n.Content {
		if count += expandedNodes(c, memo); count > maxExpandedNodes {
			count = maxExpandedNodes + 1
			break
		}
	}
	memo[n] = min(count, maxExpandedNodes+1)
	return memo[n]
}

var yamlLine = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)

func syntaxProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{Msg: "not valid YAML or JSON: " + msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			p.Column, _ = strconv.Atoi(m[2])
		}
	}
	return p
}

type decoder struct {
	problems []Problem
	pos      map[string][2]int
}

// at records where the value at path is, for validation issues.
func (d *decoder) at(path string, n *yaml.Node) {
	if d.pos != nil && n != nil && n.Line > 0 {
		d.pos[path] = [2]int{n.Line, n.Column}
	}
}

func (d *decoder) fail(n *yaml.Node, path, format string, a ...any) {
	p := Problem{Path: path, Msg: fmt.Sprintf(format, a...)}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	d.problems = append(d.problems, p)
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int":
			return "the integer " + n.Value
		case "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "null"
		}
		return n.Value
	}
	return "an unknown node"
}

// entries walks a mapping node, reporting duplicate and unknown keys.
func (d *decoder) entries(n *yaml.Node, path string, known []string, fn func(key string, k, v *yaml.Node)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping with keys %s, got %s", strings.Join(known, ", "), kindName(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		key := k.Value
		if first, dup := seen[key]; dup {
			d.fail(k, join(path, key), "duplicate key %q (first set at line %d, column %d)", key, first.Line, first.Column)
			continue
		}
		seen[key] = k
		d.at(join(path, key), v)
		if !contains(known, key) {
			d.fail(k, join(path, key), "unknown key %q%s; expected one of %s", key, nearest.Hint(key, known), strings.Join(known, ", "))
			continue
		}
		fn(key, k, v)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (d *decoder) str(n *yaml.Node, path string) string {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		d.fail(n, path, "expected a string, got %s", kindName(n))
		return ""
	}
	return n.Value
}

// strs accepts one string or a list of strings.
func (d *decoder) strs(n *yaml.Node, path string) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{d.str(n, path)}
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a string or a list of strings, got %s", kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for i, c := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.at(p, c)
		out = append(out, d.str(resolve(c), p))
	}
	return out
}

// scalar decodes a constant: string, integer, number, boolean or null.
func (d *decoder) scalar(n *yaml.Node, path string) any {
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "expected a constant (string, number, boolean or null), got %s", kindName(n))
		return nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		d.fail(n, path, "%v", err)
	}
	return v
}

var topKeys = []string{"name", "kind", "mode", "preference", "sync_keys", "role", "filter", "fields"}

func (d *decoder) mapping(doc *yaml.Node) *Mapping {
	m := &Mapping{}
	root := doc
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	d.entries(root, "", topKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "name":
			m.Name = d.str(v, key)
		case "kind":
			m.Kind = Kind(d.str(v, key))
		case "mode":
			m.Mode = Mode(d.str(v, key))
		case "preference":
			m.Preference = Preference(d.str(v, key))
		case "sync_keys":
			m.SyncKeys = d.strs(v, key)
		case "role":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" {
				d.fail(v, key, "expected an Oomnitza role id (an integer), got %s", kindName(v))
				return
			}
			role, err := strconv.Atoi(v.Value)
			if err != nil {
				d.fail(v, key, "role %s is out of range", v.Value)
			}
			m.Role = role
		case "filter":
			m.Filter = d.str(v, key)
		case "fields":
			if v.Kind != yaml.SequenceNode {
				d.fail(v, key, "expected a list of field rules, got %s", kindName(v))
				return
			}
			for i, fn := range v.Content {
				p := fmt.Sprintf("fields[%d]", i)
				d.at(p, fn)
				m.Fields = append(m.Fields, d.field(resolve(fn), p))
			}
		}
	})
	return m
}

var fieldKeys = []string{"from", "fallback", "value", "expr", "to", "transform", "default", "required"}

func (d *decoder) field(n *yaml.Node, path string) Field {
	var f Field
	d.entries(n, path, fieldKeys, func(key string, _, v *yaml.Node) {
		p := path + "." + key
		switch key {
		case "from":
			f.From = d.str(v, p)
		case "fallback":
			f.Fallback = d.strs(v, p)
		case "value":
			f.Value = d.scalar(v, p)
			if f.Value == nil && v.Kind == yaml.ScalarNode {
				d.fail(v, p, "a constant value must not be null; leave the field out to clear it")
			}
		case "expr":
			f.Expr = d.str(v, p)
		case "to":
			f.To = d.strs(v, p)
		case "transform":
			f.Transform = d.transforms(v, p)
		case "default":
			f.Default = d.scalar(v, p)
		case "required":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				d.fail(v, p, "expected true or false, got %s", kindName(v))
				return
			}
			f.Required = v.Value == "true" || v.Value == "True" || v.Value == "TRUE"
		}
	})
	return f
}

func (d *decoder) transforms(n *yaml.Node, path string) []Transform {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []Transform
	for i, it := range items {
		it = resolve(it)
		p := path
		if n.Kind == yaml.SequenceNode {
			p = fmt.Sprintf("%s[%d]", path, i)
		}
		d.at(p, it)
		switch it.Kind {
		case yaml.ScalarNode:
			out = append(out, Transform{Name: d.str(it, p)})
		case yaml.MappingNode:
			if len(it.Content) != 2 {
				d.fail(it, p, "a transform with arguments is a mapping with one key, the transform's name, e.g. {map: {table: {...}, default: x}}")
				continue
			}
			name, arg := it.Content[0].Value, resolve(it.Content[1])
			t := Transform{Name: name, Args: map[string]any{}}
			if !contains(transformNames, name) {
				if hint := nearest.Hint(name, transformNames); hint != "" {
					d.fail(it.Content[0], p, "unknown transform %q%s", name, hint)
				} else {
					d.fail(it.Content[0], p, "unknown transform %q; known: %s", name, strings.Join(transformNames, ", "))
				}
				continue
			}
			if transformArgs(name) == nil {
				d.fail(it.Content[0], p, "transform %s takes no arguments; write it as a plain name", name)
				continue
			}
			if arg.Kind == yaml.MappingNode {
				d.entries(arg, p+"."+name, transformArgs(name), func(key string, _, v *yaml.Node) {
					var val any
					if err := v.Decode(&val); err != nil {
						d.fail(v, p+"."+name+"."+key, "%v", err)
					}
					t.Args[key] = val
				})
			} else {
				t.Args["value"] = d.scalar(arg, p+"."+name)
			}
			out = append(out, t)
		default:
			d.fail(it, p, "expected a transform name or {name: arguments}, got %s", kindName(it))
		}
	}
	return out
}

// transformArgs lists the argument keys a transform accepts.
func transformArgs(name string) []string {
	switch name {
	case "map":
		return []string{"table", "default"}
	case "regex_replace":
		return []string{"pattern", "replace"}
	case "lookup":
		return []string{"name", "value", "default"}
	case "default":
		return []string{"value"}
	}
	return nil
}
