package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

func (a *app) insightsCmd() *cobra.Command {
	var f syncFlags
	var days, activationDays int
	var csvOut, jumpCloudOnly, dryRun, yes bool
	var fix string
	cmd := &cobra.Command{
		Use:   "insights",
		Short: "Who needs attention across JumpCloud users, and the preset that fixes it",
		Long: `insights reads every JumpCloud user once and reports what needs attention:
locked accounts, expired passwords, passwords expiring within --days, passwords
that never expire, users never activated, MFA not configured, administrators;
joined with Oomnitza through the mapping's sync keys (unless --jumpcloud-only):
suspended in JumpCloud but active in Oomnitza, gone from JumpCloud, missing
from Oomnitza. Each finding names the preset that fixes it, or why none does.

--fix FINDING runs that preset for the users of one finding, after
confirmation (or --yes); --dry-run shows the requests and sends none.`,
		Example: "  jcoom insights --days 7\n  jcoom insights --csv > insights.csv\n  jcoom insights --fix locked --dry-run\n  jcoom insights --fix locked --yes",
		Args:    args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if csvOut && a.jsonOut {
				return usageError("--csv and --json: give one")
			}
			var fixInfo presets.FindingInfo
			if fix != "" {
				var ok bool
				if fixInfo, ok = presets.Describe(presets.Finding(fix)); !ok {
					return usageError("--fix %q: want one of %s", fix, strings.Join(findingNames(), ", "))
				}
				if fixInfo.Preset == "" {
					return usageError("--fix %s: %s", fix, fixInfo.Fix)
				}
			}
			jc, err := a.jumpcloud()
			if err != nil {
				return err
			}
			opts := []jcsync.InsightsOption{jcsync.ExpiringDays(days), jcsync.ActivationDays(activationDays)}
			var r *presets.Runner
			if !jumpCloudOnly {
				m, err := f.mapping()
				if err != nil {
					return err
				}
				oc, err := a.oomnitza()
				if err != nil {
					return err
				}
				opts = append(opts, jcsync.JoinOomnitza(oc, m))
				r = presets.NewRunner(jc, oc, presets.WithLogger(a.log))
			}
			rep, err := jcsync.Insights(ctx, jc, opts...)
			if rep == nil {
				return err
			}
			if fix != "" {
				if err != nil {
					return fmt.Errorf("nothing was fixed: %w", err)
				}
				return a.fix(cmd, jc, r, rep, fixInfo, dryRun || yes, dryRun)
			}
			switch {
			case a.jsonOut:
				b, jerr := rep.JSON()
				if jerr != nil {
					return jerr
				}
				a.printf("%s\n", b)
			case csvOut:
				if cerr := rep.WriteCSV(a.out); cerr != nil {
					return cerr
				}
			default:
				a.printf("%s", rep.Summary())
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.mappingFile, "mapping", "", "mapping whose sync keys join JumpCloud and Oomnitza; default: the standard mapping")
	fs.IntVar(&days, "days", presets.DefaultExpiringDays, "report passwords expiring within this many days")
	fs.IntVar(&activationDays, "activation-days", presets.DefaultActivationAge, "report users not activated after this many days")
	fs.BoolVar(&csvOut, "csv", false, "write one CSV row per finding and user")
	fs.BoolVar(&jumpCloudOnly, "jumpcloud-only", false, "read JumpCloud only (no Oomnitza credentials needed)")
	fs.StringVar(&fix, "fix", "", "run the preset that fixes this finding for its users, e.g. locked")
	fs.BoolVar(&dryRun, "dry-run", false, "with --fix: show the requests; send and write nothing")
	fs.BoolVar(&yes, "yes", false, "with --fix: run without asking for confirmation")
	return cmd
}

func findingNames() []string {
	var out []string
	for _, fi := range presets.Findings() {
		out = append(out, string(fi.Finding))
	}
	return out
}

// fix runs a finding's preset for its users: from their Oomnitza record
// when there is one (write-back, identity guard), else by JumpCloud id.
func (a *app) fix(cmd *cobra.Command, jc *jumpcloud.Client, r *presets.Runner, rep *jcsync.InsightsReport, fi presets.FindingInfo, confirmed, dryRun bool) error {
	ctx := cmd.Context()
	fr := rep.Finding(fi.Finding)
	if fr == nil {
		return usageError("--fix %s needs Oomnitza: drop --jumpcloud-only", fi.Finding)
	}
	if fr.Count == 0 {
		fmt.Fprintf(a.err, "jcoom: no user has %s; nothing to fix\n", fi.Finding)
		return a.results(nil, nil)
	}
	names := make([]string, 0, len(fr.Users))
	for _, u := range fr.Users {
		names = append(names, u.Username)
	}
	if err := a.confirm(fi.Preset, names, confirmed); err != nil {
		return err
	}
	var opts []presets.Option
	if dryRun {
		opts = append(opts, presets.DryRun())
	}
	var viaOomnitza []string
	var results []*presets.Result
	var failed error
	for _, u := range fr.Users {
		if u.OomnitzaUserID != "" && r != nil {
			viaOomnitza = append(viaOomnitza, u.OomnitzaUserID)
			continue
		}
		res, err := runByJumpCloudID(ctx, jc, fi.Preset, u.JumpCloudID, opts...)
		if res == nil {
			res = &presets.Result{Preset: fi.Preset, Status: presets.StatusFailed, UserID: u.JumpCloudID, Error: err.Error(), Reason: err.Error()}
		}
		if err != nil && failed == nil {
			failed = err
		}
		results = append(results, res)
	}
	if len(viaOomnitza) > 0 {
		rs, err := r.RunMany(ctx, fi.Preset, viaOomnitza, opts...)
		results = append(results, rs...)
		if err != nil && failed == nil {
			failed = err
		}
	}
	if failed != nil {
		failed = &exitError{code: exitFailed, err: fmt.Errorf("fixing %s: %w", fi.Finding, failed)}
	}
	return a.results(results, failed)
}

// runByJumpCloudID runs a preset that needs only the JumpCloud id, for a
// user JumpCloud itself listed (so the person is the id's).
func runByJumpCloudID(ctx context.Context, jc *jumpcloud.Client, preset, id string, opts ...presets.Option) (*presets.Result, error) {
	switch preset {
	case presets.NameUnlockUser:
		return presets.UnlockUser(ctx, jc, id, opts...)
	case presets.NameExpirePassword:
		return presets.ExpirePassword(ctx, jc, id, opts...)
	case presets.NameUserRole:
		return presets.UserRole(ctx, jc, id, opts...)
	}
	return nil, fmt.Errorf("%s needs the user's Oomnitza record, and JumpCloud user %s has none", preset, id)
}
