package mapping

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/jcoom/jcoom/internal/nearest"
)

// Issue is one reason a mapping is a draft.
type Issue struct {
	// Rule locates the problem, e.g. "fields[3].to" or "sync_keys[0]".
	Rule string
	// Problem says what is wrong.
	Problem string
	// Fix says what to do.
	Fix string
	// Field names what the problem belongs to: a field rule as
	// "jobTitle -> position", a sync key, or a setting ("role").
	Field string
	// File, Line and Column locate the rule in the file the mapping was
	// loaded from (empty and 0 for a mapping built in Go).
	File         string
	Line, Column int
}

func (i Issue) String() string {
	var b strings.Builder
	if i.File != "" {
		b.WriteString(i.File + ":")
	}
	if i.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", i.Line, i.Column)
	} else if i.File != "" {
		b.WriteString(" ")
	}
	b.WriteString(i.Rule)
	if i.Field != "" && i.Field != i.Rule {
		b.WriteString(" (" + i.Field + ")")
	}
	b.WriteString(": " + i.Problem)
	if i.Fix != "" {
		b.WriteString(" (fix: " + i.Fix + ")")
	}
	return b.String()
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
	switch id {
	case JumpCloudIDField:
		return "JumpCloud User Id"
	case JumpCloudSystemIDField:
		return "JumpCloud System Id"
	}
	return title(strings.ReplaceAll(id, "_", " "))
}

// createFix says what to create in Oomnitza for a missing target field.
func createFix(module, id string, t FieldType, unique bool) string {
	u := ""
	if unique {
		u = ", with Unique checked (sync keys must be unique)"
	}
	return fmt.Sprintf("in Oomnitza, open Configuration > Data Model > %s and add a custom field labelled %q of type %s%s whose external id is %s; Oomnitza's API cannot create fields",
		module, labelFor(id), oomnitzaType(t), u, id)
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
	about  string // what the issues being added belong to
}

func (v *validation) add(rule, problem, fix string) {
	is := Issue{Rule: rule, Problem: problem, Fix: fix, Field: v.about}
	if is.Field == "" {
		is.Field, _, _ = strings.Cut(rule, "[")
	}
	if o := v.m.origin; o != nil {
		is.File = o.file
		// The most precise position known: the rule, else its parents.
		for p := rule; p != ""; p = parentRule(p) {
			if lc, ok := o.pos[p]; ok {
				is.Line, is.Column = lc[0], lc[1]
				break
			}
		}
	}
	v.issues = append(v.issues, is)
}

// parentRule strips the last segment: fields[3].to[1] -> fields[3].to -> fields[3] -> fields.
func parentRule(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

// ruleName names a field rule as a person reads it: "jobTitle -> position".
func ruleName(f Field) string {
	src := f.From
	switch {
	case f.Expr != "":
		src = "expr"
	case f.Value != nil:
		src = "value"
	case src == "":
		src = "(no source)"
	}
	to := strings.Join(f.To, ", ")
	if to == "" {
		to = "(no target)"
	}
	return src + " -> " + to
}

// schemaIDs lists the schema's external ids, for did-you-mean hints.
func (v *validation) schemaIDs() []string {
	var ids []string
	for _, f := range v.schema.Fields() {
		ids = append(ids, f.ExternalID)
	}
	return ids
}

// nearTarget finds an existing field the user probably meant: the nearest
// external id, or a field whose label is the one the missing id implies
// (jumpcloud_user_id -> "Jumpcloud User Id" ~ "JumpCloud User Id").
func (v *validation) nearTarget(id string) (TargetField, bool) {
	want := strings.ToLower(labelFor(id))
	for _, f := range v.schema.Fields() {
		if strings.ToLower(f.Label) == want || strings.ToLower(strings.ReplaceAll(f.Label, " ", "")) == strings.ReplaceAll(want, " ", "") {
			return f, true
		}
	}
	if near, ok := nearest.Name(id, v.schemaIDs()); ok {
		return v.schema.Field(near)
	}
	return TargetField{}, false
}

// missingTarget reports a target or sync key the schema lacks: a likely
// typo points at the existing field; otherwise the fix says what to
// create in Oomnitza.
func (v *validation) missingTarget(rule, what, id string, t FieldType, unique bool) {
	if near, ok := v.nearTarget(id); ok {
		v.add(rule, fmt.Sprintf("%s %q does not exist in Oomnitza (did you mean %q, labelled %q?)", what, id, near.ExternalID, near.Label),
			fmt.Sprintf("use %s, or create the field in Oomnitza if %s is really a different one", near.ExternalID, id))
		return
	}
	v.add(rule, fmt.Sprintf("%s %q does not exist in Oomnitza", what, id), createFix(v.module(), id, t, unique))
}

// module is the Oomnitza data model the mapping writes.
func (v *validation) module() string {
	if v.m.kind() == KindAssets {
		return "Assets"
	}
	return "People"
}

func (v *validation) run() {
	m := v.m
	assets := m.kind() == KindAssets
	if strings.TrimSpace(m.Name) == "" {
		v.add("name", "the mapping has no name", "set name, e.g. name: jumpcloud-users")
	}
	switch m.kind() {
	case KindUsers, KindAssets:
	default:
		v.add("kind", fmt.Sprintf("%q is not a kind", m.Kind), "use users (JumpCloud users -> People, the default) or assets (JumpCloud systems -> hardware assets)")
	}
	switch m.mode() {
	case ModeUsers:
	case ModeUsersAndSaaS:
		if assets {
			v.add("mode", "users_and_saas is for JumpCloud users; an assets mapping writes hardware assets only", "remove mode from an assets mapping")
		}
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

	if assets {
		if m.Role != 0 {
			v.add("role", fmt.Sprintf("role %d is set, but roles are for People records; an assets mapping has none", m.Role), "remove role from an assets mapping")
		}
	} else {
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
	}
	if v.schema != nil {
		// Every mandatory field of the instance must be written, or every
		// create fails (username and role have their own checks above).
		for _, tf := range v.schema.Fields() {
			if _, ok := targets[tf.ExternalID]; ok || !tf.Mandatory || tf.ReadOnly || !assets && (tf.ExternalID == "username" || tf.ExternalID == "role") {
				continue
			}
			v.add("fields", fmt.Sprintf("%s (%s) is mandatory in Oomnitza and nothing is mapped to it; every create would be refused", tf.ExternalID, tf.Label),
				fmt.Sprintf("map a JumpCloud field or a constant to it, e.g. {value: ..., to: %s}", tf.ExternalID))
		}
	}

	if len(m.SyncKeys) == 0 {
		example := "sync_keys: [jump_cloud_user_id, email]"
		if assets {
			example = "sync_keys: [serial_number, jumpcloud_system_id]"
		}
		v.add("sync_keys", "no sync key is set", "list one or more unique fields, primary first, e.g. "+example)
	}
	seen := map[string]bool{}
	for i, k := range m.SyncKeys {
		rule := fmt.Sprintf("sync_keys[%d]", i)
		v.about = k
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
			v.missingTarget(rule, "sync key", k, targetType[k], true)
		case !tf.Unique:
			v.add(rule, fmt.Sprintf("sync key %q (%s) is not a unique field in Oomnitza", k, tf.Label),
				fmt.Sprintf("check Unique on the field %q in Oomnitza, or choose a unique field as sync key", tf.Label))
		}
	}
}

func (v *validation) field(i int, f Field, targets map[string]string, targetType map[string]FieldType) {
	rule := fmt.Sprintf("fields[%d]", i)
	v.about = ruleName(f)
	defer func() { v.about = "" }()
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
		sf, ok := sourceByPath(v.m.kind(), f.From)
		if !ok {
			v.unknownSource(rule+".from", f.From)
		}
		srcType = sf.Type
		for j, fb := range f.Fallback {
			fsf, ok := sourceByPath(v.m.kind(), fb)
			if !ok {
				v.unknownSource(fmt.Sprintf("%s.fallback[%d]", rule, j), fb)
			} else if fsf.Type != srcType && fsf.Type != "" && srcType != "" {
				v.add(fmt.Sprintf("%s.fallback[%d]", rule, j), fmt.Sprintf("%s is %s but %s is %s; a fallback must be of the same type", fb, fsf.Type, f.From, srcType),
					"use a fallback of the type of from, or an expr")
			}
		}
	}
	if len(f.Fallback) > 0 && f.From == "" {
		v.add(rule+".fallback", "fallback needs from", "set from to the first path to read; fallback lists the paths read when it is empty")
	}
	if f.Expr != "" {
		if _, err := expr.Compile(f.Expr, exprOptions(false)...); err != nil {
			v.add(rule+".expr", "the expression does not compile: "+oneLine(err), "fix the expr-lang expression, e.g. firstname + \" \" + lastname")
		}
	}
	for j, t := range f.Transform {
		trule := fmt.Sprintf("%s.transform[%d]", rule, j)
		if len(f.Transform) == 1 && v.m.origin != nil {
			if _, ok := v.m.origin.pos[rule+".transform"]; ok {
				if _, ok := v.m.origin.pos[trule]; !ok {
					trule = rule + ".transform" // written as a single name
				}
			}
		}
		if !contains(transformNames, t.Name) {
			if near, ok := nearest.Name(t.Name, transformNames); ok {
				v.add(trule, fmt.Sprintf("unknown transform %q (did you mean %q?)", t.Name, near), "use "+near)
			} else {
				v.add(trule, fmt.Sprintf("unknown transform %q", t.Name), "use one of: "+strings.Join(transformNames, ", "))
			}
			continue
		}
		if err := checkTransform(t); err != nil {
			v.add(trule, err.Error(), "correct the arguments of "+t.Name)
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
			v.missingTarget(trule, "target field", to, guess, slices.Contains(v.m.SyncKeys, to))
			continue
		}
		if tf.ReadOnly {
			v.add(trule, fmt.Sprintf("%s (%s) is not editable in Oomnitza: writes to it are refused (unless sent with Oomnitza-Ignore-Meta-Restriction), so every record would fail", to, tf.Label),
				"map the value to an editable field (create a custom field if needed), or drop the rule")
			continue
		}
		if len(f.Transform) == 0 && f.Expr == "" && !compatible(srcType, sourceEnum(f.From), tf.Type) {
			v.add(trule, fmt.Sprintf("%s is %s in JumpCloud but %s (%s) is %s in Oomnitza; no value of it converts", f.From, srcType, to, tf.Label, tf.Type),
				"add a transform (e.g. yes_no, date, epoch) or choose a target of a compatible type")
		}
	}
}

// unknownSource reports a source path the kind's catalog lacks.
func (v *validation) unknownSource(rule, path string) {
	what, catalog, example := "JumpCloud user field", "mapping.JumpCloudUserFields()", "email, jobTitle, attributes.<name>"
	if v.m.kind() == KindAssets {
		what, catalog, example = "JumpCloud system field", "mapping.JumpCloudSystemFields()", "serialNumber, displayName, system_info.hardware_model"
	}
	if near, ok := nearest.Name(path, sourcePaths(v.m.kind())); ok {
		v.add(rule, fmt.Sprintf("%q is not a %s (did you mean %q?)", path, what, near), "use "+near)
		return
	}
	v.add(rule, fmt.Sprintf("%q is not a %s", path, what),
		fmt.Sprintf("use a path from %s (e.g. %s) or $sync.time / $sync.credential", catalog, example))
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

// compatible reports whether values of a source type can convert to a
// target type. Free text may hold a number (checked per value at Apply);
// it never holds a date or a checkbox value, and an enumerated text (the
// user's state) converts only to text.
func compatible(st SourceType, enum []string, tt FieldType) bool {
	switch st {
	case "":
		return true // a path below a list or object: checked per value at Apply
	case SourceString:
		if len(enum) > 0 {
			return tt == TypeString
		}
		return tt == TypeString || tt == TypeInteger || tt == TypeDecimal
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
