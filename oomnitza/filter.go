package oomnitza

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

var fieldNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Filter is an expression in Oomnitza's SQL-like filter language, built
// with Eq, Ne, Lt, Lte, Gt, Gte, Like, In, IsNull, And and Or. Values are
// always quoted and escaped, so no value can change the filter's meaning.
// The zero Filter matches everything.
type Filter struct{ n *node }

type node struct {
	op     string // eq ne lt lte gt gte like in null and or
	field  string
	values []any
	kids   []Filter
}

func cmp(op, field string, v any) Filter {
	return Filter{&node{op: op, field: field, values: []any{v}}}
}

// Eq matches records whose field equals v (string, bool, number or time).
func Eq(field string, v any) Filter { return cmp("eq", field, v) }

// Ne matches records whose field differs from v.
func Ne(field string, v any) Filter { return cmp("ne", field, v) }

// Lt matches records whose field is less than v.
func Lt(field string, v any) Filter { return cmp("lt", field, v) }

// Lte matches records whose field is less than or equal to v.
func Lte(field string, v any) Filter { return cmp("lte", field, v) }

// Gt matches records whose field is greater than v.
func Gt(field string, v any) Filter { return cmp("gt", field, v) }

// Gte matches records whose field is greater than or equal to v.
func Gte(field string, v any) Filter { return cmp("gte", field, v) }

// Like matches a pattern where % stands for any run of characters and _
// for one character, e.g. Like("email", "%@acme.com").
func Like(field, pattern string) Filter { return cmp("like", field, pattern) }

// In matches records whose field equals one of vs.
func In(field string, vs ...any) Filter { return Filter{&node{op: "in", field: field, values: vs}} }

// IsNull matches records whose field is empty.
func IsNull(field string) Filter { return Filter{&node{op: "null", field: field}} }

// And matches records that match every filter.
func And(fs ...Filter) Filter { return Filter{&node{op: "and", kids: fs}} }

// Or matches records that match any filter.
func Or(fs ...Filter) Filter { return Filter{&node{op: "or", kids: fs}} }

// Raw is an expression in the filter language written by a person, such
// as an operator's --where flag, sent as it is: the instance parses it.
// Prefer the typed constructors in code: Raw quotes nothing. It is
// refused (by Expr, before anything is sent) when it is empty, longer
// than 4096 bytes or holds control characters.
func Raw(expr string) Filter { return Filter{&node{op: "raw", values: []any{expr}}} }

// IsZero reports whether f is the zero Filter (no condition).
func (f Filter) IsZero() bool { return f.n == nil }

// String returns the expression, or a description of why it is invalid.
func (f Filter) String() string {
	s, err := f.Expr()
	if err != nil {
		return "<invalid filter: " + err.Error() + ">"
	}
	return s
}

// Expr renders the filter, or reports the first invalid part.
func (f Filter) Expr() (string, error) {
	var b strings.Builder
	if err := f.render(&b, true); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (f Filter) render(b *strings.Builder, top bool) error {
	n := f.n
	if n == nil {
		return errors.New("oomnitza: filter: empty filter inside And/Or")
	}
	switch n.op {
	case "and", "or":
		if len(n.kids) == 0 {
			return fmt.Errorf("oomnitza: filter: %s() needs at least one filter", strings.ToUpper(n.op[:1])+n.op[1:])
		}
		if len(n.kids) == 1 {
			return n.kids[0].render(b, top)
		}
		if !top {
			b.WriteByte('(')
		}
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(" " + n.op + " ")
			}
			if err := k.render(b, false); err != nil {
				return err
			}
		}
		if !top {
			b.WriteByte(')')
		}
		return nil
	}
	if n.op == "raw" {
		expr := strings.TrimSpace(n.values[0].(string))
		switch {
		case expr == "":
			return errors.New("oomnitza: filter: Raw: the expression is empty")
		case len(expr) > 4096:
			return fmt.Errorf("oomnitza: filter: Raw: the expression is %d bytes, at most 4096", len(expr))
		case strings.ContainsFunc(expr, unicode.IsControl):
			return fmt.Errorf("oomnitza: filter: Raw: %q holds control characters", expr)
		}
		if !top {
			b.WriteByte('(')
		}
		b.WriteString(expr)
		if !top {
			b.WriteByte(')')
		}
		return nil
	}
	if !fieldNamePattern.MatchString(n.field) {
		return fmt.Errorf("oomnitza: filter: field %q is not an external id (letters, digits and '_')", n.field)
	}
	b.WriteString(n.field)
	switch n.op {
	case "null":
		b.WriteString(" is null")
		return nil
	case "in":
		if len(n.values) == 0 {
			return fmt.Errorf("oomnitza: filter: In(%q) needs at least one value", n.field)
		}
		b.WriteString(" in [")
		for i, v := range n.values {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := literal(b, n.field, v); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	b.WriteString(" " + n.op + " ")
	return literal(b, n.field, n.values[0])
}

// Quote returns s as a filter string literal: double quotes, with '\' and
// '"' escaped by a backslash.
func Quote(s string) string {
	var b strings.Builder
	quoteTo(&b, s)
	return b.String()
}

func quoteTo(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ { // bytewise: any byte string survives unchanged
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

func literal(b *strings.Builder, field string, v any) error {
	switch x := v.(type) {
	case string:
		quoteTo(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int:
		b.WriteString(strconv.Itoa(x))
	case int32:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case uint:
		b.WriteString(strconv.FormatUint(uint64(x), 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("oomnitza: filter on %q: %v is not a number Oomnitza can compare", field, x)
		}
		b.WriteString(strconv.FormatFloat(x, 'f', -1, 64))
	case json.Number:
		if _, err := x.Float64(); err != nil {
			return fmt.Errorf("oomnitza: filter on %q: %q is not a number", field, x)
		}
		b.WriteString(x.String())
	case time.Time:
		b.WriteString(strconv.FormatInt(x.Unix(), 10))
	case Time:
		b.WriteString(strconv.FormatInt(x.Unix(), 10))
	case nil:
		return fmt.Errorf("oomnitza: filter on %q: nil value; use IsNull(%q)", field, field)
	default:
		return fmt.Errorf("oomnitza: filter on %q: unsupported value type %T (want string, bool, number or time)", field, v)
	}
	return nil
}
