package jumpcloud

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Op is a v1 filter operator.
type Op string

// The v1 filter operators. Values are compared case-sensitively.
const (
	OpEq         Op = "$eq"
	OpNe         Op = "$ne"
	OpGt         Op = "$gt"
	OpGte        Op = "$gte"
	OpLt         Op = "$lt"
	OpLte        Op = "$lte"
	OpIn         Op = "$in"
	OpStartsWith Op = "$sw"
)

func (o Op) valid() bool {
	switch o {
	case OpEq, OpNe, OpGt, OpGte, OpLt, OpLte, OpIn, OpStartsWith:
		return true
	}
	return false
}

// Filter is one `field:$op:value` condition. Several filters in a
// ListOptions are ANDed. Build them with Eq, Ne, Gt, Gte, Lt, Lte, In and
// StartsWith, which take strings (and named string types such as State),
// booleans, integers, floats, time.Time and Timestamp; any other value
// (a pointer, nil, a struct) makes the filter invalid, and Validate, List
// and All report it before anything is sent.
type Filter struct {
	Field  string
	Op     Op
	Values []string

	err error // a value the builder could not encode
}

// Filters is a list of filters, sent as repeated `filter` parameters.
type Filters []Filter

func build(field string, op Op, values ...any) Filter {
	f := Filter{Field: field, Op: op, Values: make([]string, 0, len(values))}
	for _, v := range values {
		s, err := formatValue(v)
		if err != nil && f.err == nil {
			f.err = fmt.Errorf("jumpcloud: filter on %q: %w", field, err)
		}
		f.Values = append(f.Values, s)
	}
	return f
}

// Eq matches users whose field equals value.
func Eq(field string, value any) Filter { return build(field, OpEq, value) }

// Ne matches users whose field differs from value.
func Ne(field string, value any) Filter { return build(field, OpNe, value) }

// Gt matches users whose field is greater than value.
func Gt(field string, value any) Filter { return build(field, OpGt, value) }

// Gte matches users whose field is greater than or equal to value.
func Gte(field string, value any) Filter { return build(field, OpGte, value) }

// Lt matches users whose field is less than value.
func Lt(field string, value any) Filter { return build(field, OpLt, value) }

// Lte matches users whose field is less than or equal to value.
func Lte(field string, value any) Filter { return build(field, OpLte, value) }

// In matches users whose field equals any of values.
func In(field string, values ...any) Filter { return build(field, OpIn, values...) }

// StartsWith matches users whose field starts with prefix.
func StartsWith(field, prefix string) Filter { return build(field, OpStartsWith, prefix) }

func formatValue(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", errors.New("nil is not a filter value; to find users without a value, filter on the empty string")
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano), nil
	case Timestamp:
		return x.UTC().Format(time.RFC3339Nano), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("%v is not a filter value; want a finite number", f)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case reflect.Pointer:
		return "", fmt.Errorf("a pointer (%T) is not a filter value; pass the value it points to", v)
	}
	return "", fmt.Errorf("%T is not a filter value; want a string, bool, integer, float, time.Time or Timestamp", v)
}

var filterFieldPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_\-]+)*$`)

// Validate reports a filter that the API would misread: a value the
// builder could not encode, a field name that is not a plain (dotted)
// name (a leading '$' would be read as an operator), an unknown operator,
// or a wrong number of values. List and All also check the field against
// the fields of the listed type.
func (f Filter) Validate() error {
	if f.err != nil {
		return f.err
	}
	if !filterFieldPattern.MatchString(f.Field) {
		return fmt.Errorf("jumpcloud: filter field %q is not a field name (letters, digits, '_', '-', dotted paths; no leading '$')", f.Field)
	}
	if !f.Op.valid() {
		return fmt.Errorf("jumpcloud: filter on %q: operator %q is not one of $eq $ne $gt $gte $lt $lte $in $sw", f.Field, f.Op)
	}
	if len(f.Values) == 0 {
		return fmt.Errorf("jumpcloud: filter on %q: %s needs a value", f.Field, f.Op)
	}
	if f.Op != OpIn && len(f.Values) != 1 {
		return fmt.Errorf("jumpcloud: filter on %q: %s takes one value, got %d", f.Field, f.Op, len(f.Values))
	}
	for _, v := range f.Values {
		if strings.ContainsAny(v, "\x00") {
			return fmt.Errorf("jumpcloud: filter on %q: value %q contains a NUL byte", f.Field, v)
		}
		if f.Op == OpIn && strings.HasSuffix(v, `\`) {
			// "\|" is the documented escape of a literal '|', so a value
			// ending in '\' would swallow the separator after it.
			return fmt.Errorf("jumpcloud: filter on %q: $in value %q ends with a backslash, which $in cannot encode", f.Field, v)
		}
	}
	return nil
}

// String encodes the filter as the API expects: `field:$op:value`, with
// $in values joined by '|' (a literal '|' is escaped as '\|', as
// documented; nothing else is escaped).
func (f Filter) String() string {
	var b strings.Builder
	b.WriteString(f.Field)
	b.WriteByte(':')
	b.WriteString(string(f.Op))
	b.WriteByte(':')
	if f.Op == OpIn {
		for i, v := range f.Values {
			if i > 0 {
				b.WriteByte('|')
			}
			b.WriteString(escapeIn(v))
		}
	} else if len(f.Values) > 0 {
		b.WriteString(f.Values[0])
	}
	return b.String()
}

func escapeIn(v string) string { return strings.ReplaceAll(v, "|", `\|`) }

// ParseFilter decodes `field:$op:value` (the inverse of Filter.String).
func ParseFilter(s string) (Filter, error) {
	field, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Filter{}, fmt.Errorf("jumpcloud: filter %q is not field:$op:value", s)
	}
	op, value, ok := strings.Cut(rest, ":")
	if !ok {
		return Filter{}, fmt.Errorf("jumpcloud: filter %q is not field:$op:value", s)
	}
	f := Filter{Field: field, Op: Op(op)}
	if f.Op == OpIn {
		f.Values = splitIn(value)
	} else {
		f.Values = []string{value}
	}
	if err := f.Validate(); err != nil {
		return Filter{}, err
	}
	return f, nil
}

func splitIn(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && s[i+1] == '|':
			i++
			cur.WriteByte('|')
		case c == '|':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}

// EncodeValues implements query.Encoder: one `filter` parameter per filter.
func (fs Filters) EncodeValues(key string, v *url.Values) error {
	for _, f := range fs {
		if err := f.Validate(); err != nil {
			return err
		}
		v.Add(key, f.String())
	}
	return nil
}
