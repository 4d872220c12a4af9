package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
)

// Issue is one reason a mapping is a draft.
type Issue struct {
	// Rule locates the problem, e.g. "fields[3].to" or "sync_keys[0]".
	Rule string
	// Problem says what is wrong.
	Problem string
	// Fix says what to do.
	Fix string
}

func (i Issue) String() string {
	s := i.Rule + ": " + i.Problem
	if i.Fix != "" {
		s += " (fix: " + i.Fix + ")"
	}
	return s
}

// ValidationError lists every reason a mapping is a draft. A draft cannot run.
type ValidationError struct {
	Mapping string
	Issues  []Issue
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mapping %q is a draft: %d problem(s)", e.Mapping, len(e.Issues))
	for _, i := range e.Issues {
		b.WriteString("\n  - ")
		b.WriteString(i.String())
	}
	return b.String()
}

var externalIDPattern = regexp.MustCompile(`^[a-z0-9_]+$`)

// oomnitzaType names a FieldType as Oomnitza's UI does.
func oomnitzaType(t FieldType) string {
	switch t {
	case TypeInteger:
		return "Numeric"
	case TypeDecimal:
		return "Decimal"
	case TypeBoolean:
		return "Checkbox"
	case TypeDate:
		return "Date"
	case TypeDateTime:
		return "DateTime"
	}
	return "Short Text"
}

// labelFor guesses a field's label from its external id.
func labelFor(id string) string {
	if id == JumpCloudIDField {
		return "JumpCloud User Id"
	}
	return title(strings.ReplaceAll(id, "_", " "))
}

// createFix says what to create in Oomnitza for a missing target field.
func createFix(id string, t FieldType, unique bool) string {
	u := ""
	if unique {
		u = ", with Unique checked (sync keys must be unique)"
	}
	return fmt.Sprintf("in Oomnitza, open Configuration > Data Model > People and add a custom field labelled %q of type %s%s whose external id is %s; Oomnitza's API cannot create fields",
		labelFor(id), oomnitzaType(t), u, id)
}

// Validate checks the mapping against the Oomnitza schema (nil skips the
// checks that need it) and returns a *ValidationError listing every
// problem, or nil when the mapping can run.
func (m *Mapping) Validate(schema *Schema) error {
	v := &validation{m: m, schema: schema}
	v.run()
	if len(v.issues) == 0 {
		return nil
	}
	return &ValidationError{Mapping: m.Name, Issues: v.issues}
}

type validation struct {
	m      *Mapping
	schema *Schema
	issues []Issue
}

func (v *validation) add(rule, problem, fix string) {
	v.issues = append(v.issues, Issue{Rule: rule, Problem: problem, Fix: fix})
}

func (v *validation) run() {
	m := v.m
	if strings.TrimSpace(m.Name) == "" {
		v.add("name", "the mapping has no name", "set name, e.g. name: jumpcloud-users")
	}
	switch m.mode() {
	case ModeUsers, ModeUsersAndSaaS:
	default:
		v.add("mode", fmt.Sprintf("%q is not a mode", m.Mode), "use users or users_and_saas")
	}
	switch m.preference() {
	case CreateAndUpdate, CreateOnly, UpdateOnly:
	default:
		v.add("preference", fmt.Sprintf("%q is not a preference", m.Preference),
			"use create_and_update, create_only or update_only (create only and update only cannot both be set)")
	}
	if m.Filter != "" {
		if _, err := expr.Compile(m.Filter, exprOptions(true)...); err != nil {
			v.add("filter", "the expression does not compile: "+oneLine(err), "write an expr-lang boolean expression over the JumpCloud user, e.g. state == \"ACTIVATED\" && !suspended")
		}
	}

	targets := map[string]string{} // target -> rule that writes it
	targetType := map[string]FieldType{}
	for i, f := range m.Fields {
		v.field(i, f, targets, targetType)
	}

	for _, need := range []string{"username", "email"} {
		if _, ok := targets[need]; !ok {
			v.add("fields", fmt.Sprintf("nothing is mapped to %s", need),
				"map Email to both username and email: {from: email, to: [username, email], transform: [trim, lower], required: true}")
		}
	}
	if _, ok := targets["role"]; !ok && m.Role == 0 {
		v.add("role", "no Oomnitza role is set; Oomnitza requires a role for every user",
			"set role to a role id of your instance (e.g. role: 25), or map a field to role")
	} else if m.Role < 0 {
		v.add("role", fmt.Sprintf("role %d is not a role id", m.Role), "use a positive Oomnitza role id")
	}

	if len(m.SyncKeys) == 0 {
		v.add("sync_keys", "no sync key is set", "list one or more unique fields, primary first, e.g. sync_keys: [jump_cloud_user_id, email]")
	}
	seen := map[string]bool{}
	for i, k := range m.SyncKeys {
		rule := fmt.Sprintf("sync_keys[%d]", i)
		if seen[k] {
			v.add(rule, fmt.Sprintf("sync key %q is listed twice", k), "list each key once")
			continue
		}
		seen[k] = true
		if _, ok := targets[k]; !ok {
			v.add(rule, fmt.Sprintf("sync key %q is not mapped by any field", k),
				fmt.Sprintf("add a field rule with to: %s", k))
		}
		if v.schema == nil {
			continue
		}
		tf, ok := v.schema.Field(k)
		switch {
		case !ok:
			t := targetType[k]
			v.add(rule, fmt.Sprintf("sync key %q does not exist in Oomnitza", k), createFix(k, t, true))
		case !tf.Unique:
			v.add(rule, fmt.Sprintf("sync key %q (%s) is not a unique field in Oomnitza", k, tf.Label),
				fmt.Sprintf("check Unique on the field %q in Oomnitza, or choose a unique field as sync key", tf.Label))
		}
	}
}

func (v *validation) field(i int, f Field, targets map[string]string, targetType map[string]FieldType) {
	rule := fmt.Sprintf("fields[%d]", i)
	sources := 0
	for _, set := range []bool{f.From != "", f.Value != nil, f.Expr != ""} {
		if set {
			sources++
		}
	}
	switch {
	case sources == 0:
		v.add(rule, "the rule has no source", "set one of from (a JumpCloud field), value (a constant) or expr (an expression)")
	case sources > 1:
		v.add(rule, "the rule has more than one source", "keep only one of from, value and expr")
	}
	var srcType SourceType
	if f.From != "" {
		sf, ok := sourceByPath(f.From)
		if !ok {
			v.add(rule+".from", fmt.Sprintf("%q is not a JumpCloud user field", f.From),
				"use a path from mapping.JumpCloudUserFields() (e.g. email, jobTitle, attributes.<name>) or $sync.time / $sync.credential")
		}
		srcType = sf.Type
	}
	if f.Expr != "" {
		if _, err := expr.Compile(f.Expr, exprOptions(false)...); err != nil {
			v.add(rule+".expr", "the expression does not compile: "+oneLine(err), "fix the expr-lang expression, e.g. firstname + \" \" + lastname")
		}
	}
	for j, t := range f.Transform {
		if err := checkTransform(t); err != nil {
			v.add(fmt.Sprintf("%s.transform[%d]", rule, j), err.Error(), "use one of: "+strings.Join(transformNames, ", "))
		}
	}
	if len(f.To) == 0 {
		v.add(rule+".to", "the rule has no target", "set to: the Oomnitza field external id(s) to write")
	}
	for j, to := range f.To {
		trule := fmt.Sprintf("%s.to[%d]", rule, j)
		if len(f.To) == 1 {
			trule = rule + ".to"
		}
		if !externalIDPattern.MatchString(to) {
			v.add(trule, fmt.Sprintf("%q is not an Oomnitza external id", to), "external ids are lower-case letters, digits and _, e.g. first_name")
			continue
		}
		if prev, dup := targets[to]; dup {
			v.add(trule, fmt.Sprintf("%s is written twice (also by %s)", to, prev), "map each Oomnitza field from one rule only")
			continue
		}
		targets[to] = rule
		guess := guessType(srcType, f)
		targetType[to] = guess
		if v.schema == nil {
			continue
		}
		tf, ok := v.schema.Field(to)
		if !ok {
			v.add(trule, fmt.Sprintf("Oomnitza has no field %q", to), createFix(to, guess, slices.Contains(v.m.SyncKeys, to)))
			continue
		}
		if len(f.Transform) == 0 && f.Expr == "" && !compatible(srcType, tf.Type) {
			v.add(trule, fmt.Sprintf("%s is %s in JumpCloud but %s (%s) is %s in Oomnitza", f.From, srcType, to, tf.Label, tf.Type),
				"add a transform (e.g. yes_no, date, epoch) or choose a target of a compatible type")
		}
	}
}

// guessType picks the Oomnitza type to suggest for a missing target.
func guessType(st SourceType, f Field) FieldType {
	for _, t := range f.Transform {
		switch t.Name {
		case "epoch":
			return TypeDateTime
		case "date", "yes_no", "split_email", "trim", "lower", "upper", "title", "first_word", "last_word":
			return TypeString
		}
	}
	switch st {
	case SourceBool:
		return TypeBoolean
	case SourceInt:
		return TypeInteger
	case SourceDate:
		return TypeDateTime
	}
	return TypeString
}

// compatible reports whether a source type converts to a target type.
func compatible(st SourceType, tt FieldType) bool {
	switch st {
	case "", SourceString:
		return true // checked per value at Apply
	case SourceBool:
		return tt == TypeBoolean || tt == TypeString
	case SourceInt:
		return tt == TypeInteger || tt == TypeDecimal || tt == TypeString
	case SourceDate:
		return tt == TypeDate || tt == TypeDateTime || tt == TypeString
	}
	return false
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", " ")), " ")
}
