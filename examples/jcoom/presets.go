package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/presets"
)

func (a *app) presetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "preset",
		Short: "The JumpCloud workflow actions, driven by Oomnitza user records",
		Args:  args(cobra.NoArgs),
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.presetListCmd(), a.presetRunCmd())
	return cmd
}

// presetInfo is the JSON shape of `preset list --json`.
type presetInfo struct {
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	Method         string          `json:"method"`
	Path           string          `json:"path"`
	Inputs         []presets.Input `json:"inputs"`
	ChecksIdentity bool            `json:"checks_identity"`
}

func (a *app) presetListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the presets, their inputs and the request each makes",
		Args:  args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			var infos []presetInfo
			for _, p := range presets.All() {
				req := p.Request()
				infos = append(infos, presetInfo{Name: p.Name(), Description: p.Description(), Method: req.Method,
					Path: req.Path, Inputs: p.Inputs(), ChecksIdentity: p.ChecksIdentity()})
			}
			if a.jsonOut {
				return a.printJSON(infos)
			}
			for _, in := range infos {
				guard := ""
				if in.ChecksIdentity {
					guard = " (checks the person first)"
				}
				a.printf("%-26s %s %s\n  %s%s\n", in.Name, in.Method, in.Path, in.Description, guard)
			}
			return nil
		},
	}
}

func (a *app) presetRunCmd() *cobra.Command {
	var users []string
	var where, idField, roleField string
	var dryRun, yes bool
	var concurrency int
	cmd := &cobra.Command{
		Use:   "run NAME (--user OOMNITZA_USER_ID... | --where FILTER)",
		Short: "Run a preset for Oomnitza users",
		Long: `run runs one preset for the Oomnitza users named by --user (repeatable), or
for every user an Oomnitza filter selects (--where, asks for confirmation
unless --yes). The JumpCloud id is read from each record's
jump_cloud_user_id field; Delete and Expire check first that the JumpCloud
user is the record's person. --dry-run sends nothing to JumpCloud and writes
nothing back.`,
		Example: `  jcoom preset run jumpcloud.unlock_user --user 4711 --dry-run
  jcoom preset run jumpcloud.user_role --where 'department eq "IT"' --yes`,
		Args: args(cobra.ExactArgs(1)),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return presets.Names(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, argv []string) error {
			ctx := cmd.Context()
			name := argv[0]
			if _, ok := presets.Lookup(name); !ok {
				return usageError("unknown preset %q: want one of %s", name, strings.Join(presets.Names(), ", "))
			}
			switch {
			case len(users) == 0 && where == "":
				return usageError("say whose records: --user OOMNITZA_USER_ID or --where FILTER")
			case len(users) > 0 && where != "":
				return usageError("--user and --where: give one")
			}
			for _, id := range users {
				if err := oomnitza.ValidateID(id); err != nil {
					return usageError("--user: %w", err)
				}
			}
			jc, oc, err := a.clients()
			if err != nil {
				return err
			}
			opts := []presets.RunnerOption{presets.WithConcurrency(concurrency), presets.WithLogger(a.log)}
			if idField != "" {
				opts = append(opts, presets.WithIDField(idField))
			}
			if roleField != "" {
				opts = append(opts, presets.WithRoleField(roleField))
			}
			run := presets.NewRunner(jc, oc, opts...)
			var runOpts []presets.Option
			if dryRun {
				runOpts = append(runOpts, presets.DryRun())
			}
			if where != "" {
				if users, err = a.selectUsers(cmd, oc, name, where, dryRun || yes); err != nil || len(users) == 0 {
					return err
				}
			}
			if len(users) == 1 {
				res, err := run.Run(ctx, name, users[0], runOpts...)
				if res == nil {
					return err
				}
				return a.results([]*presets.Result{res}, err)
			}
			results, err := run.RunMany(ctx, name, users, runOpts...)
			return a.results(results, err)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&users, "user", nil, "Oomnitza user id (user_id) to run for; repeat for several")
	fs.StringVar(&where, "where", "", `Oomnitza filter selecting the users, e.g. 'department eq "IT"'`)
	fs.BoolVar(&dryRun, "dry-run", false, "show the request each run would send; send and write nothing")
	fs.BoolVar(&yes, "yes", false, "with --where: run without asking for confirmation")
	fs.StringVar(&idField, "id-field", "", "Oomnitza field holding the JumpCloud user id (default jump_cloud_user_id)")
	fs.StringVar(&roleField, "role-field", "", "user_role: write the role into this People field instead of the SaaS user's role")
	fs.IntVar(&concurrency, "concurrency", presets.DefaultConcurrency, "runs in flight at once")
	return cmd
}

// selectUsers lists the users a filter selects and asks to go on.
func (a *app) selectUsers(cmd *cobra.Command, oc *oomnitza.Client, name, where string, confirmed bool) ([]string, error) {
	filter := oomnitza.Raw(where)
	if _, err := filter.Expr(); err != nil {
		return nil, usageError("--where: %w", err)
	}
	var ids, names []string
	for u, err := range oc.Users.All(cmd.Context(), &oomnitza.ListOptions{Filter: filter, Fields: []string{"user_id", "username"}}) {
		if err != nil {
			return nil, fmt.Errorf("listing the users --where %s selects: %w", where, err)
		}
		ids = append(ids, u.UserID)
		names = append(names, u.Username)
	}
	if len(ids) == 0 {
		fmt.Fprintf(a.err, "jcoom: no Oomnitza user matches %s; nothing to do\n", where)
		return nil, nil
	}
	if err := a.confirm(name, names, confirmed); err != nil {
		return nil, err
	}
	return ids, nil
}

// confirm shows who a preset will run for and, unless confirmed, asks.
func (a *app) confirm(preset string, names []string, confirmed bool) error {
	shown := names[:min(len(names), 10)]
	more := ""
	if len(names) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(names)-len(shown))
	}
	fmt.Fprintf(a.err, "%s for %d user(s): %s%s\n", preset, len(names), strings.Join(shown, ", "), more)
	if confirmed {
		return nil
	}
	fmt.Fprintf(a.err, "Type yes to run %s for these %d user(s): ", preset, len(names))
	line, _ := bufio.NewReader(a.in).ReadString('\n')
	if strings.TrimSpace(strings.ToLower(line)) != "yes" {
		return &exitError{code: exitUsage, err: errors.New("not confirmed; nothing was run (pass --yes to run without asking)")}
	}
	return nil
}

// presetRun is the JSON shape of `preset run --json`.
type presetRun struct {
	Results []*presets.Result      `json:"results"`
	Counts  map[presets.Status]int `json:"counts"`
}

// results prints preset results and returns the error for the exit status.
func (a *app) results(results []*presets.Result, err error) error {
	counts := map[presets.Status]int{}
	for _, r := range results {
		counts[r.Status]++
	}
	if a.jsonOut {
		if jerr := a.printJSON(presetRun{Results: results, Counts: counts}); jerr != nil {
			return jerr
		}
	} else {
		for _, r := range results {
			a.printf("%s: %s\n", r.OomnitzaUserID, r)
			for _, c := range r.WriteBack {
				a.printf("  wrote back %s: %v -> %v\n", c.Field, c.Old, c.New)
			}
		}
		if len(results) > 1 {
			var parts []string
			for _, st := range []presets.Status{presets.StatusApplied, presets.StatusNoOp, presets.StatusDryRun, presets.StatusFailed} {
				if counts[st] > 0 {
					parts = append(parts, fmt.Sprintf("%s %d", st, counts[st]))
				}
			}
			a.printf("%d runs: %s\n", len(results), strings.Join(parts, ", "))
		}
	}
	if err != nil && len(results) > 1 {
		// Some of many runs failed: a partial failure, whatever each was.
		return &exitError{code: exitFailed, err: err}
	}
	return err
}
