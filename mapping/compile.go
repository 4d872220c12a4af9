package mapping

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// RunInfo are the facts of a run that mappings can read.
type RunInfo struct {
	// Time is the run's time ($sync.time, "Connector Sync Time").
	Time time.Time
	// Credential is the name of the JumpCloud credential used
	// ($sync.credential, "Connect: Credentials"); never the secret.
	Credential string
}

type compileSettings struct {
	run     RunInfo
	lookups map[string]Lookup
}

// CompileOption configures Compile.
type CompileOption func(*compileSettings)

// WithRun sets the run facts ($sync.time, $sync.credential). Without it
// the time is that of Compile.
func WithRun(r RunInfo) CompileOption { return func(s *compileSettings) { s.run = r } }

// WithLookup registers a lookup for the lookup transform, e.g.
// WithLookup("manager_email", func(id string) (any, bool) {...}).
func WithLookup(name string, fn Lookup) CompileOption {
	return func(s *compileSettings) { s.lookups[name] = fn }
}

// Compiled is a validated mapping with its transforms, expressions and
// conversions prepared. It is safe for concurrent use.
type Compiled struct {
	m      *Mapping
	run    RunInfo
	filter *vm.Program
	rules  []rule
	role   int64
	types  map[string]FieldType
}

type rule struct {
	name     string // "fields[3] (email -> username, email)"
	get      func(st *evalState) (any, error)
	steps    []step
	def      any
	required bool
	to       []string
	types    []FieldType
	dropdown [][]string
}

// Compile validates the mapping against schema (see Validate) and prepares
// it. A draft returns its *ValidationError. With a nil schema values are
// written as the transforms leave them.
func (m *Mapping) Compile(schema *Schema, opts ...CompileOption) (*Compiled, error) {
	if err := m.Validate(schema); err != nil {
		return nil, err
	}
	s := compileSettings{lookups: map[string]Lookup{}}
	for _, o := range opts {
		o(&s)
	}
	if s.run.Time.IsZero() {
		s.run.Time = time.Now()
	}
	c := &Compiled{m: m.Clone(), run: s.run, types: map[string]FieldType{}}
	if m.Filter != "" {
		p, err := expr.Compile(m.Filter, exprOptions(true)...)
		if err != nil {
			return nil, fmt.Errorf("mapping: filter: %w", err)
		}
		c.filter = p
	}
	writesRole := false
	var problems []string
	for i, f := range c.m.Fields {
		r, err := compileRule(i, f, schema, s.lookups)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		for j, to := range r.to {
			c.types[to] = r.types[j]
			writesRole = writesRole || to == "role"
		}
		c.rules = append(c.rules, r)
	}
	if len(problems) > 0 {
		return nil, errors.New("mapping: " + strings.Join(problems, "; "))
	}
	if !writesRole {
		c.role = int64(m.Role)
		c.types["role"] = TypeInteger
	}
	return c, nil
}

func describeRule(i int, f Field) string {
	return fmt.Sprintf("fields[%d] (%s)", i, ruleName(f))
}

func compileRule(i int, f Field, schema *Schema, lookups map[string]Lookup) (rule, error) {
	r := rule{name: describeRule(i, f), def: f.Default, required: f.Required, to: f.To}
	switch {
	case f.From == SourceSyncTime:
		r.get = func(st *evalState) (any, error) { return st.run.Time.UTC(), nil }
	case f.From == SourceSyncCredential:
		r.get = func(st *evalState) (any, error) { return st.run.Credential, nil }
	case f.From != "" && len(f.Fallback) > 0:
		paths := [][]string{splitPath(f.From)}
		for _, fb := range f.Fallback {
			paths = append(paths, splitPath(fb))
		}
		r.get = func(st *evalState) (any, error) {
			var v any
			for _, parts := range paths {
				if v, _ = resolvePath(st.src, parts); !isEmpty(v) {
					break
				}
			}
			return v, nil
		}
	case f.From != "":
		parts := splitPath(f.From)
		r.get = func(st *evalState) (any, error) { v, _ := resolvePath(st.src, parts); return v, nil }
	case f.Expr != "":
		p, err := expr.Compile(f.Expr, exprOptions(false)...)
		if err != nil {
			return r, fmt.Errorf("%s: %w", r.name, err)
		}
		r.get = func(st *evalState) (any, error) { return st.eval(p) }
	default:
		v := f.Value
		r.get = func(*evalState) (any, error) { return v, nil }
	}
	for _, t := range f.Transform {
		st, err := compileTransform(t, lookups)
		if err != nil {
			return r, fmt.Errorf("%s: %w", r.name, err)
		}
		r.steps = append(r.steps, st)
	}
	for _, to := range f.To {
		tf, _ := schema.Field(to)
		t := tf.Type
		if schema == nil {
			t = ""
		}
		r.types = append(r.types, t)
		r.dropdown = append(r.dropdown, tf.Dropdown)
	}
	return r, nil
}

// Mapping returns a copy of the compiled mapping.
func (c *Compiled) Mapping() *Mapping { return c.m.Clone() }

// WithRun returns a copy of c that reads other run facts.
func (c *Compiled) WithRun(r RunInfo) *Compiled {
	cc := *c
	cc.run = r
	return &cc
}

// FieldError is one rule that failed for a record.
type FieldError struct {
	Rule string
	Err  error
}

// ApplyError lists the rules that failed for one record. The record must
// not be written.
type ApplyError struct {
	Fields []FieldError
}

func (e *ApplyError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Rule + ": " + f.Err.Error()
	}
	return "mapping: " + strings.Join(parts, "; ")
}

// Unwrap returns the rules' errors, so that errors.Is(err, ErrOverBudget)
// and the like see through an ApplyError.
func (e *ApplyError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f.Err
	}
	return out
}

// Apply maps one JumpCloud user (as decoded from JSON) to an Oomnitza
// record keyed by external id, with values converted to each target's
// type. Empty values are nil (they clear the field). Any failure is an
// *ApplyError naming every rule that failed; it never panics.
func (c *Compiled) Apply(src Record) (Record, error) {
	out := make(Record, len(c.types))
	var failed []FieldError
	state := newEvalState(src, &c.run)
	for i := range c.rules {
		r := &c.rules[i]
		v, err := r.get(state)
		for _, st := range r.steps {
			if err != nil {
				break
			}
			v, err = st(v)
		}
		if n := valueSize(v); err == nil && n > MaxValueBytes {
			err = overBudget("the value is %d bytes, over the %d-byte limit of a value", n, MaxValueBytes)
		}
		if err == nil && isEmpty(v) && r.def != nil {
			v = r.def
		}
		if err == nil && r.required && isEmpty(v) {
			err = errors.New("required value is empty")
		}
		if err != nil {
			failed = append(failed, FieldError{Rule: r.name, Err: err})
			continue
		}
		for j, to := range r.to {
			cv, err := Convert(r.types[j], v)
			if err == nil && len(r.dropdown[j]) > 0 && cv != nil && !dropdownHas(r.dropdown[j], cv) {
				err = fmt.Errorf("%s is not one of the dropdown values of %s", describe(cv), to)
			}
			if err != nil {
				failed = append(failed, FieldError{Rule: r.name, Err: fmt.Errorf("%s: %w", to, err)})
				continue
			}
			out[to] = cv
		}
	}
	if c.role != 0 {
		out["role"] = c.role
	}
	if len(failed) > 0 {
		return nil, &ApplyError{Fields: failed}
	}
	return out, nil
}

func dropdownHas(values []string, v any) bool {
	s := fmt.Sprint(v)
	for _, x := range values {
		if x == s {
			return true
		}
	}
	return false
}

// Match evaluates the mapping's filter on a JumpCloud user; without a
// filter every user matches. An expression that fails at run time (say,
// comparing a string with a number) is an error, never a silent skip.
func (c *Compiled) Match(src Record) (bool, error) {
	if c.filter == nil {
		return true, nil
	}
	out, err := newEvalState(src, &c.run).eval(c.filter)
	if err != nil {
		return false, fmt.Errorf("mapping: filter: %w", err)
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("mapping: filter returned %s, not a boolean", describe(out))
	}
	return b, nil
}

// Equal reports whether two values of the target field compare equal
// after conversion to its type: what Apply wrote and what Oomnitza returns
// for it are Equal, so a sync never sees a perpetual difference.
func (c *Compiled) Equal(field string, a, b any) bool {
	return equalValues(c.types[field], a, b)
}

// Targets returns the Oomnitza fields the mapping writes, role included
// when the mapping sets a default role.
func (c *Compiled) Targets() []string {
	out := make([]string, 0, len(c.types))
	for _, r := range c.rules {
		out = append(out, r.to...)
	}
	if c.role != 0 {
		out = append(out, "role")
	}
	return out
}
