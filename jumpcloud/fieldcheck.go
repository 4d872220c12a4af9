package jumpcloud

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jcoom/jcoom/internal/nearest"
)

// fieldKind is what a filter value on a field must look like.
type fieldKind int

const (
	kindString fieldKind = iota
	kindBool
	kindInt
	kindDate
	kindState
	kindNested // an object or a list: only dotted paths below it
)

// fieldSet is the set of fields a list endpoint filters on (its response
// fields, as the API documents), derived from the response type so that
// the check cannot drift from the type.
type fieldSet struct {
	schema string
	kinds  map[string]fieldKind
	names  []string
}

func fieldsOf(t reflect.Type, schema string) *fieldSet {
	fs := &fieldSet{schema: schema, kinds: map[string]fieldKind{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		k := kindString
		switch {
		case sf.Type == reflect.TypeFor[State]():
			k = kindState
		case sf.Type == reflect.TypeFor[Timestamp]():
			k = kindDate
		case sf.Type.Kind() == reflect.Bool:
			k = kindBool
		case sf.Type.Kind() == reflect.Int:
			k = kindInt
		case sf.Type.Kind() == reflect.Pointer, sf.Type.Kind() == reflect.Slice, sf.Type.Kind() == reflect.Struct:
			k = kindNested
		}
		fs.kinds[name] = k
		fs.names = append(fs.names, name)
	}
	slices.Sort(fs.names)
	return fs
}

var (
	userFilterFields  = sync.OnceValue(func() *fieldSet { return fieldsOf(reflect.TypeFor[User](), "systemuser") })
	adminFilterFields = sync.OnceValue(func() *fieldSet { return fieldsOf(reflect.TypeFor[Admin](), "administrator") })
)

var states = []string{string(StateStaged), string(StateActivated), string(StateSuspended)}

// check refuses a filter that would silently match nobody: a field the
// schema does not have, a value of the wrong kind, a state that is not one
// of the states.
func (fs *fieldSet) check(f Filter) error {
	top, below, dotted := strings.Cut(f.Field, ".")
	kind, ok := fs.kinds[top]
	if !ok {
		return fmt.Errorf("jumpcloud: filter on %q: the %s schema has no field %q%s", f.Field, fs.schema, top, nearest.Hint(top, fs.names))
	}
	if dotted {
		if kind != kindNested {
			return fmt.Errorf("jumpcloud: filter on %q: %s is not an object, so it has no field %q", f.Field, top, below)
		}
		return nil
	}
	if kind == kindNested {
		// Whether an object is there at all is a fair question:
		// admin:$eq:null finds the users who are not administrators.
		if (f.Op == OpEq || f.Op == OpNe) && (f.Values[0] == "" || f.Values[0] == "null") {
			return nil
		}
		return fmt.Errorf("jumpcloud: filter on %q: %s is an object or a list; filter on one of its fields, e.g. %s.<name>, or test it against the empty value (null)", f.Field, top, top)
	}
	if f.Op == OpStartsWith && kind != kindString && kind != kindState {
		return fmt.Errorf("jumpcloud: filter on %q: $sw (starts with) needs a text field", f.Field)
	}
	for _, v := range f.Values {
		var bad string
		switch kind {
		case kindBool:
			if v != "true" && v != "false" {
				bad = "true or false"
			}
		case kindInt:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				bad = "an integer"
			}
		case kindDate:
			if _, err := ParseTimestamp(v); err != nil || v == "" {
				bad = "a date (RFC3339 or YYYY-MM-DD)"
			}
		case kindState:
			if f.Op != OpStartsWith && !slices.Contains(states, v) {
				return fmt.Errorf("jumpcloud: filter on %q: %q is not a state; known values: %s (values are case-sensitive)%s",
					f.Field, v, strings.Join(states, ", "), nearest.Hint(v, states))
			}
		}
		if bad != "" {
			return fmt.Errorf("jumpcloud: filter on %q: value %q is not %s", f.Field, v, bad)
		}
	}
	return nil
}

func (fs *fieldSet) checkAll(filters Filters) error {
	for _, f := range filters {
		if err := f.Validate(); err != nil {
			return err
		}
		if err := fs.check(f); err != nil {
			return err
		}
	}
	return nil
}
