package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/jcoom/jcoom/mapping"
	jcsync "github.com/jcoom/jcoom/sync"
)

// syncFlags are the flags that decide what a sync does: the mapping, the
// deprovisioning, the concurrency. Plan, apply and sync share them, and
// apply refuses a plan made with another mapping.
type syncFlags struct {
	kind        string
	mappingFile string
	role        int
	concurrency int

	deprovision string
	maxCount    int
	maxPercent  float64
}

func (f *syncFlags) register(fs *pflag.FlagSet, deprovision bool) {
	fs.StringVar(&f.kind, "kind", "", `what to sync: "users" (JumpCloud users -> People) or "assets" (JumpCloud devices -> hardware assets); default: the mapping's kind, else users`)
	fs.StringVar(&f.mappingFile, "mapping", "", "mapping file (YAML or JSON); default: the standard mapping of the kind")
	fs.IntVar(&f.role, "role", 0, "default Oomnitza role id for created users (overrides the mapping's role)")
	fs.IntVar(&f.concurrency, "concurrency", jcsync.DefaultConcurrency, "writes in flight at once")
	if deprovision {
		fs.StringVar(&f.deprovision, "deprovision", "", `what happens to Oomnitza records whose JumpCloud record is gone: "suspend" (users), "delete", or "set:FIELD=VALUE" (e.g. set:status=Retired for assets); default: nothing`)
		fs.IntVar(&f.maxCount, "max-count", 0, "with --deprovision: stop when more records than this would be deprovisioned")
		fs.Float64Var(&f.maxPercent, "max-percent", 0, "with --deprovision: stop when more than this percentage of linked records would be deprovisioned")
	}
}

func (f *syncFlags) mapping() (*mapping.Mapping, error) {
	var m *mapping.Mapping
	switch f.kind {
	case "", "users":
		m = mapping.Standard()
	case "assets":
		m = mapping.StandardAssets()
	default:
		return nil, usageError(`--kind %q: want "users" or "assets"`, f.kind)
	}
	if f.mappingFile != "" {
		var err error
		if m, err = mapping.LoadFile(f.mappingFile); err != nil {
			return nil, err
		}
		if got := kindOf(m); f.kind != "" && got != f.kind {
			return nil, usageError("--kind %s, but %s is a mapping of kind %s", f.kind, f.mappingFile, got)
		}
	}
	if f.role != 0 && m.SyncsAssets() {
		return nil, usageError("--role %d: roles are for People records; an assets sync has none", f.role)
	}
	if f.role < 0 {
		return nil, usageError("--role %d: want a positive Oomnitza role id", f.role)
	}
	if f.role > 0 {
		m = m.WithRole(f.role)
	}
	return m, nil
}

func kindOf(m *mapping.Mapping) string {
	if m.SyncsAssets() {
		return "assets"
	}
	return "users"
}

func (f *syncFlags) options(a *app, assets bool) ([]jcsync.Option, error) {
	opts := []jcsync.Option{jcsync.WithLogger(a.log), jcsync.WithCredentialName("jcoom CLI")}
	if f.concurrency < 1 || f.concurrency > 64 {
		return nil, usageError("--concurrency %d: want 1 to 64", f.concurrency)
	}
	opts = append(opts, jcsync.WithConcurrency(f.concurrency))
	switch f.deprovision {
	case "":
		if f.maxCount != 0 || f.maxPercent != 0 {
			return nil, usageError("--max-count and --max-percent need --deprovision")
		}
	default:
		var action jcsync.DeprovisionAction
		switch spec, isSet := strings.CutPrefix(f.deprovision, "set:"); {
		case f.deprovision == "suspend" && assets:
			return nil, usageError(`--deprovision suspend is for users; for assets use "set:status=VALUE" (a status of your instance, e.g. Retired) or "delete"`)
		case f.deprovision == "suspend":
			action = jcsync.Suspend()
		case f.deprovision == "delete":
			action = jcsync.Delete()
		case isSet:
			field, value, ok := strings.Cut(spec, "=")
			if !ok || strings.TrimSpace(field) == "" {
				return nil, usageError(`--deprovision %q: want "set:FIELD=VALUE", e.g. set:status=Retired`, f.deprovision)
			}
			action = jcsync.SetField(strings.TrimSpace(field), value)
		default:
			return nil, usageError(`--deprovision %q: want "suspend", "delete" or "set:FIELD=VALUE"`, f.deprovision)
		}
		if f.maxCount <= 0 && f.maxPercent <= 0 {
			return nil, usageError("--deprovision %s needs a threshold: --max-count N and/or --max-percent P", f.deprovision)
		}
		if f.maxCount < 0 || f.maxPercent < 0 || f.maxPercent > 100 {
			return nil, usageError("--max-count %d --max-percent %g: want a count above 0 and a percentage from 0 to 100", f.maxCount, f.maxPercent)
		}
		opts = append(opts, jcsync.WithDeprovision(jcsync.Deprovision{Action: action, MaxCount: f.maxCount, MaxPercent: f.maxPercent}))
	}
	return opts, nil
}

// syncer builds the Syncer the flags describe, with a progress bar on a
// terminal.
func (a *app) syncer(f *syncFlags, bar *progressView) (*jcsync.Syncer, error) {
	m, err := f.mapping()
	if err != nil {
		return nil, err
	}
	opts, err := f.options(a, m.SyncsAssets())
	if err != nil {
		return nil, err
	}
	jc, oc, err := a.clients()
	if err != nil {
		return nil, err
	}
	if bar != nil {
		opts = append(opts, jcsync.WithProgress(bar.update))
	}
	s, err := jcsync.New(jc, oc, m, opts...)
	return s, draftHint(err, f)
}

// draftHint adds how to give a role to a draft that lacks one.
func draftHint(err error, f *syncFlags) error {
	var ve *mapping.ValidationError
	if errors.As(err, &ve) && f.role == 0 {
		for _, is := range ve.Issues {
			if is.Field == "role" {
				return fmt.Errorf("%w\n(pass --role ID, or set role: in the mapping file)", err)
			}
		}
	}
	return err
}

func (a *app) planCmd() *cobra.Command {
	var f syncFlags
	var out string
	var diff int
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Read both sides and show what a sync would do; writes nothing",
		Long: `plan reads JumpCloud and Oomnitza and prints what a sync would do: the
users it would create, the fields it would update (old -> new), the users it
leaves alone and why. It writes nothing to either side. With --out the plan
is saved for review and 'jcoom apply' applies exactly it.`,
		Example: "  jcoom plan --role 25 --out plan.json\n  jcoom plan --mapping acme.yaml --json > plan.json",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			bar := a.progress()
			s, err := a.syncer(&f, bar)
			if err != nil {
				return err
			}
			p, b, err := makePlan(cmd.Context(), s, bar)
			if p == nil {
				return err
			}
			if out != "" {
				if werr := writeFile(out, b); werr != nil {
					return werr
				}
			}
			footer := ""
			if out != "" && err == nil {
				footer = fmt.Sprintf("Plan written to %s. Review it, then: jcoom apply %s%s", out, f.replay(), out)
			}
			a.printPlan(b, p, diff, footer)
			return err
		},
	}
	f.register(cmd.Flags(), true)
	cmd.Flags().StringVar(&out, "out", "", "write the plan as JSON to this file")
	cmd.Flags().IntVar(&diff, "diff", 20, "show the field changes of at most this many operations")
	return cmd
}

// makePlan plans and encodes the plan. A plan stopped by a deprovision
// threshold comes with its error, for review.
func makePlan(ctx context.Context, s *jcsync.Syncer, bar *progressView) (*jcsync.Plan, []byte, error) {
	p, err := s.Plan(ctx)
	bar.finish()
	if p == nil {
		return nil, nil, err
	}
	b, jerr := p.JSON()
	if jerr != nil {
		return nil, nil, jerr
	}
	return p, b, err
}

// printPlan prints a plan: its JSON b with --json, else its summary, the
// changes of at most diff operations and the footer.
func (a *app) printPlan(b []byte, p *jcsync.Plan, diff int, footer string) {
	if a.jsonOut {
		a.printf("%s\n", b)
		return
	}
	a.printf("%s", p.Summary())
	if d := p.Diff(diff); d != "" && diff > 0 {
		a.printf("\n%s", d)
	}
	if footer != "" {
		a.printf("\n%s\n", footer)
	}
}

// replay is the flags apply needs to rebuild this sync.
func (f *syncFlags) replay() string {
	var b strings.Builder
	if f.kind != "" {
		fmt.Fprintf(&b, "--kind %s ", f.kind)
	}
	if f.mappingFile != "" {
		fmt.Fprintf(&b, "--mapping %s ", f.mappingFile)
	}
	if f.role > 0 {
		fmt.Fprintf(&b, "--role %d ", f.role)
	}
	if f.deprovision != "" {
		fmt.Fprintf(&b, "--deprovision %s ", f.deprovision)
		if f.maxCount > 0 {
			fmt.Fprintf(&b, "--max-count %d ", f.maxCount)
		}
		if f.maxPercent > 0 {
			fmt.Fprintf(&b, "--max-percent %g ", f.maxPercent)
		}
	}
	return b.String()
}

func (a *app) applyCmd() *cobra.Command {
	var f syncFlags
	cmd := &cobra.Command{
		Use:   "apply PLAN.json",
		Short: "Apply exactly the operations of a saved plan",
		Long: `apply applies a plan saved by 'jcoom plan --out'. It is refused for another
tenant or another mapping: pass the same --mapping, --role and --deprovision
flags the plan was made with. Before each write it re-reads the record: a
record changed since the plan is left alone (stale), one already as planned
is not written again, so a plan can be applied twice or resumed.`,
		Example: "  jcoom apply --role 25 plan.json",
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, argv []string) error {
			b, err := os.ReadFile(argv[0])
			if err != nil {
				return usageError("reading the plan: %w", err)
			}
			p, err := jcsync.ParsePlan(b)
			if err != nil {
				return usageError("%s is not a jcoom plan: %w", argv[0], err)
			}
			bar := a.progress()
			s, err := a.syncer(&f, bar)
			if err != nil {
				return err
			}
			rep, err := s.Apply(cmd.Context(), p)
			bar.finish()
			return a.report(rep, err)
		},
	}
	f.register(cmd.Flags(), true)
	return cmd
}

// report prints a report and returns the error the exit status comes from.
func (a *app) report(rep *jcsync.Report, err error) error {
	if rep != nil {
		if a.jsonOut {
			if jerr := a.printJSON(rep); jerr != nil {
				return jerr
			}
		} else {
			a.printf("%s", rep.Summary())
		}
		if err == nil {
			err = rep.Err()
		}
	}
	return err
}

func (a *app) syncCmd() *cobra.Command {
	var f syncFlags
	var dryRun bool
	var every time.Duration
	var daily, tz string
	var diff int
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Plan and apply in one go, once or on a schedule",
		Long: `sync plans and applies. With --dry-run it only plans (like 'jcoom plan').
With --every or --daily it keeps running and syncs on that schedule until
interrupted; a run that fails is reported and the next one still happens.`,
		Example: "  jcoom sync --role 25 --dry-run\n  jcoom sync --role 25 --deprovision suspend --max-count 10\n  jcoom sync --mapping acme.yaml --daily 02:00 --timezone Europe/Paris",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if every != 0 && daily != "" {
				return usageError("--every and --daily: give one schedule")
			}
			var sched *jcsync.Schedule
			switch {
			case every != 0:
				s := jcsync.Every(every)
				sched = &s
			case daily != "":
				loc, err := time.LoadLocation(tz)
				if err != nil {
					return usageError("--timezone %q: %w", tz, err)
				}
				s := jcsync.Daily(daily, loc)
				sched = &s
			}
			if sched != nil {
				if err := sched.Err(); err != nil {
					return usageError("the schedule: %w", err)
				}
				if dryRun {
					return usageError("--dry-run runs once; it cannot be scheduled")
				}
			}
			var bar *progressView
			if sched == nil {
				bar = a.progress()
			}
			s, err := a.syncer(&f, bar)
			if err != nil {
				return err
			}
			if dryRun {
				p, b, err := makePlan(ctx, s, bar)
				if p == nil {
					return err
				}
				a.printPlan(b, p, diff, "Dry run: nothing was written.")
				return err
			}
			if sched == nil {
				rep, err := s.Run(ctx)
				bar.finish()
				return a.report(rep, err)
			}
			fmt.Fprintf(a.err, "jcoom: syncing %s; next run at %s. Interrupt to stop.\n", sched, sched.Next(time.Now()).Format(time.RFC3339))
			failures := 0
			err = s.RunEvery(ctx, *sched, func(rep *jcsync.Report, err error) {
				if rerr := a.report(rep, err); rerr != nil {
					failures++
					fmt.Fprintln(a.err, "jcoom: this run:", rerr)
				}
				fmt.Fprintf(a.err, "jcoom: next run at %s\n", sched.Next(time.Now()).Format(time.RFC3339))
			})
			if errors.Is(err, ctx.Err()) && ctx.Err() != nil {
				fmt.Fprintf(a.err, "jcoom: stopped; %d run(s) failed\n", failures)
				if failures > 0 {
					return &exitError{code: exitFailed, err: fmt.Errorf("%d scheduled run(s) failed", failures)}
				}
				return nil
			}
			return err
		},
	}
	f.register(cmd.Flags(), true)
	fs := cmd.Flags()
	fs.BoolVar(&dryRun, "dry-run", false, "plan only: show what would change and write nothing")
	fs.DurationVar(&every, "every", 0, "sync on this interval, e.g. 24h (runs until interrupted)")
	fs.StringVar(&daily, "daily", "", "sync every day at HH:MM (runs until interrupted)")
	fs.StringVar(&tz, "timezone", "UTC", "the time zone of --daily, e.g. Europe/Paris or Local")
	fs.IntVar(&diff, "diff", 20, "with --dry-run: show the field changes of at most this many operations")
	return cmd
}
