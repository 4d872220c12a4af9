package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	jcsync "github.com/jcoom/jcoom/sync"
)

func (a *app) mappingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mapping",
		Short: "Print, check and draft JumpCloud -> Oomnitza mappings",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.mappingStandardCmd(), a.mappingValidateCmd(), a.mappingSuggestCmd())
	return cmd
}

func (a *app) mappingStandardCmd() *cobra.Command {
	var role int
	var saas bool
	var kind string
	cmd := &cobra.Command{
		Use:   "standard",
		Short: "Print the standard mapping as YAML, a starting point for your own",
		Args:  args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			m := mapping.Standard()
			switch kind {
			case "", "users":
			case "assets":
				if role != 0 || saas {
					return usageError("--role and --saas are for users; an assets mapping has neither")
				}
				return a.printMapping(mapping.StandardAssets())
			default:
				return usageError(`--kind %q: want "users" or "assets"`, kind)
			}
			if role < 0 {
				return usageError("--role %d: want a positive Oomnitza role id", role)
			}
			if role > 0 {
				m = m.WithRole(role)
			}
			if saas {
				m.Mode = mapping.ModeUsersAndSaaS
			}
			return a.printMapping(m)
		},
	}
	cmd.Flags().IntVar(&role, "role", 0, "default Oomnitza role id for created users (without it the mapping is a draft)")
	cmd.Flags().BoolVar(&saas, "saas", false, "users plus SaaS users (mode: users_and_saas)")
	cmd.Flags().StringVar(&kind, "kind", "users", `"users" (JumpCloud users -> People) or "assets" (devices -> hardware assets)`)
	return cmd
}

func (a *app) printMapping(m *mapping.Mapping) error {
	b, err := m.YAML()
	if err != nil {
		return err
	}
	if a.jsonOut {
		return a.printJSON(m)
	}
	_, err = a.out.Write(b)
	return err
}

// liveSchema reads the Oomnitza fields a mapping is checked against: the
// People fields, or the asset fields for an assets mapping.
func (a *app) liveSchema(ctx context.Context, assets bool) (*oomnitza.Client, *mapping.Schema, error) {
	oc, err := a.oomnitza()
	if err != nil {
		return nil, nil, err
	}
	var fields jcsync.FieldsReader = oc.Users
	if assets {
		fields = oc.Assets
	}
	schema, err := jcsync.FetchSchema(ctx, fields)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the Oomnitza fields: %w", err)
	}
	return oc, schema, nil
}

// validation is the JSON shape of `mapping validate --json`.
type validation struct {
	Mapping string          `json:"mapping"`
	Valid   bool            `json:"valid"`
	Writes  []string        `json:"writes,omitempty"`
	Issues  []mapping.Issue `json:"issues,omitempty"`
}

func (a *app) mappingValidateCmd() *cobra.Command {
	var role int
	cmd := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a mapping file against the live Oomnitza schema",
		Long: `validate loads a mapping file and checks it against the fields of your
Oomnitza instance: every problem is listed with its line, its rule and the
fix. A mapping with problems is a draft and no sync will run it (exit 2).`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			m, err := mapping.LoadFile(argv[0])
			if err != nil {
				return err
			}
			if role > 0 {
				m = m.WithRole(role)
			}
			oc, schema, err := a.liveSchema(cmd.Context(), m.SyncsAssets())
			if err != nil {
				return err
			}
			v := validation{Mapping: m.Name}
			cm, err := m.Compile(schema, stubLookups(m)...)
			var ve *mapping.ValidationError
			switch {
			case errors.As(err, &ve):
				v.Issues = ve.Issues
			case err != nil:
				return err
			default:
				v.Valid, v.Writes = true, cm.Targets()
			}
			if a.jsonOut {
				if jerr := a.printJSON(v); jerr != nil {
					return jerr
				}
				if !v.Valid {
					return &exitError{code: exitUsage, err: fmt.Errorf("%s is a draft: %d problem(s)", argv[0], len(v.Issues))}
				}
				return nil
			}
			if !v.Valid {
				return err
			}
			a.printf("%s: mapping %q is valid against %s; it writes %v\n", argv[0], m.Name, oc.BaseURL(), v.Writes)
			return nil
		},
	}
	cmd.Flags().IntVar(&role, "role", 0, "default Oomnitza role id (overrides the file's role)")
	return cmd
}

// suggestion is one line of `mapping suggest --json`.
type suggestion struct {
	Score  float64 `json:"score"`
	From   string  `json:"from"`
	Label  string  `json:"label"`
	To     string  `json:"to"`
	Reason string  `json:"reason"`
	Used   bool    `json:"used"`
}

func (a *app) mappingSuggestCmd() *cobra.Command {
	var out string
	var minScore float64
	var role int
	var force bool
	cmd := &cobra.Command{
		Use:   "suggest",
		Short: "Smart Mapping: propose a starter mapping for your Oomnitza fields",
		Long: `suggest reads your Oomnitza People fields and proposes, for each JumpCloud
user field, the Oomnitza field it most likely belongs in (by label, name and
type). It writes a starter mapping: the standard rules your instance can
take, plus the best suggestion for each field they leave out. Review it,
then check it with 'jcoom mapping validate'.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if minScore <= 0 || minScore > 1 {
				return usageError("--min-score %g: want a score above 0 and at most 1", minScore)
			}
			if !force {
				if _, err := os.Stat(out); err == nil {
					return usageError("%s exists; pass --force to overwrite it or --out another file", out)
				}
			}
			oc, schema, err := a.liveSchema(cmd.Context(), false)
			if err != nil {
				return err
			}
			m, used := starter(schema, minScore)
			if role > 0 {
				m = m.WithRole(role)
			}
			b, err := m.YAML()
			if err != nil {
				return err
			}
			if err := writeFile(out, b); err != nil {
				return err
			}
			var sugs []suggestion
			for _, sg := range mapping.Suggest(mapping.JumpCloudUserFields(), schema.Fields()) {
				if sg.Score < minScore {
					continue
				}
				sugs = append(sugs, suggestion{Score: sg.Score, From: sg.Source.Path, Label: sg.Source.Label, To: sg.Target.ExternalID,
					Reason: sg.Reason, Used: used[sg.Source.Path+"->"+sg.Target.ExternalID]})
			}
			if a.jsonOut {
				return a.printJSON(struct {
					File        string       `json:"file"`
					Suggestions []suggestion `json:"suggestions"`
				}{out, sugs})
			}
			a.printf("Smart Mapping against %s (score >= %.2f):\n", oc.BaseURL(), minScore)
			for _, s := range sugs {
				mark := " "
				if s.Used {
					mark = "+"
				}
				a.printf("%s %.2f  %-24s -> %-24s %s\n", mark, s.Score, s.From, s.To, s.Reason)
			}
			a.printf("\nWrote %s (+ marks the suggestions it adds to the standard rules).\n", out)
			if err := m.Validate(schema); err != nil {
				a.printf("It is a draft until you fix this:\n%v\n", err)
			} else {
				a.printf("It is valid against this instance. Next: jcoom plan --mapping %s\n", out)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&out, "out", "jcoom-mapping.yaml", "the starter mapping file to write")
	fs.BoolVar(&force, "force", false, "overwrite --out if it exists")
	fs.Float64Var(&minScore, "min-score", 0.8, "use suggestions scoring at least this (0 to 1)")
	fs.IntVar(&role, "role", 0, "default Oomnitza role id for created users")
	return cmd
}

// starter is the standard mapping cut to the fields the schema has, plus
// the best suggestion for each source and target it leaves out. used
// holds the suggestions added, as "from->to".
func starter(schema *mapping.Schema, minScore float64) (*mapping.Mapping, map[string]bool) {
	has := map[string]bool{}
	for _, f := range schema.Fields() {
		has[f.ExternalID] = !f.ReadOnly
	}
	m := mapping.Standard()
	m.Name = "suggested"
	m.SyncKeys = slices.DeleteFunc(m.SyncKeys, func(k string) bool { return !has[k] })
	read, written := map[string]bool{}, map[string]bool{}
	var fields []mapping.Field
	for _, f := range m.Fields {
		f.To = slices.DeleteFunc(slices.Clone(f.To), func(t string) bool { return !has[t] })
		if len(f.To) == 0 {
			continue
		}
		fields = append(fields, f)
		read[f.From] = true
		for _, t := range f.To {
			written[t] = true
		}
	}
	used := map[string]bool{}
	for _, sg := range mapping.Suggest(mapping.JumpCloudUserFields(), schema.Fields()) { // best first
		from, to := sg.Source.Path, sg.Target.ExternalID
		if sg.Score < minScore || read[from] || written[to] || !has[to] {
			continue
		}
		fields = append(fields, mapping.Field{From: from, To: []string{to}})
		read[from], written[to], used[from+"->"+to] = true, true, true
	}
	m.Fields = fields
	return m, used
}

// stubLookups registers the look-ups a sync provides (they need the live
// data), so that validation compiles every rule.
func stubLookups(m *mapping.Mapping) []mapping.CompileOption {
	var out []mapping.CompileOption
	for _, f := range m.Fields {
		for _, t := range f.Transform {
			name, _ := t.Args["name"].(string)
			if name == "" {
				name, _ = t.Args["value"].(string)
			}
			if t.Name == "lookup" && name != "" {
				out = append(out, mapping.WithLookup(name, func(string) (any, bool) { return nil, false }))
			}
		}
	}
	return out
}
