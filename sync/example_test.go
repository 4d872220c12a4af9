package sync_test

import (
	stdcontext "context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

// exampleClients starts both fakes: n JumpCloud users, an empty Oomnitza
// with the "JumpCloud User Id" field.
func exampleClients(n int) (jc *jumpcloud.Client, oc *oomnitza.Client, closeAll func()) {
	js := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(n, 1))
	os := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	jc, err := js.Client()
	if err != nil {
		log.Fatal(err)
	}
	oc, err = os.Client()
	if err != nil {
		log.Fatal(err)
	}
	return jc, oc, func() { js.Close(); os.Close() }
}

// A sync plans, applies exactly that plan, and writes nothing on a rerun.
func Example() {
	jc, oc, closeAll := exampleClients(50)
	defer closeAll()
	ctx := stdcontext.Background()

	s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25))
	if err != nil {
		log.Fatal(err)
	}
	plan, err := s.Plan(ctx) // reads both sides, writes nothing
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("planned creates:", plan.Count(jcsync.OpCreate))
	rep, err := s.Apply(ctx, plan)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created:", rep.Counts.Created, "failed:", rep.Counts.Failed, "err:", rep.Err())
	rep, err = s.Run(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rerun unchanged:", rep.Counts.Unchanged, "writes:", rep.Writes())
	// Output:
	// planned creates: 50
	// created: 50 failed: 0 err: <nil>
	// rerun unchanged: 50 writes: 0
}

// A mapping without a role is a draft: New lists what is missing and
// nothing can run.
func ExampleNew_draft() {
	jc, oc, closeAll := exampleClients(1)
	defer closeAll()
	_, err := jcsync.New(jc, oc, mapping.Standard())
	var draft *mapping.ValidationError
	fmt.Println(errors.As(err, &draft), len(draft.Issues), draft.Issues[0].Field)
	// Output:
	// true 1 role
}

// A plan encodes to JSON for review, and the reviewed plan is applied
// later, by another process; applied twice, it writes each record once.
func ExampleParsePlan() {
	jc, oc, closeAll := exampleClients(20)
	defer closeAll()
	ctx := stdcontext.Background()
	s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25))
	if err != nil {
		log.Fatal(err)
	}
	plan, err := s.Plan(ctx)
	if err != nil {
		log.Fatal(err)
	}
	b, err := plan.JSON()
	if err != nil {
		log.Fatal(err)
	}
	reviewed, err := jcsync.ParsePlan(b)
	if err != nil {
		log.Fatal(err)
	}
	for range 2 {
		rep, err := s.Apply(ctx, reviewed)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("created:", rep.Counts.Created, "already applied:", rep.Counts.AlreadyApplied)
	}
	// Output:
	// created: 20 already applied: 0
	// created: 0 already applied: 20
}

// Deprovisioning is off by default; with a threshold, a run that would
// touch too many users stops before writing anything.
func ExampleWithDeprovision() {
	jc, oc, closeAll := exampleClients(30)
	defer closeAll()
	ctx := stdcontext.Background()
	s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.Run(ctx); err != nil {
		log.Fatal(err)
	}
	left := 0
	for u, err := range jc.Users.All(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if left < 4 && !u.Suspended {
			if _, err := jc.Users.Delete(ctx, u.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err != nil {
				log.Fatal(err)
			}
			left++
		}
	}
	strict, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: 2}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = strict.Run(ctx)
	fmt.Println(errors.Is(err, jcsync.ErrThresholdExceeded))
	allowed, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25),
		jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: 5}))
	if err != nil {
		log.Fatal(err)
	}
	rep, err := allowed.Run(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("suspended:", rep.Counts.Deprovisioned)
	// Output:
	// true
	// suspended: 4
}

// Daily is the default cadence; Next says when the next run is.
func ExampleDaily() {
	sched := jcsync.Daily("02:00", time.UTC)
	now := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)
	fmt.Println(sched, "->", sched.Next(now).Format(time.RFC3339))
	fmt.Println(jcsync.Daily("25:00", nil).Err() != nil)
	// Output:
	// daily at 02:00 UTC -> 2026-12-03T02:00:00Z
	// true
}

// Insights reads JumpCloud once and reports, per finding, the users and
// the preset that fixes it; joined with Oomnitza it also finds who is
// missing on either side.
func ExampleInsights() {
	jc, oc, closeAll := exampleClients(200)
	defer closeAll()
	ctx := stdcontext.Background()
	rep, err := jcsync.Insights(ctx, jc, jcsync.JoinOomnitza(oc, mapping.Standard()))
	if err != nil {
		log.Fatal(err)
	}
	missing := rep.Finding(presets.FindingMissingFromOomnitza)
	fmt.Println(missing.Title+":", missing.Count)
	locked := rep.Finding(presets.FindingLocked)
	fmt.Println(locked.Title+":", locked.Count > 0, "fix:", locked.Preset)
	// Output:
	// In JumpCloud, missing from Oomnitza: 200
	// Locked accounts: true fix: jumpcloud.unlock_user
}

// Devices become hardware assets on the same engine: people first, so that
// each device can be assigned to its person; then mapping.StandardAssets.
func Example_assets() {
	js := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(40, 1), jumpcloudtest.WithGeneratedSystems(60, 1))
	defer js.Close()
	os := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField()))
	defer os.Close()
	jc, err := js.Client()
	if err != nil {
		log.Fatal(err)
	}
	oc, err := os.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := stdcontext.Background()

	people, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := people.Run(ctx); err != nil {
		log.Fatal(err)
	}
	devices, err := jcsync.New(jc, oc, mapping.StandardAssets())
	if err != nil {
		log.Fatal(err)
	}
	rep, err := devices.Run(ctx)
	if err != nil {
		log.Fatal(err)
	}
	assigned := 0
	for _, a := range os.Assets() {
		if a.AssignedTo != "" {
			assigned++
		}
	}
	fmt.Println("devices read:", rep.SourceRead, "assets created:", rep.Counts.Created, "assigned:", assigned)
	for _, o := range rep.Records {
		if o.Outcome == jcsync.Skipped {
			fmt.Println("skipped:", o.Reason)
			break
		}
	}
	rep, err = devices.Run(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rerun unchanged:", rep.Counts.Unchanged, "writes:", rep.Writes())
	// Output:
	// devices read: 60 assets created: 59 assigned: 53
	// skipped: mapping: fields[0] (serialNumber -> serial_number): required value is empty
	// rerun unchanged: 59 writes: 0
}

// An apply interrupted after its first batch resumes at the operation its
// progress hook last reported; the joined report is a clean apply's.
func ExampleOnApplyProgress() {
	jc, oc, closeAll := exampleClients(60)
	defer closeAll()
	s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25))
	if err != nil {
		log.Fatal(err)
	}
	plan, err := s.Plan(stdcontext.Background())
	if err != nil {
		log.Fatal(err)
	}
	ctx, crash := stdcontext.WithCancel(stdcontext.Background())
	through := 0
	first, err := s.Apply(ctx, plan, jcsync.ApplyBatchSize(20), jcsync.OnApplyProgress(func(p jcsync.ApplyProgress) {
		through = p.Through // a scheduler would heartbeat this
		if p.Done == 20 {
			crash() // the worker dies after one batch
		}
	}))
	crash()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("first attempt:", first.Counts.Created, "created,", first.Counts.NotRun, "not run; resume at", through)

	rest, err := s.Apply(stdcontext.Background(), plan, jcsync.OpRange(through, len(plan.Ops)))
	if err != nil {
		log.Fatal(err)
	}
	all := first.Before(through)
	if err := all.Merge(rest); err != nil {
		log.Fatal(err)
	}
	fmt.Println("joined:", all.Counts.Created, "created,", all.Counts.AlreadyApplied, "already applied, err:", all.Err())
	// Output:
	// first attempt: 20 created, 40 not run; resume at 20
	// joined: 60 created, 0 already applied, err: <nil>
}
