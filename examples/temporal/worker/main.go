// Command worker runs jcoom's per-organisation syncs on a Temporal
// server: it registers SyncOrg and its activities, gives every
// organisation of its orgs file its own daily Schedule, and works the
// task queue until interrupted.
//
//	TEMPORAL_ADDRESS=temporal.internal:7233 \
//	JUMPCLOUD_API_KEY=... OOMNITZA_TOKEN=... \
//	go run ./worker -orgs orgs.json -store /var/lib/jcoom
//
// orgs.json is a list of orgsync.OrgRef; secrets are named by reference
// (env:NAME or file:PATH) and resolved here, on the worker, never sent to
// Temporal. One organisation can also be given with flags instead of a
// file (-name, -org-id, -jumpcloud-key-ref, -oomnitza-url,
// -oomnitza-token-ref, -mapping, -role).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/jcoom/jcoom/examples/temporal/orgsync"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

// config is what the command line says.
type config struct {
	orgs       []orgsync.OrgRef
	address    string
	namespace  string
	queue      string
	store      string
	schedule   orgsync.ScheduleOptions
	schedules  bool
	concurrent int
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		c       config
		orgFile string
		one     orgsync.OrgRef
	)
	fs.StringVar(&orgFile, "orgs", "", "JSON file with the list of organisations (orgsync.OrgRef)")
	fs.StringVar(&c.queue, "task-queue", orgsync.TaskQueue, "Temporal task queue")
	fs.StringVar(&c.store, "store", "jcoom-orgsync", "directory for plans and reports")
	fs.DurationVar(&c.schedule.Every, "every", 24*time.Hour, "interval between two syncs of an organisation")
	fs.DurationVar(&c.schedule.Offset, "offset", 0, "offset of the runs within the interval (2h: 02:00 UTC for daily runs)")
	fs.DurationVar(&c.schedule.Jitter, "jitter", 30*time.Minute, "spread of the start times")
	fs.BoolVar(&c.schedules, "schedules", true, "create or update one Schedule per organisation")
	fs.IntVar(&c.concurrent, "activities", 20, "activities this worker runs at once")
	fs.StringVar(&one.Name, "name", "", "one organisation: its name")
	fs.StringVar(&one.OrgID, "org-id", "", "one organisation: its JumpCloud organisation id")
	fs.StringVar(&one.JumpCloudURL, "jumpcloud-url", "", "one organisation: JumpCloud API base URL")
	fs.StringVar(&one.JumpCloudKeyRef, "jumpcloud-key-ref", "env:JUMPCLOUD_API_KEY", "one organisation: JumpCloud key reference")
	fs.StringVar(&one.OomnitzaURL, "oomnitza-url", "", "one organisation: Oomnitza instance URL")
	fs.StringVar(&one.OomnitzaTokenRef, "oomnitza-token-ref", "env:OOMNITZA_TOKEN", "one organisation: Oomnitza token reference")
	fs.StringVar(&one.Mapping, "mapping", "standard", `one organisation: "standard", "standard-assets" or a mapping file`)
	fs.IntVar(&one.Role, "role", 0, "one organisation: Oomnitza role id for created users")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	switch {
	case orgFile != "" && one.Name != "":
		return nil, errors.New("give -orgs or -name, not both")
	case orgFile != "":
		b, err := os.ReadFile(orgFile)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c.orgs); err != nil {
			return nil, fmt.Errorf("%s: %w", orgFile, err)
		}
	case one.Name != "":
		c.orgs = []orgsync.OrgRef{one}
	default:
		return nil, errors.New("no organisations: give -orgs FILE or -name and the other organisation flags")
	}
	seen := map[string]string{}
	var errs []error
	for i, o := range c.orgs {
		if err := o.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("organisation %d (%q): %w", i+1, o.Name, err))
			continue
		}
		if prev, dup := seen[orgsync.ScheduleID(o)]; dup {
			errs = append(errs, fmt.Errorf("organisation %d (%q): same schedule %s as %q", i+1, o.Name, orgsync.ScheduleID(o), prev))
		}
		seen[orgsync.ScheduleID(o)] = o.Name
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if c.concurrent < 1 {
		return nil, fmt.Errorf("-activities %d: want at least 1", c.concurrent)
	}
	c.schedule.TaskQueue = c.queue
	if c.schedule.Jitter == 0 {
		c.schedule.Jitter = -1 // the flag's 0 means none
	}
	for _, o := range c.orgs {
		if _, err := orgsync.NewScheduleOptions(o, c.schedule); err != nil {
			return nil, err
		}
	}
	c.address = getenv("TEMPORAL_ADDRESS")
	if c.address == "" {
		c.address = client.DefaultHostPort
	}
	c.namespace = getenv("TEMPORAL_NAMESPACE")
	if c.namespace == "" {
		c.namespace = client.DefaultNamespace
	}
	return &c, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	c, err := parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	tc, err := client.DialContext(ctx, client.Options{HostPort: c.address, Namespace: c.namespace, Logger: tlog.NewStructuredLogger(logger)})
	if err != nil {
		return fmt.Errorf("connecting to Temporal at %s: %w", c.address, err)
	}
	defer tc.Close()
	if c.schedules {
		for _, o := range c.orgs {
			if err := orgsync.EnsureSchedule(ctx, tc.ScheduleClient(), o, c.schedule); err != nil {
				return err
			}
			logger.Info("schedule ready", "schedule", orgsync.ScheduleID(o), "every", c.schedule.Every)
		}
	}
	w := worker.New(tc, c.queue, worker.Options{MaxConcurrentActivityExecutionSize: c.concurrent})
	w.RegisterWorkflow(orgsync.SyncOrg)
	w.RegisterWorkflow(orgsync.ContinueSync)
	w.RegisterActivity(&orgsync.Activities{
		Store:   orgsync.FileStore{Dir: c.store},
		Secrets: orgsync.EnvFileSecrets{},
		Logger:  logger,
	})
	stopped := make(chan any)
	go func() { <-ctx.Done(); close(stopped) }()
	return w.Run(stopped)
}
