package jumpcloud

import (
	"fmt"
	"net/url"
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
// StartsWith.
type Filter struct {
	Field  string
	Op     Op
	Values []string
}

// Filters is a list of filters, sent as repeated `filter` parameters.
type Filters []Filter

// Eq matches users whose field equals value.
func Eq(field string, value any) Filter { return Filter{field, OpEq, []string{formatValue(value)}} }

// Ne matches users whose field differs from value.
func Ne(field string, value any) Filter { return Filter{field, OpNe, []string{formatValue(value)}} }

// Gt matches users whose field is greater than value.
func Gt(field string, value any) Filter { return Filter{field, OpGt, []string{formatValue(value)}} }

// Gte matches users whose field is greater than or equal to value.
func Gte(field string, value any) Filter { return Filter{field, OpGte, []string{formatValue(value)}} }

// Lt matches users whose field is less than value.
func Lt(field string, value any) Filter { return Filter{field, OpLt, []string{formatValue(value)}} }

// Lte matches users whose field is less than or equal to value.
func Lte(field string, value any) Filter { return Filter{field, OpLte, []string{formatValue(value)}} }

// In matches users whose field equals any of values.
func In(field string, values ...any) Filter {
	vs := make([]string, len(values))
	for i, v := range values {
		vs[i] = formatValue(v)
	}
	return Filter{field, OpIn, vs}
}

// StartsWith matches users whose field starts with prefix.
func StartsWith(field, prefix string) Filter { return Filter{field, OpStartsWith, []string{prefix}} }

func formatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case State:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case Timestamp:
		return x.UTC().Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

var filterFieldPattern = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_.\-]*$`)

// Validate reports a filter that the API would misread.
func (f Filter) Validate() error {
	if !filterFieldPattern.MatchString(f.Field) {
		return fmt.Errorf("jumpcloud: filter field %q is not a field name (letters, digits, '_', '.', '-')", f.Field)
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
	}
	return nil
}

// String encodes the filter as the API expects: `field:$op:value`, with
// $in values joined by '|' (a literal '|' or '\' is escaped with '\').
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

func escapeIn(v string) string {
	if !strings.ContainsAny(v, `|\`) {
		return v
	}
	return strings.NewReplacer(`\`, `\\`, `|`, `\|`).Replace(v)
}

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
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
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
