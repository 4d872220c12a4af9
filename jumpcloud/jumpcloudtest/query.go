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
	and, or     []wireFilter
}

// wireFilter is one v1 filter as the fake reads it off the wire. The fake
// parses filters itself, not with the client's code, so that an encoding
// bug in the client shows up against it instead of cancelling out.
type wireFilter struct {
	field, op string
	values    []string
}

// Operators the fake evaluates; $ew, $co and $nco need the
// x-eventually-consistent: true header, as documented.
var (
	filterOps     = map[string]bool{"$eq": true, "$ne": true, "$gt": true, "$gte": true, "$lt": true, "$lte": true, "$in": true, "$nin": true, "$sw": true}
	consistentOps = map[string]bool{"$ew": true, "$co": true, "$nco": true}
	filterField   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$`)
)

// parseWireFilter reads "field:$op:value"; the value is everything after
// the second colon (dates carry colons of their own), and $in / $nin
// values are separated by "|", a literal "|" escaped as "\|".
func parseWireFilter(raw string, eventuallyConsistent bool) (wireFilter, error) {
	i := strings.IndexByte(raw, ':')
	if i < 0 {
		return wireFilter{}, badRequestf("invalid filter %q: expected field:$operator:value", raw)
	}
	j := strings.IndexByte(raw[i+1:], ':')
	if j < 0 {
		return wireFilter{}, badRequestf("invalid filter %q: expected field:$operator:value", raw)
	}
	f := wireFilter{field: raw[:i], op: raw[i+1 : i+1+j]}
	value := raw[i+2+j:]
	switch {
	case !filterField.MatchString(f.field):
		return wireFilter{}, badRequestf("invalid filter %q: bad field name", raw)
	case consistentOps[f.op] && !eventuallyConsistent:
		return wireFilter{}, badRequestf("invalid filter %q: %s requires the x-eventually-consistent: true header", raw, f.op)
	case !filterOps[f.op] && !consistentOps[f.op]:
		return wireFilter{}, badRequestf("invalid filter %q: unknown operator %q", raw, f.op)
	}
	if f.op == "$in" || f.op == "$nin" {
		var cur strings.Builder
		for k := 0; k < len(value); k++ {
			switch c := value[k]; {
			case c == '\\' && k+1 < len(value) && value[k+1] == '|':
				cur.WriteByte('|')
				k++
			case c == '|':
				f.values = append(f.values, cur.String())
				cur.Reset()
			default:
				cur.WriteByte(c)
			}
		}
		f.values = append(f.values, cur.String())
	} else {
		f.values = []string{value}
	}
	return f, nil
}

var orFilterKey = regexp.MustCompile(`^filter\[or\]\[\d+\]$`)
var andFilterKey = regexp.MustCompile(`^filter(\[\d+\])?$`)

// parseListQuery reads the v1 list parameters; errors carry the API's
// message text.
func parseListQuery(v url.Values, eventuallyConsistent ...bool) (*listQuery, error) {
	consistent := len(eventuallyConsistent) > 0 && eventuallyConsistent[0]
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
			f, err := parseWireFilter(raw, consistent)
			if err != nil {
				return nil, err
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
func matchFilter(r record, f wireFilter) bool {
	v := lookup(r, f.field)
	switch f.op {
	case "$eq":
		return compareTo(v, f.values[0]) == 0
	case "$ne":
		return compareTo(v, f.values[0]) != 0
	case "$gt":
		return v != nil && compareTo(v, f.values[0]) > 0
	case "$gte":
		return v != nil && compareTo(v, f.values[0]) >= 0
	case "$lt":
		return v != nil && compareTo(v, f.values[0]) < 0
	case "$lte":
		return v != nil && compareTo(v, f.values[0]) <= 0
	case "$in", "$nin":
		in := false
		for _, x := range f.values {
			if compareTo(v, x) == 0 {
				in = true
				break
			}
		}
		return in == (f.op == "$in")
	case "$sw", "$ew", "$co", "$nco":
		s, ok := v.(string)
		if !ok {
			return f.op == "$nco"
		}
		switch f.op {
		case "$sw":
			return strings.HasPrefix(s, f.values[0])
		case "$ew":
			return strings.HasSuffix(s, f.values[0])
		case "$co":
			return strings.Contains(s, f.values[0])
		}
		return !strings.Contains(s, f.values[0])
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
