package orgsync

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// ScheduleOptions says when an organisation's sync runs.
type ScheduleOptions struct {
	// Every is the interval between runs (24h when 0; at least 5m).
	Every time.Duration
	// Offset shifts the runs within the interval (e.g. 2h: 02:00 UTC for
	// a daily run); Jitter spreads the start over up to this much time
	// so that hundreds of organisations do not all start at once (30m
	// when 0; negative for none).
	Offset, Jitter time.Duration
	// TaskQueue is the workers' task queue (TaskQueue when empty).
	TaskQueue string
	// Paused creates the schedule paused.
	Paused bool
}

// ScheduleID is the id of the organisation's schedule:
// "jc-oomnitza/" and its key (OrgRef.Key).
func ScheduleID(org OrgRef) string { return "jc-oomnitza/" + org.Key() }

// NewScheduleOptions returns the schedule of one organisation: SyncOrg
// with org as its only argument, every o.Every, a run that would overlap
// the previous one skipped, a missed run caught up within an hour.
func NewScheduleOptions(org OrgRef, o ScheduleOptions) (client.ScheduleOptions, error) {
	if err := org.Validate(); err != nil {
		return client.ScheduleOptions{}, err
	}
	every := o.Every
	if every == 0 {
		every = 24 * time.Hour
	}
	if every < 5*time.Minute {
		return client.ScheduleOptions{}, fmt.Errorf("orgsync: schedule every %s: want at least 5m", every)
	}
	if o.Offset < 0 || o.Offset >= every {
		return client.ScheduleOptions{}, fmt.Errorf("orgsync: schedule offset %s: want 0 <= offset < every (%s)", o.Offset, every)
	}
	jitter := o.Jitter
	switch {
	case jitter == 0:
		jitter = min(30*time.Minute, every/2)
	case jitter < 0:
		jitter = 0
	case jitter >= every:
		return client.ScheduleOptions{}, fmt.Errorf("orgsync: schedule jitter %s: want less than every (%s)", jitter, every)
	}
	queue := o.TaskQueue
	if queue == "" {
		queue = TaskQueue
	}
	id := ScheduleID(org)
	return client.ScheduleOptions{
		ID: id,
		Spec: client.ScheduleSpec{
			Intervals: []client.ScheduleIntervalSpec{{Every: every, Offset: o.Offset}},
			Jitter:    jitter,
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        id, // the schedule appends the start time
			Workflow:  SyncOrg,
			Args:      []any{org},
			TaskQueue: queue,
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: time.Hour,
		Paused:        o.Paused,
		Note:          "jcoom sync of " + org.Name,
	}, nil
}

// EnsureSchedule creates the organisation's schedule, or updates the
// existing one to these options (its paused state is left as it is, so a
// person's pause survives a worker restart).
func EnsureSchedule(ctx context.Context, sc client.ScheduleClient, org OrgRef, o ScheduleOptions) error {
	opts, err := NewScheduleOptions(org, o)
	if err != nil {
		return err
	}
	_, err = sc.Create(ctx, opts)
	if err == nil {
		return nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("orgsync: creating schedule %s: %w", opts.ID, err)
	}
	err = sc.GetHandle(ctx, opts.ID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec = &opts.Spec
			s.Action = opts.Action
			if s.Policy == nil {
				s.Policy = &client.SchedulePolicies{}
			}
			s.Policy.Overlap, s.Policy.CatchupWindow = opts.Overlap, opts.CatchupWindow
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("orgsync: updating schedule %s: %w", opts.ID, err)
	}
	return nil
}
