package jumpcloudtest

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/jcoom/jcoom/jumpcloud"
)

// apiError is an error whose text is the API's message, sent as is.
type apiError string

func (e apiError) Error() string { return string(e) }

// badRequestf formats a 400 message with the API's "Bad Request: " prefix.
func badRequestf(format string, a ...any) error {
	return apiError("Bad Request: " + fmt.Sprintf(format, a...))
}

type sortKey struct {
	field string
	desc  bool
}

// listQuery is a parsed limit/skip/sort/fields/filter query.
type listQuery struct {
	limit, skip int
	sort        []sortKey
	fields      []string
	and, or     []jumpcloud.Filter
}

var orFilterKey = regexp.MustCompile(`^filter\[or\]\[\d+\]$`)
var andFilterKey = regexp.MustCompile(`^filter(\[\d+\])?$`)

// parseListQuery reads the v1 list parameters; errors carry the API's
// message text.
func parseListQuery(v url.Values) (*listQuery, error) {
	q := &listQuery{limit: 10}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, badRequestf("request parameter \"limit\" must be a non-negative integer")
		}
		if n > jumpcloud.MaxLimit {
			return nil, badRequestf("request parameter \"limit\" exceeds maximum value of %d", jumpcloud.MaxLimit)
		}
		if n > 0 {
			q.limit = n
		}
	}
	if s := v.Get("skip"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, badRequestf("request parameter \"skip\" must be a non-negative integer")
		}
		q.skip = n
	}
	for _, f := range strings.Fields(v.Get("sort")) {
		k := sortKey{field: f}
		if strings.HasPrefix(f, "-") {
			k = sortKey{field: f[1:], desc: true}
		}
		q.sort = append(q.sort, k)
	}
	q.fields = strings.Fields(v.Get("fields"))
	for key, vals := range v {
		isOr := orFilterKey.MatchString(key)
		if !isOr && !andFilterKey.MatchString(key) {
			continue
		}
		for _, raw := range vals {
			f, err := jumpcloud.ParseFilter(raw)
			if err != nil {
				return nil, badRequestf("invalid filter %q", raw)
			}
			if isOr {
				q.or = append(q.or, f)
			} else {
				q.and = append(q.and, f)
			}
		}
	}
	return q, nil
}

// apply filters, sorts and pages; ids must be in _id order.
func (q *listQuery) apply(ids []string, get func(string) record) (int, []record) {
	plain := len(q.and) == 0 && len(q.or) == 0 &&
		(len(q.sort) == 0 || len(q.sort) == 1 && q.sort[0] == sortKey{field: "_id"})
	var all []record
	if plain {
		if q.skip >= len(ids) {
			return len(ids), nil
		}
		end := min(q.skip+q.limit, len(ids))
		page := make([]record, 0, end-q.skip)
		for _, id := range ids[q.skip:end] {
			page = append(page, get(id))
		}
		return len(ids), page
	}
	for _, id := range ids {
		r := get(id)
		if q.match(r) {
			all = append(all, r)
		}
	}
	if len(q.sort) > 0 {
		slices.SortStableFunc(all, func(a, b record) int {
			for _, k := range q.sort {
				c := compareAny(lookup(a, k.field), lookup(b, k.field))
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	if q.skip >= len(all) {
		return len(all), nil
	}
	return len(all), all[q.skip:min(q.skip+q.limit, len(all))]
}

func (q *listQuery) match(r record) bool {
	for _, f := range q.and {
		if !matchFilter(r, f) {
			return false
		}
	}
	if len(q.or) == 0 {
		return true
	}
	for _, f := range q.or {
		if matchFilter(r, f) {
			return true
		}
	}
	return false
}

// project keeps only the requested fields (and _id).
func (q *listQuery) project(r record) record {
	if len(q.fields) == 0 {
		return r
	}
	out := record{"_id": r["_id"]}
	for _, f := range q.fields {
		if v, ok := r[f]; ok {
			out[f] = v
		}
	}
	return out
}

// lookup reads a dotted path (e.g. "admin.roleName" or "mfa.configured").
func lookup(r record, path string) any {
	var cur any = r
	for part := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// matchFilter evaluates one v1 filter against a record. Comparison is
// typed by the stored value: booleans and numbers compare as such, dates
// as instants, everything else as case-sensitive strings.
func matchFilter(r record, f jumpcloud.Filter) bool {
	v := lookup(r, f.Field)
	switch f.Op {
	case jumpcloud.OpEq:
		return compareTo(v, f.Values[0]) == 0
	case jumpcloud.OpNe:
		return compareTo(v, f.Values[0]) != 0
	case jumpcloud.OpGt:
		return v != nil && compareTo(v, f.Values[0]) > 0
	case jumpcloud.OpGte:
		return v != nil && compareTo(v, f.Values[0]) >= 0
	case jumpcloud.OpLt:
		return v != nil && compareTo(v, f.Values[0]) < 0
	case jumpcloud.OpLte:
		return v != nil && compareTo(v, f.Values[0]) <= 0
	case jumpcloud.OpIn:
		for _, x := range f.Values {
			if compareTo(v, x) == 0 {
				return true
			}
		}
		return false
	case jumpcloud.OpStartsWith:
		s, ok := v.(string)
		return ok && strings.HasPrefix(s, f.Values[0])
	}
	return false
}

// compareTo compares a stored value with a filter value; it returns a
// non-zero result whenever they cannot be equal.
func compareTo(v any, s string) int {
	switch x := v.(type) {
	case nil:
		if s == "" || s == "null" {
			return 0
		}
		return -1
	case bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return cmp.Compare(strconv.FormatBool(x), s)
		}
		return cmp.Compare(boolInt(x), boolInt(b))
	case float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return cmp.Compare(strconv.FormatFloat(x, 'f', -1, 64), s)
		}
		return cmp.Compare(x, f)
	case string:
		if a, err := jumpcloud.ParseTimestamp(x); err == nil && !a.IsZero() && len(x) >= 10 {
			if b, err := jumpcloud.ParseTimestamp(s); err == nil && !b.IsZero() {
				return a.Compare(b.Time)
			}
		}
		return cmp.Compare(x, s)
	}
	return -1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareAny orders two stored values for sorting; nil sorts first.
func compareAny(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			return cmp.Compare(boolInt(x), boolInt(y))
		}
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}
