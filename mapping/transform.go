package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// TransformNames returns the names of the transforms a mapping can use.
func TransformNames() []string { return append([]string(nil), transformNames...) }

var transformNames = []string{"trim", "lower", "upper", "title", "split_email", "first_word", "last_word",
	"epoch", "date", "yes_no", "map", "regex_replace", "default", "lookup"}

// step is a compiled transform.
type step func(v any) (any, error)

// Lookup resolves a key to a value for the lookup transform, e.g. a
// JumpCloud manager id to the manager's email. found is false when the key
// is unknown.
type Lookup func(key string) (value any, found bool)

func stringStep(name string, f func(string) string) step {
	return func(v any) (any, error) {
		switch x := v.(type) {
		case nil:
			return nil, nil
		case string:
			return f(x), nil
		}
		return nil, fmt.Errorf("%s: expected a string, got %s", name, describe(v))
	}
}

func title(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := true
	for _, r := range s {
		if unicode.IsSpace(r) || r == '-' {
			start = true
			b.WriteRune(r)
			continue
		}
		if start {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
		start = false
	}
	return b.String()
}

func words(s string) []string { return strings.Fields(s) }

// compileTransform checks a transform and its arguments and returns its
// step. lookups holds the registered lookup functions.
func compileTransform(t Transform, lookups map[string]Lookup) (step, error) {
	arg := func(key string) (any, bool) { v, ok := t.Args[key]; return v, ok }
	for k := range t.Args {
		if !slices.Contains(transformArgs(t.Name), k) {
			return nil, fmt.Errorf("transform %s does not take argument %q", t.Name, k)
		}
	}
	switch t.Name {
	case "trim":
		return stringStep(t.Name, strings.TrimSpace), nil
	case "lower":
		return stringStep(t.Name, strings.ToLower), nil
	case "upper":
		return stringStep(t.Name, strings.ToUpper), nil
	case "title":
		return stringStep(t.Name, title), nil
	case "split_email":
		return stringStep(t.Name, func(s string) string {
			if i := strings.LastIndexByte(s, '@'); i >= 0 {
				return s[:i]
			}
			return s
		}), nil
	case "first_word":
		return stringStep(t.Name, func(s string) string {
			if w := words(s); len(w) > 0 {
				return w[0]
			}
			return ""
		}), nil
	case "last_word":
		return stringStep(t.Name, func(s string) string {
			if w := words(s); len(w) > 0 {
				return w[len(w)-1]
			}
			return ""
		}), nil
	case "epoch", "date":
		name := t.Name
		return func(v any) (any, error) {
			if isEmpty(v) {
				return nil, nil
			}
			tm, ok := toTime(v)
			if !ok {
				return nil, fmt.Errorf("%s: %s is not a date (expected RFC 3339, e.g. 2024-05-01T12:34:56Z)", name, describe(v))
			}
			if name == "epoch" {
				return tm.Unix(), nil
			}
			return tm.Format(time.DateOnly), nil
		}, nil
	case "yes_no":
		return func(v any) (any, error) {
			if v == nil {
				return nil, nil
			}
			b, err := Convert(TypeBoolean, v)
			if err != nil || b == nil {
				return nil, fmt.Errorf("yes_no: expected a boolean, got %s", describe(v))
			}
			if b.(bool) {
				return "Yes", nil
			}
			return "No", nil
		}, nil
	case "map":
		raw, ok := arg("table")
		table, isMap := raw.(map[string]any)
		if !ok || !isMap {
			return nil, fmt.Errorf("transform map needs a table: {map: {table: {from: to, ...}, default: value}}")
		}
		def, hasDefault := arg("default")
		return func(v any) (any, error) {
			if v == nil {
				return nil, nil
			}
			if out, ok := table[fmt.Sprint(v)]; ok {
				return out, nil
			}
			if hasDefault {
				return def, nil
			}
			return v, nil
		}, nil
	case "regex_replace":
		p, _ := arg("pattern")
		pattern, ok := p.(string)
		if !ok || pattern == "" {
			return nil, fmt.Errorf("transform regex_replace needs a pattern: {regex_replace: {pattern: '...', replace: '...'}}")
		}
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("transform regex_replace: pattern %q does not compile: %v", pattern, err)
		}
		r, _ := arg("replace")
		repl, _ := r.(string)
		if r != nil {
			if _, isStr := r.(string); !isStr {
				return nil, fmt.Errorf("transform regex_replace: replace must be a string, got %s", describe(r))
			}
		}
		return func(v any) (any, error) {
			switch x := v.(type) {
			case nil:
				return nil, nil
			case string:
				return boundedRegexReplace(re, x, repl)
			}
			return nil, fmt.Errorf("%s: expected a string, got %s", t.Name, describe(v))
		}, nil
	case "default":
		def, ok := arg("value")
		if !ok {
			return nil, fmt.Errorf("transform default needs a value: {default: value}")
		}
		return func(v any) (any, error) {
			if isEmpty(v) {
				return def, nil
			}
			return v, nil
		}, nil
	case "lookup":
		n, _ := arg("name")
		if n == nil {
			n, _ = arg("value")
		}
		name, _ := n.(string)
		fn, ok := lookups[name]
		if !ok {
			return nil, fmt.Errorf("lookup %q is not registered; pass mapping.WithLookup(%q, fn) to Compile", name, name)
		}
		def := t.Args["default"]
		return func(v any) (any, error) {
			if isEmpty(v) {
				return nil, nil
			}
			if out, ok := fn(fmt.Sprint(v)); ok {
				return out, nil
			}
			return def, nil
		}, nil
	}
	return nil, fmt.Errorf("unknown transform %q; known: %s", t.Name, strings.Join(transformNames, ", "))
}

// checkTransform validates a transform without needing lookups.
func checkTransform(t Transform) error {
	if t.Name == "lookup" {
		n := t.Args["name"]
		if n == nil {
			n = t.Args["value"]
		}
		if s, ok := n.(string); !ok || s == "" || !utf8.ValidString(s) {
			return fmt.Errorf("transform lookup needs the name of a lookup: {lookup: manager_email}")
		}
		return nil
	}
	_, err := compileTransform(t, nil)
	return err
}

// boundedRegexReplace is re.ReplaceAllString(s, repl) (with $ expansion)
// that stops, with an error, as soon as the output passes MaxValueBytes:
// a pattern that matches everywhere (such as "(?:)") with a long
// replacement cannot turn a short value into megabytes.
func boundedRegexReplace(re *regexp.Regexp, s, repl string) (string, error) {
	if len(s) > MaxValueBytes {
		return "", overBudget("regex_replace: the value is %d bytes, over the %d-byte limit of a value", len(s), MaxValueBytes)
	}
	var out []byte
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		out = append(out, s[last:m[0]]...)
		out = re.ExpandString(out, repl, s, m)
		last = m[1]
		if len(out) > MaxValueBytes {
			return "", overBudget("regex_replace: the result passes the %d-byte limit of a value", MaxValueBytes)
		}
	}
	out = append(out, s[last:]...)
	if len(out) > MaxValueBytes {
		return "", overBudget("regex_replace: the result passes the %d-byte limit of a value", MaxValueBytes)
	}
	return string(out), nil
}
