package presets

import (
	"fmt"
	"net/url"
	"strings"
)

// RequestTemplate is the JumpCloud request a preset makes, with variables
// written {{name}} as in Oomnitza's own presets.
type RequestTemplate struct {
	Method string `json:"method"`
	// Path is relative to the JumpCloud base URL, e.g.
	// /api/systemusers/{{jump_cloud_user_id}}/unlock.
	Path string `json:"path"`
	// Body is the JSON body template, if the request has one.
	Body string `json:"body,omitempty"`
}

// String renders the template as "METHOD path".
func (t RequestTemplate) String() string { return t.Method + " " + t.Path }

// Variables returns the names of the path's variables, in order.
func (t RequestTemplate) Variables() ([]string, error) {
	var names []string
	_, err := expand(t.Path, func(name string) (string, error) {
		names = append(names, name)
		return "x", nil
	})
	return names, err
}

// RenderPath fills the path's variables from vars. Every value is
// path-escaped as one segment (a "/" becomes %2F), and a value that is
// empty, "." or ".." is refused, so no value can reach another endpoint.
// A variable without a value is an error naming it.
func (t RequestTemplate) RenderPath(vars map[string]string) (string, error) {
	return expand(t.Path, func(name string) (string, error) {
		v, ok := vars[name]
		switch {
		case !ok || v == "":
			return "", &InputError{Field: name, Want: "a value for {{" + name + "}} in " + t.Path}
		case v == "." || v == "..":
			return "", &InputError{Field: name, Value: v, Want: "a value that is not a path dot segment"}
		}
		return url.PathEscape(v), nil
	})
}

// expand replaces each {{name}} in tpl with what value returns for it.
func expand(tpl string, value func(name string) (string, error)) (string, error) {
	var b strings.Builder
	rest := tpl
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			if strings.Contains(rest, "}}") {
				return "", fmt.Errorf("presets: template %q has a }} without {{", tpl)
			}
			b.WriteString(rest)
			return b.String(), nil
		}
		if strings.Contains(rest[:open], "}}") {
			return "", fmt.Errorf("presets: template %q has a }} without {{", tpl)
		}
		b.WriteString(rest[:open])
		rest = rest[open+2:]
		end := strings.Index(rest, "}}")
		if end < 0 {
			return "", fmt.Errorf("presets: template %q has an unclosed {{", tpl)
		}
		name := strings.TrimSpace(rest[:end])
		if !validVarName(name) {
			return "", fmt.Errorf("presets: template %q: variable name %q is not letters, digits and _", tpl, rest[:end])
		}
		v, err := value(name)
		if err != nil {
			return "", err
		}
		b.WriteString(v)
		rest = rest[end+2:]
	}
}

func validVarName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
