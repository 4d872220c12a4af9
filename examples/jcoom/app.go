package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

// Exit statuses.
const (
	exitOK        = 0
	exitFailed    = 1 // something failed: a partial sync, a failed preset, an API error
	exitUsage     = 2 // bad usage, a missing variable, a draft mapping, a refused plan, not confirmed
	exitThreshold = 3 // a deprovision threshold stopped the run
)

// The environment variables credentials are read from.
const (
	envJumpCloudKey  = "JUMPCLOUD_API_KEY"
	envJumpCloudOrg  = "JUMPCLOUD_ORG_ID"
	envJumpCloudBase = "JUMPCLOUD_BASE_URL"
	envOomnitzaURL   = "OOMNITZA_URL"
	envOomnitzaToken = "OOMNITZA_API_TOKEN"
)

// stdio is where a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// app is one invocation: its streams, its environment and its global flags.
type app struct {
	stdio
	getenv func(string) string
	// interactive: stderr is a terminal, so progress bars are drawn.
	interactive bool

	jsonOut  bool
	logLevel string
	log      *slog.Logger
}

// exitError carries the exit status an error should end the process with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is an error with exit status 2.
func usageError(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

// exitCode maps an error to the process's exit status.
func exitCode(err error) int {
	var ee *exitError
	var ve *mapping.ValidationError
	var le *mapping.LoadError
	var pe *fs.PathError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, jcsync.ErrThresholdExceeded):
		return exitThreshold
	case errors.As(err, &ve), errors.As(err, &le), errors.As(err, &pe), errors.Is(err, jcsync.ErrPlanMismatch),
		errors.Is(err, presets.ErrInvalidInput), errors.Is(err, presets.ErrUnknownPreset):
		return exitUsage
	}
	return exitFailed
}

// execute runs the command line args and returns the exit status.
func execute(ctx context.Context, args []string, io stdio, getenv func(string) string) int {
	return newApp(io, getenv).run(ctx, args)
}

func newApp(io stdio, getenv func(string) string) *app {
	return &app{stdio: io, getenv: getenv, interactive: isTerminal(io.err)}
}

// run runs the command line args and returns the exit status.
func (a *app) run(ctx context.Context, args []string) int {
	root := a.root()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		fmt.Fprintln(a.err, "jcoom: interrupted; what was done is reported above")
		return exitFailed
	}
	fmt.Fprintln(a.err, "jcoom:", err)
	if code == exitUsage && isFlagOrArgError(err) {
		fmt.Fprintln(a.err, "Run 'jcoom --help' for usage.")
	}
	return code
}

// argError marks errors from flag parsing and argument counts.
type argError struct{ err error }

func (e *argError) Error() string { return e.err.Error() }
func (e *argError) Unwrap() error { return e.err }

func isFlagOrArgError(err error) bool {
	var ae *argError
	return errors.As(err, &ae)
}

// args wraps a cobra argument check so that its failure exits with 2.
func args(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if err := check(cmd, a); err != nil {
			return &exitError{code: exitUsage, err: &argError{err}}
		}
		return nil
	}
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "jcoom",
		Short: "Make Oomnitza the source of truth for your JumpCloud users",
		Long: `jcoom syncs JumpCloud users into Oomnitza People records and runs the
JumpCloud workflow presets, with the jcoom SDK.

Plan first (it writes nothing), review, then apply exactly that plan:

  jcoom plan --role 25 --out plan.json
  jcoom apply --role 25 plan.json

Credentials come only from the environment:
  JUMPCLOUD_API_KEY, JUMPCLOUD_ORG_ID (multi-tenant), JUMPCLOUD_BASE_URL (EU),
  OOMNITZA_URL, OOMNITZA_API_TOKEN

Try everything with no account: 'jcoom fake' starts both fakes on loopback
and prints the variables to export.

Exit status: 0 all good, 1 something failed, 2 bad usage / draft mapping /
refused plan / not confirmed, 3 a deprovision threshold stopped the run.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          args(cobra.NoArgs),
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.setUpLogging()
		},
	}
	root.SetIn(a.in)
	root.SetOut(a.out)
	root.SetErr(a.err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: exitUsage, err: &argError{err}}
	})
	pf := root.PersistentFlags()
	pf.BoolVar(&a.jsonOut, "json", false, "write machine-readable JSON to stdout instead of text")
	pf.StringVar(&a.logLevel, "log-level", "warn", "log to stderr at this level: debug, info, warn or error")
	root.AddCommand(a.planCmd(), a.applyCmd(), a.syncCmd(), a.presetCmd(), a.mappingCmd(), a.insightsCmd(), a.fakeCmd())
	return root
}

func (a *app) setUpLogging() error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.logLevel)); err != nil {
		return usageError("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	a.log = slog.New(slog.NewTextHandler(a.err, &slog.HandlerOptions{Level: level}))
	return nil
}

// need returns the environment variable name, or an error naming it.
func (a *app) need(name, what string) (string, error) {
	v := strings.TrimSpace(a.getenv(name))
	if v == "" {
		return "", usageError("%s is not set: export %s in the environment (jcoom takes credentials from the environment only)", name, what)
	}
	return v, nil
}

func (a *app) jumpcloud() (*jumpcloud.Client, error) {
	key, err := a.need(envJumpCloudKey, "your JumpCloud API key")
	if err != nil {
		return nil, err
	}
	opts := []jumpcloud.Option{jumpcloud.WithLogger(a.log), jumpcloud.WithUserAgent("jcoom-cli/" + version())}
	if org := strings.TrimSpace(a.getenv(envJumpCloudOrg)); org != "" {
		opts = append(opts, jumpcloud.WithOrgID(org))
	}
	if base := strings.TrimSpace(a.getenv(envJumpCloudBase)); base != "" {
		opts = append(opts, jumpcloud.WithBaseURL(base))
	}
	jc, err := jumpcloud.NewClient(key, opts...)
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("the JumpCloud settings in the environment: %w", err)}
	}
	return jc, nil
}

func (a *app) oomnitza() (*oomnitza.Client, error) {
	url, err := a.need(envOomnitzaURL, "your Oomnitza instance's URL, e.g. https://acme.oomnitza.com")
	if err != nil {
		return nil, err
	}
	token, err := a.need(envOomnitzaToken, "an Oomnitza API token")
	if err != nil {
		return nil, err
	}
	oc, err := oomnitza.NewClient(url, token, oomnitza.WithLogger(a.log), oomnitza.WithUserAgent("jcoom-cli/"+version()))
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("the Oomnitza settings in the environment: %w", err)}
	}
	return oc, nil
}

func (a *app) clients() (*jumpcloud.Client, *oomnitza.Client, error) {
	jc, err := a.jumpcloud()
	if err != nil {
		return nil, nil, err
	}
	oc, err := a.oomnitza()
	return jc, oc, err
}

// printJSON writes v as indented JSON to stdout.
func (a *app) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.out, "%s\n", b)
	return err
}

// printf writes text output to stdout.
func (a *app) printf(format string, v ...any) { fmt.Fprintf(a.out, format, v...) }

// isTerminal reports whether the stream is a character device.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// writeFile writes b to path, readable by its owner only: plans hold
// personal data.
func writeFile(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
