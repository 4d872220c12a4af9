package orgsync

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	gosync "sync"

	"go.temporal.io/sdk/activity"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/sync"
)

// Activities are the activities of SyncOrg. Register one value with a
// worker (worker.RegisterActivity(acts)); it is safe for concurrent use
// and shares its HTTP connection pool and its per-key rate limiters among
// all organisations. The zero value is not usable: Store and Secrets are
// required.
type Activities struct {
	// Store keeps plans and reports.
	Store BlobStore
	// Secrets resolves the references of an OrgRef.
	Secrets SecretSource
	// HTTPClient is the one connection pool of all clients; nil is a
	// client with http.DefaultTransport's settings.
	HTTPClient *http.Client
	// JumpCloudRate and JumpCloudBurst bound the requests per second of
	// each JumpCloud API key over every organisation it serves (20 and 20
	// when 0; JumpCloud publishes no limit). OomnitzaRate and
	// OomnitzaBurst do the same per Oomnitza instance and token (10 and
	// 10 when 0).
	JumpCloudRate, OomnitzaRate   float64
	JumpCloudBurst, OomnitzaBurst int
	// JumpCloudOptions and OomnitzaOptions are added to every client
	// (retries, timeouts, a logger).
	JumpCloudOptions []jumpcloud.Option
	OomnitzaOptions  []oomnitza.Option
	// SyncOptions are added to every Syncer (concurrency, deprovisioning,
	// a clock).
	SyncOptions []sync.Option
	// ApplyBatch is how many operations are re-read and written between
	// two heartbeats (1 to 500; 100 when 0).
	ApplyBatch int
	// Logger receives the activities' own messages; nil discards them.
	Logger *slog.Logger

	once     gosync.Once
	mu       gosync.Mutex
	hc       *http.Client
	jc       map[clientKey]*jumpcloud.Client
	oc       map[clientKey]*oomnitza.Client
	jcLimits map[string]*jumpcloud.Limiter
	ooLimits map[string]*oomnitza.Limiter
}

// clientKey identifies a client by where it goes and which credential it
// holds: the reference and a hash of the resolved secret, so that a
// rotated secret gets a new client and the secret itself is never kept
// as a key.
type clientKey struct {
	url, ref string
	sum      [sha256.Size]byte
}

func (a *Activities) init() {
	a.once.Do(func() {
		a.hc = a.HTTPClient
		if a.hc == nil {
			// Many organisations share one JumpCloud host: keep more than
			// net/http's 2 idle connections per host.
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = 32
			a.hc = &http.Client{Transport: tr}
		}
		a.jc = map[clientKey]*jumpcloud.Client{}
		a.oc = map[clientKey]*oomnitza.Client{}
		a.jcLimits = map[string]*jumpcloud.Limiter{}
		a.ooLimits = map[string]*oomnitza.Limiter{}
	})
}

func orDefault[T int | float64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// jumpCloud returns the client for org: one base client per URL and key,
// and ForOrg for the organisation, so every organisation of a key shares
// its pool and its limit.
func (a *Activities) jumpCloud(ctx context.Context, org OrgRef) (*jumpcloud.Client, error) {
	key, err := a.secret(ctx, "jumpcloud_key_ref", org.JumpCloudKeyRef)
	if err != nil {
		return nil, err
	}
	ck := clientKey{url: org.JumpCloudURL, ref: org.JumpCloudKeyRef, sum: sha256.Sum256([]byte(key))}
	a.mu.Lock()
	defer a.mu.Unlock()
	base, ok := a.jc[ck]
	if !ok {
		lim, ok := a.jcLimits[org.JumpCloudKeyRef]
		if !ok {
			if lim, err = jumpcloud.NewLimiter(orDefault(a.JumpCloudRate, 20), orDefault(a.JumpCloudBurst, 20)); err != nil {
				return nil, err
			}
			a.jcLimits[org.JumpCloudKeyRef] = lim
		}
		opts := []jumpcloud.Option{jumpcloud.WithHTTPClient(a.hc), jumpcloud.WithLimiter(lim)}
		if org.JumpCloudURL != "" {
			opts = append(opts, jumpcloud.WithBaseURL(org.JumpCloudURL))
		}
		if base, err = jumpcloud.NewClient(key, append(opts, a.JumpCloudOptions...)...); err != nil {
			return nil, err
		}
		a.jc[ck] = base
	}
	if org.OrgID == "" {
		return base, nil
	}
	return base.ForOrg(org.OrgID)
}

// oomnitza returns the client of the organisation's Oomnitza instance.
func (a *Activities) oomnitza(ctx context.Context, org OrgRef) (*oomnitza.Client, error) {
	token, err := a.secret(ctx, "oomnitza_token_ref", org.OomnitzaTokenRef)
	if err != nil {
		return nil, err
	}
	ck := clientKey{url: org.OomnitzaURL, ref: org.OomnitzaTokenRef, sum: sha256.Sum256([]byte(token))}
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.oc[ck]; ok {
		return c, nil
	}
	limKey := org.OomnitzaURL + " " + org.OomnitzaTokenRef
	lim, ok := a.ooLimits[limKey]
	if !ok {
		if lim, err = oomnitza.NewLimiter(orDefault(a.OomnitzaRate, 10), orDefault(a.OomnitzaBurst, 10)); err != nil {
			return nil, err
		}
		a.ooLimits[limKey] = lim
	}
	opts := append([]oomnitza.Option{oomnitza.WithHTTPClient(a.hc), oomnitza.WithLimiter(lim)}, a.OomnitzaOptions...)
	c, err := oomnitza.NewClient(org.OomnitzaURL, token, opts...)
	if err != nil {
		return nil, err
	}
	a.oc[ck] = c
	return c, nil
}

func (a *Activities) secret(ctx context.Context, field, ref string) (string, error) {
	if a.Secrets == nil {
		return "", errors.New("orgsync: Activities.Secrets is nil")
	}
	v, err := a.Secrets.Secret(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("orgsync: resolving %s %s: %w", field, ref, err)
	}
	return v, nil
}

// loadMapping returns the organisation's mapping.
func loadMapping(org OrgRef) (*mapping.Mapping, error) {
	var m *mapping.Mapping
	switch org.Mapping {
	case "standard":
		m = mapping.Standard()
	case "standard-assets":
		m = mapping.StandardAssets()
	default:
		var err error
		if m, err = mapping.LoadFile(org.Mapping); err != nil {
			return nil, err
		}
	}
	if org.Role > 0 {
		m = m.WithRole(org.Role)
	}
	return m, nil
}

// syncer builds the organisation's Syncer; no I/O beyond resolving its
// secrets and reading its mapping file.
func (a *Activities) syncer(ctx context.Context, org OrgRef, opts ...sync.Option) (*sync.Syncer, error) {
	a.init()
	if a.Store == nil {
		return nil, errors.New("orgsync: Activities.Store is nil")
	}
	if err := org.Validate(); err != nil {
		return nil, err
	}
	m, err := loadMapping(org)
	if err != nil {
		return nil, err
	}
	jc, err := a.jumpCloud(ctx, org)
	if err != nil {
		return nil, err
	}
	oc, err := a.oomnitza(ctx, org)
	if err != nil {
		return nil, err
	}
	all := []sync.Option{sync.WithCredentialName(org.JumpCloudKeyRef)}
	if a.Logger != nil {
		all = append(all, sync.WithLogger(a.Logger.With("org", org.Name)))
	}
	all = append(append(all, a.SyncOptions...), opts...)
	return sync.New(jc, oc, m, all...)
}

// PlanInput is the input of PlanOrg.
type PlanInput struct {
	Org OrgRef `json:"org"`
	// RunKey is the blob key prefix of this run's plan and reports.
	RunKey string `json:"run_key"`
}

// PlanResult is what the workflow keeps of a plan: where it is and its
// counts, not its operations.
type PlanResult struct {
	PlanKey string `json:"plan_key"`
	Ops     int    `json:"operations"`
	// Writes counts the Oomnitza writes the plan would make; Counts the
	// operations per kind ("create", "update", ...).
	Writes int            `json:"writes"`
	Counts map[string]int `json:"counts"`
	// Blocked says why the plan must not be applied unattended.
	Blocked string `json:"blocked,omitempty"`
}

// PlanOrg reads the organisation's JumpCloud and Oomnitza records, plans
// the sync and stores the plan under RunKey/plan.json. It heartbeats with
// the read progress per page. An incomplete JumpCloud read is a retryable
// error: a plan made from part of the directory is never applied.
func (a *Activities) PlanOrg(ctx context.Context, in PlanInput) (*PlanResult, error) {
	s, err := a.syncer(ctx, in.Org, sync.WithProgress(func(p sync.Progress) { activity.RecordHeartbeat(ctx, p) }))
	if err != nil {
		return nil, classify(err)
	}
	plan, err := s.Plan(ctx)
	if err != nil {
		return nil, classify(err)
	}
	if plan.SourceError != "" || !plan.SourceComplete {
		return nil, classify(fmt.Errorf("%w: read %d of %d: %s", sync.ErrIncompleteRead, plan.SourceRead, plan.SourceTotal, plan.SourceError))
	}
	b, err := plan.JSON()
	if err != nil {
		return nil, classify(err)
	}
	key := in.RunKey + "/plan.json"
	if err := a.Store.Put(ctx, key, b); err != nil {
		return nil, storeErr(err)
	}
	counts := map[string]int{}
	for _, op := range plan.Ops {
		counts[string(op.Kind)]++
	}
	return &PlanResult{PlanKey: key, Ops: len(plan.Ops), Writes: plan.Writes(), Counts: counts, Blocked: plan.Blocked}, nil
}

// ChunkInput is the input of ApplyChunk: operations [From, To) of the
// stored plan.
type ChunkInput struct {
	Org     OrgRef `json:"org"`
	PlanKey string `json:"plan_key"`
	// ReportKey is where the chunk's report is stored.
	ReportKey string `json:"report_key"`
	From      int    `json:"from"`
	To        int    `json:"to"`
}

// ChunkHeartbeat is ApplyChunk's heartbeat: Through is the first
// operation not yet done, where a retried attempt resumes.
type ChunkHeartbeat struct {
	Through int `json:"through"`
	Done    int `json:"done"`
	Total   int `json:"total"`
}

// ChunkResult is what the workflow keeps of a chunk.
type ChunkResult struct {
	ReportKey string      `json:"report_key"`
	Counts    sync.Counts `json:"counts"`
	// ResumedAt is the operation this attempt started at (From unless an
	// earlier attempt got further).
	ResumedAt int `json:"resumed_at"`
}

// ApplyChunk applies operations [From, To) of the stored plan. After each
// batch it heartbeats the first operation not yet done; an attempt that
// finds such a heartbeat from the attempt before resumes there and joins
// the earlier attempt's report. When records failed and a retry can help
// (rate limits, 5xx, connection failures) it stores what it did and
// returns a retryable error; records that failed for good (a refused
// value) are reported, not retried.
func (a *Activities) ApplyChunk(ctx context.Context, in ChunkInput) (*ChunkResult, error) {
	if in.From < 0 || in.To < in.From {
		return nil, classify(fmt.Errorf("orgsync: ApplyChunk: operations [%d, %d): want 0 <= from <= to", in.From, in.To))
	}
	s, err := a.syncer(ctx, in.Org)
	if err != nil {
		return nil, classify(err)
	}
	b, err := a.Store.Get(ctx, in.PlanKey)
	if err != nil {
		return nil, storeErr(err)
	}
	plan, err := sync.ParsePlan(b)
	if err != nil {
		return nil, classify(err)
	}
	start, earlier := a.resumePoint(ctx, in)
	batch := orDefault(a.ApplyBatch, 100)
	rep, err := s.Apply(ctx, plan, sync.OpRange(start, in.To), sync.ApplyBatchSize(batch),
		sync.OnApplyProgress(func(p sync.ApplyProgress) {
			activity.RecordHeartbeat(ctx, ChunkHeartbeat{Through: p.Through, Done: p.Through - in.From, Total: in.To - in.From})
		}))
	if err != nil {
		return nil, classify(err)
	}
	if earlier != nil {
		if err := earlier.Merge(rep); err != nil {
			return nil, classify(err)
		}
		rep = earlier
	}
	out, err := rep.JSON()
	if err != nil {
		return nil, classify(err)
	}
	if err := a.Store.Put(ctx, in.ReportKey, out); err != nil {
		return nil, storeErr(err)
	}
	if retryWorth(rep) {
		return nil, classify(fmt.Errorf("orgsync: operations [%d, %d) of %s: %w", in.From, in.To, in.PlanKey, rep.Err()))
	}
	return &ChunkResult{ReportKey: in.ReportKey, Counts: rep.Counts, ResumedAt: start}, nil
}

// resumePoint is where an attempt of the chunk starts: at the previous
// attempt's heartbeat, with that attempt's report of the operations
// before it, or at From. Without the earlier report it starts at From:
// sync's re-read finds what was applied ("already applied"), so the report
// stays complete and nothing is written twice.
func (a *Activities) resumePoint(ctx context.Context, in ChunkInput) (int, *sync.Report) {
	var hb ChunkHeartbeat
	if !activity.HasHeartbeatDetails(ctx) || activity.GetHeartbeatDetails(ctx, &hb) != nil || hb.Through <= in.From || hb.Through > in.To {
		return in.From, nil
	}
	prev, err := a.Store.Get(ctx, in.ReportKey)
	if err != nil {
		return in.From, nil
	}
	var r sync.Report
	if json.Unmarshal(prev, &r) != nil {
		return in.From, nil
	}
	return hb.Through, r.Before(hb.Through)
}

// retryWorth reports whether some failed or unrun records of rep could
// succeed on another attempt.
func retryWorth(rep *sync.Report) bool {
	for _, o := range rep.Records {
		if o.Outcome == sync.NotRun || o.Outcome == sync.Failed && o.Retryable {
			return true
		}
	}
	return false
}

// ReportInput is the input of Report.
type ReportInput struct {
	RunKey    string   `json:"run_key"`
	ChunkKeys []string `json:"chunk_keys"`
	// Partial is the report key of a chunk that did not finish; it is
	// included when an attempt stored one.
	Partial string `json:"partial,omitempty"`
}

// ReportResult is the run's outcome as the workflow returns it.
type ReportResult struct {
	ReportKey string      `json:"report_key"`
	Counts    sync.Counts `json:"counts"`
	Writes    int         `json:"writes"`
	// Error is the report's error (records failed or not run), if any.
	Error string `json:"error,omitempty"`
}

// Report merges the chunk reports, in order, into RunKey/report.json.
func (a *Activities) Report(ctx context.Context, in ReportInput) (*ReportResult, error) {
	if a.Store == nil {
		return nil, classify(errors.New("orgsync: Activities.Store is nil"))
	}
	var all *sync.Report
	keys := in.ChunkKeys
	if in.Partial != "" {
		if _, err := a.Store.Get(ctx, in.Partial); err == nil {
			keys = append(keys[:len(keys):len(keys)], in.Partial)
		}
	}
	for _, k := range keys {
		b, err := a.Store.Get(ctx, k)
		if err != nil {
			return nil, storeErr(err)
		}
		var r sync.Report
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, classify(fmt.Errorf("orgsync: report %s: %w", k, err))
		}
		if all == nil {
			all = &r
			continue
		}
		if err := all.Merge(&r); err != nil {
			return nil, classify(err)
		}
	}
	if all == nil {
		return nil, classify(errors.New("orgsync: Report: no chunk reports"))
	}
	b, err := all.JSON()
	if err != nil {
		return nil, classify(err)
	}
	key := in.RunKey + "/report.json"
	if err := a.Store.Put(ctx, key, b); err != nil {
		return nil, storeErr(err)
	}
	res := &ReportResult{ReportKey: key, Counts: all.Counts, Writes: all.Writes()}
	if err := all.Err(); err != nil {
		res.Error = err.Error()
	}
	return res, nil
}
