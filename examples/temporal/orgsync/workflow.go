package orgsync

import (
	"fmt"
	"regexp"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/jcoom/jcoom/sync"
)

// TaskQueue is the task queue the worker and the schedules use unless
// told otherwise.
const TaskQueue = "jcoom-orgsync"

// maxChunksPerRun bounds the chunks one workflow run applies before it
// continues as new: ~4 history events a chunk keeps a run far below
// Temporal's 51,200-event limit even for the largest directories.
const maxChunksPerRun = 200

// Continuation is the state a SyncOrg run hands to the next run when it
// continues as new: the plan's key and counts and how far the apply got.
// Like OrgRef it holds no secret.
type Continuation struct {
	Org    OrgRef      `json:"org"`
	RunKey string      `json:"run_key"`
	Plan   *PlanResult `json:"plan,omitempty"`
	// Next is the first operation not yet applied; ChunkKeys the reports
	// of the chunks before it.
	Next      int      `json:"next"`
	ChunkKeys []string `json:"chunk_keys"`
	// Runs counts the runs continued so far.
	Runs int `json:"runs"`
}

// Result is what SyncOrg returns: counts and the keys of the stored plan
// and report.
type Result struct {
	Org       string      `json:"org"`
	PlanKey   string      `json:"plan_key"`
	ReportKey string      `json:"report_key"`
	Ops       int         `json:"operations"`
	Chunks    int         `json:"chunks"`
	Runs      int         `json:"runs"`
	Writes    int         `json:"writes"`
	Counts    sync.Counts `json:"counts"`
}

// SyncOrg syncs one organisation: plan, apply in chunks, report. It
// fails, without retries, for an invalid OrgRef, a draft mapping, a plan
// blocked by a deprovision threshold and records that failed for good;
// it retries rate limits and outages through its activities' retry
// policies. The plan and the report stay in the BlobStore; history holds
// their keys and counts.
func SyncOrg(ctx workflow.Context, org OrgRef) (*Result, error) {
	if err := org.Validate(); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, nil)
	}
	info := workflow.GetInfo(ctx)
	return syncRun(ctx, Continuation{Org: org, RunKey: runKey(org, info.WorkflowExecution.ID, info.WorkflowExecution.RunID)})
}

// ContinueSync is SyncOrg continued as new: it picks up the apply where
// the previous run stopped.
func ContinueSync(ctx workflow.Context, st Continuation) (*Result, error) {
	if err := st.Org.Validate(); err != nil {
		return nil, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidInput, nil)
	}
	if st.Plan == nil || st.RunKey == "" || st.Next < 0 || st.Next > st.Plan.Ops {
		return nil, temporal.NewNonRetryableApplicationError("orgsync: ContinueSync: the continuation has no plan or an operation out of range", ErrTypeInvalidInput, nil)
	}
	return syncRun(ctx, st)
}

var unsafeKey = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// runKey is the blob prefix of one run: the organisation, then the
// workflow id (a Schedule adds the start time to it) and run id.
func runKey(org OrgRef, workflowID, runID string) string {
	w := unsafeKey.ReplaceAllString(workflowID, "_")
	if len(w) > 150 {
		w = w[len(w)-150:]
	}
	r := unsafeKey.ReplaceAllString(runID, "_")
	if len(r) > 36 {
		r = r[:36]
	}
	return "orgs/" + unsafeKey.ReplaceAllString(org.Key(), "_") + "/" + w + "-" + r
}

func withActivity(ctx workflow.Context, startToClose, heartbeat time.Duration) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: startToClose,
		HeartbeatTimeout:    heartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        15 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        10 * time.Minute,
			MaximumAttempts:        10,
			NonRetryableErrorTypes: nonRetryable,
		},
	})
}

func syncRun(ctx workflow.Context, st Continuation) (*Result, error) {
	var a *Activities
	work := withActivity(ctx, 2*time.Hour, 5*time.Minute)
	if st.Plan == nil {
		var pr PlanResult
		if err := workflow.ExecuteActivity(work, a.PlanOrg, PlanInput{Org: st.Org, RunKey: st.RunKey}).Get(ctx, &pr); err != nil {
			return nil, err
		}
		if pr.Blocked != "" {
			return nil, temporal.NewNonRetryableApplicationError(
				fmt.Sprintf("orgsync: %s: the plan is blocked (%s); review %s", st.Org.Name, pr.Blocked, pr.PlanKey), ErrTypeThresholdExceeded, nil)
		}
		st.Plan = &pr
	}
	size := st.Org.opsPerChunk()
	var applyErr error
	var failedChunk string
	for chunks := 0; st.Next < st.Plan.Ops || len(st.ChunkKeys) == 0; {
		to := min(st.Next+size, st.Plan.Ops)
		key := fmt.Sprintf("%s/report-%07d-%07d.json", st.RunKey, st.Next, to)
		in := ChunkInput{Org: st.Org, PlanKey: st.Plan.PlanKey, ReportKey: key, From: st.Next, To: to}
		var cr ChunkResult
		if err := workflow.ExecuteActivity(work, a.ApplyChunk, in).Get(ctx, &cr); err != nil {
			applyErr, failedChunk = err, key
			break
		}
		st.ChunkKeys = append(st.ChunkKeys, key)
		st.Next = to
		chunks++
		if st.Next < st.Plan.Ops && (workflow.GetInfo(ctx).GetContinueAsNewSuggested() || chunks >= maxChunksPerRun) {
			st.Runs++
			return nil, workflow.NewContinueAsNewError(ctx, ContinueSync, st)
		}
	}
	var rr ReportResult
	report := withActivity(ctx, 10*time.Minute, 0)
	if err := workflow.ExecuteActivity(report, a.Report, ReportInput{RunKey: st.RunKey, ChunkKeys: st.ChunkKeys, Partial: failedChunk}).Get(ctx, &rr); err != nil {
		if applyErr != nil {
			return nil, applyErr
		}
		return nil, err
	}
	if applyErr != nil {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("orgsync: %s: the apply stopped at operation %d of %d; report %s", st.Org.Name, st.Next, st.Plan.Ops, rr.ReportKey),
			ErrTypeRecordsFailed, applyErr)
	}
	res := &Result{Org: st.Org.Name, PlanKey: st.Plan.PlanKey, ReportKey: rr.ReportKey, Ops: st.Plan.Ops,
		Chunks: len(st.ChunkKeys), Runs: st.Runs + 1, Writes: rr.Writes, Counts: rr.Counts}
	if rr.Counts.Failed > 0 {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("orgsync: %s: %d records failed and a retry cannot help; report %s", st.Org.Name, rr.Counts.Failed, rr.ReportKey),
			ErrTypeRecordsRefused, nil, res)
	}
	return res, nil
}
