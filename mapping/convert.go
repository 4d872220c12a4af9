package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// describe names a value for error messages: its kind and, for scalars, the value.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the boolean %v", x)
	case float64, float32, int, int64, int32, json.Number:
		return fmt.Sprintf("the number %v", x)
	case time.Time:
		return "the time " + x.UTC().Format(time.RFC3339)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	}
	return false
}

// number reads an integer or decimal from a JSON-ish value.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// toTime reads a time from time.Time, an RFC 3339 or plain date string,
// or epoch seconds.
func toTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), !x.IsZero()
	case string:
		s := strings.TrimSpace(x)
		for _, l := range dateLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), true
			}
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return time.Unix(int64(f), 0).UTC(), true
		}
		return time.Time{}, false
	}
	if f, ok := number(v); ok && math.Abs(f) < 1e13 {
		return time.Unix(int64(f), 0).UTC(), true
	}
	return time.Time{}, false
}

// Convert turns v into the stored form of type t: string, int64 for
// integers and dates (epoch seconds, midnight UTC for TypeDate), float64
// for decimals, bool. nil and "" convert to nil, except for strings.
func Convert(t FieldType, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if s, ok := v.(string); ok && strings.TrimSpace(s) == "" && t != TypeString && t != "" {
		return nil, nil
	}
	switch t {
	case TypeString, "":
		switch x := v.(type) {
		case string:
			return x, nil
		case bool:
			return strconv.FormatBool(x), nil
		case time.Time:
			return x.UTC().Format(time.RFC3339), nil
		case json.Number:
			return x.String(), nil
		}
		if f, ok := number(v); ok {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
	case TypeInteger:
		if _, isBool := v.(bool); !isBool {
			if f, ok := number(v); ok {
				if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
					return nil, fmt.Errorf("cannot convert %s to integer: it has a fraction or is too large", describe(v))
				}
				return int64(f), nil
			}
		}
	case TypeDecimal:
		if _, isBool := v.(bool); !isBool {
			if f, ok := number(v); ok {
				return f, nil
			}
		}
	case TypeBoolean:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "y", "1", "on":
				return true, nil
			case "false", "no", "n", "0", "off":
				return false, nil
			}
		default:
			if f, ok := number(v); ok && (f == 0 || f == 1) {
				return f == 1, nil
			}
		}
	case TypeDate, TypeDateTime:
		if _, isBool := v.(bool); !isBool {
			if tm, ok := toTime(v); ok {
				if t == TypeDate {
					tm = time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC)
				}
				return tm.Unix(), nil
			}
		}
	default:
		return nil, fmt.Errorf("unknown field type %q", t)
	}
	return nil, fmt.Errorf("cannot convert %s to %s", describe(v), t)
}

// equalValues compares two values of a field of type t after converting
// both, so that what was written and what Oomnitza returns compare equal:
// 5 and "5" and json.Number("5") for integers, a date and its epoch, nil
// and "".
func equalValues(t FieldType, a, b any) bool {
	ca, errA := Convert(t, a)
	cb, errB := Convert(t, b)
	if errA != nil || errB != nil {
		return fmt.Sprint(a) == fmt.Sprint(b)
	}
	if t == TypeString || t == "" {
		sa, _ := ca.(string)
		sb, _ := cb.(string)
		return sa == sb
	}
	if ca == nil || cb == nil {
		return ca == nil && cb == nil
	}
	if t == TypeDecimal {
		fa, fb := ca.(float64), cb.(float64)
		return fa == fb || math.Abs(fa-fb) <= 1e-9*math.Max(math.Abs(fa), math.Abs(fb))
	}
	return ca == cb
}
