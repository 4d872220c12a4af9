package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// orgsJSON is section 12's figures: one entry per organisation.
type orgsJSON struct {
	Org       string        `json:"org"`
	Users     int           `json:"users"`
	PlanBytes int           `json:"plan_bytes"`
	Batches   int           `json:"batches"`
	StoppedAt int           `json:"stopped_at,omitempty"`
	Posts     int           `json:"oomnitza_posts"`
	Counts    jcsync.Counts `json:"counts"`
}

// runOrgs shows what a scheduler of many organisations builds on: one MSP
// key and one limiter for three JumpCloud organisations, plans as JSON,
// apply in batches with a resume point, a crash resumed with nothing
// written twice, and errors that say whether a retry can help.
func runOrgs(ctx context.Context, out io.Writer, doc *storyJSON, n int) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	const key = "jca_demo_msp_key" // the fakes' administrator key, the same for every organisation
	orgs := []string{"5a1b2c3d4e5f60718293a4b5", "6b2c3d4e5f60718293a4b5c6", "7c3d4e5f60718293a4b5c6d7"}
	sizes := []int{max(50, n/5), max(50, n/8), max(50, n/10)}
	pool := &http.Client{} // one connection pool for every client
	lim, err := jumpcloud.NewLimiter(50, 10)
	if err != nil {
		return err
	}
	say("\n12. Many organisations, one MSP key: %d JumpCloud orgs (x-org-id each) share one pool and one 50 req/s limiter", len(orgs))
	for i, org := range orgs {
		jsrv := jumpcloudtest.NewServer(jumpcloudtest.WithAPIKey(key), jumpcloudtest.WithOrgID(org), jumpcloudtest.WithGeneratedUsers(sizes[i], uint64(20+i)))
		defer jsrv.Close()
		osrv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
		defer osrv.Close()
		jc, err := jumpcloud.NewClient(key, jumpcloud.WithBaseURL(jsrv.URL), jumpcloud.WithOrgID(org), jumpcloud.WithHTTPClient(pool), jumpcloud.WithLimiter(lim))
		if err != nil {
			return err
		}
		oc, err := osrv.Client(oomnitza.WithHTTPClient(pool))
		if err != nil {
			return err
		}
		s, err := jcsync.New(jc, oc, mapping.Standard().WithRole(25))
		if err != nil {
			return err
		}
		plan, err := s.Plan(ctx)
		if err != nil {
			return err
		}
		b, err := plan.JSON()
		if err != nil {
			return err
		}
		// The plan travels as versioned JSON, e.g. to a blob store.
		if plan, err = jcsync.ParsePlan(b); err != nil {
			return err
		}
		entry := orgsJSON{Org: org, Users: sizes[i], PlanBytes: len(b)}
		// Apply in batches of 25, the progress hook giving the resume
		// point; the second org's worker "crashes" after one batch.
		actx, crash := context.WithCancel(ctx)
		through := 0
		rep, err := s.Apply(actx, plan, jcsync.ApplyBatchSize(25), jcsync.OnApplyProgress(func(p jcsync.ApplyProgress) {
			entry.Batches++
			through = p.Through
			if i == 1 && p.Done == 25 {
				crash()
			}
		}))
		crash()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("    org %s: %d users, plan %.1f KB, %d batches", org[:6], sizes[i], float64(len(b))/1024, entry.Batches)
		if rep.Err() != nil {
			entry.StoppedAt = through
			rest, err := s.Apply(ctx, plan, jcsync.OpRange(through, len(plan.Ops)))
			if err != nil {
				return err
			}
			rep = rep.Before(through)
			if err := rep.Merge(rest); err != nil {
				return err
			}
			line += fmt.Sprintf("; stopped after operation %d (%d not run), resumed there", through, len(plan.Ops)-through)
		}
		entry.Posts, entry.Counts = osrv.Calls()["POST /api/v3/users"], rep.Counts
		say("%s: %d created, %d POSTs, err=%v", line, rep.Counts.Created, entry.Posts, rep.Err())
		doc.Orgs = append(doc.Orgs, entry)
	}

	// Errors that tell a scheduler whether to retry.
	jsrv := jumpcloudtest.NewServer()
	defer jsrv.Close()
	_, draft := jcsync.New(nil, nil, mapping.Standard())
	if draft == nil {
		return errors.New("a draft mapping was accepted")
	}
	jc, err := jsrv.Client(jumpcloud.WithRetries(0))
	if err != nil {
		return err
	}
	if err := jsrv.InjectTooManyRequests("GET /api/systemusers", "120"); err != nil {
		return err
	}
	_, limited := jc.Users.List(ctx, nil)
	if limited == nil {
		return errors.New("the 429 was not reported")
	}
	wait, _ := jcsync.RetryAfter(limited)
	say("    sync.Retryable: a draft mapping %v; a 429 with Retry-After: 120 %v, after %s; an incomplete read %v",
		jcsync.Retryable(draft), jcsync.Retryable(limited), wait, jcsync.Retryable(jcsync.ErrIncompleteRead))
	say("    On Temporal, examples/temporal runs each org as a durable SyncOrg with one Schedule per org (cd examples/temporal && go test ./...)")
	return nil
}
