package sync

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	gosync "sync"
	"sync/atomic"
	"time"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
)

// ApplyOption changes what Apply does.
type ApplyOption func(*applySettings) error

type applySettings struct {
	from, to int // operation ids, [from, to)
	batch    int
	progress func(ApplyProgress)
}

// ApplyProgress is where an Apply has got to, after each batch.
type ApplyProgress struct {
	// Through is the id of the first operation of the range that has not
	// finished: every operation before it was applied (or found applied,
	// unchanged, skipped, disputed or stale) and none of them failed. An
	// Apply resumed with OpRange(Through, to) repeats nothing that
	// succeeded; it stops advancing at the first failed or not run
	// operation.
	Through int
	// Done and Total count the range's operations processed and in all.
	Done, Total int
	// Failed counts the operations that failed or were not run so far.
	Failed int
}

// OnApplyProgress calls fn after each batch of operations is finished
// (see ApplyBatchSize), from the goroutine that called Apply: a hook for
// a scheduler's heartbeat, carrying the resume point.
func OnApplyProgress(fn func(ApplyProgress)) ApplyOption {
	return func(a *applySettings) error {
		if fn == nil {
			return errors.New("sync: OnApplyProgress(nil)")
		}
		a.progress = fn
		return nil
	}
}

// ApplyBatchSize sets how many operations are re-read together and
// written before the next batch starts (1 to 500; 500 by default).
// Smaller batches make OnApplyProgress report more often, at the cost of
// more re-reads.
func ApplyBatchSize(n int) ApplyOption {
	return func(a *applySettings) error {
		if n < 1 || n > applyChunk {
			return fmt.Errorf("sync: ApplyBatchSize(%d): want 1 to %d", n, applyChunk)
		}
		a.batch = n
		return nil
	}
}

// OpRange applies only the operations with from <= id < to, so that an
// outside scheduler can run a plan in resumable chunks. Operations
// outside the range are not in the report.
func OpRange(from, to int) ApplyOption {
	return func(a *applySettings) error {
		if from < 0 || to < from {
			return fmt.Errorf("sync: OpRange(%d, %d): want 0 <= from <= to", from, to)
		}
		a.from, a.to = from, to
		return nil
	}
}

// applyChunk is how many operations are re-read and written together
// unless ApplyBatchSize says otherwise.
const applyChunk = 500

// allOf is the settings of an Apply of the whole plan.
func allOf(p *Plan) applySettings { return applySettings{from: 0, to: len(p.Ops), batch: applyChunk} }

// Apply applies exactly the plan, or refuses it (a plan made for another
// tenant, mapping or kind is ErrPlanMismatch; a blocked plan
// ErrThresholdExceeded). Before it changes an Oomnitza user it re-reads
// the current values, in batches: still what the plan saw -> written;
// already what the plan would write -> already applied, no write;
// anything else -> stale, left alone. So a plan can be applied again, or
// resumed, with no double write. A failing record never stops the others;
// ctx cancellation stops cleanly and the rest is "not run". The error is
// for a refused plan only; the report's Err says whether everything was
// applied.
func (s *Syncer) Apply(ctx context.Context, p *Plan, opts ...ApplyOption) (*Report, error) {
	if p == nil {
		return nil, errors.New("sync: Apply: the plan is nil")
	}
	as := allOf(p)
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&as); err != nil {
			return nil, err
		}
	}
	as.to = min(as.to, len(p.Ops))
	as.from = min(as.from, as.to)
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.apply(ctx, p, as)
}

func (s *Syncer) apply(ctx context.Context, p *Plan, as applySettings) (*Report, error) {
	if err := s.check(p); err != nil {
		return nil, err
	}
	if p.Blocked != "" {
		return s.blockedReport(p), fmt.Errorf("%w: %s", ErrThresholdExceeded, p.Blocked)
	}
	start := time.Now()
	before := s.k.calls.snapshot()
	pc, err := s.prepare(ctx, p.SyncTime, true)
	if err != nil {
		return nil, err
	}
	a := &applier{s: s, p: p, cm: pc.cm, rep: s.newReport(p, start), total: as.to - as.from, targets: map[string]bool{}}
	for _, f := range pc.cm.Targets() {
		a.targets[f] = true
	}
	a.rep.Records = make([]RecordOutcome, as.to-as.from)
	if err := a.saasSetup(ctx, as); err != nil {
		return nil, err
	}
	through, failed := as.from, 0
	for lo := as.from; lo < as.to; lo += as.batch {
		hi := min(lo+as.batch, as.to)
		a.chunk(ctx, lo, hi, as.from)
		for _, o := range a.rep.Records[lo-as.from : hi-as.from] {
			if !o.finished() {
				failed++
			}
		}
		for through < hi && a.rep.Records[through-as.from].finished() {
			through++
		}
		if as.progress != nil {
			as.progress(ApplyProgress{Through: through, Done: hi - as.from, Total: as.to - as.from, Failed: failed})
		}
	}
	a.rep.Duration = time.Since(start)
	a.rep.Calls = diffCalls(s.k.calls.snapshot(), before)
	a.rep.recount(int(a.saasWritten))
	s.set.log.Info("sync: applied", "created", a.rep.Counts.Created, "updated", a.rep.Counts.Updated,
		"unchanged", a.rep.Counts.Unchanged, "failed", a.rep.Counts.Failed, "stale", a.rep.Counts.Stale)
	return a.rep, nil
}

func diffCalls(after, before map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// check refuses a plan made elsewhere.
func (s *Syncer) check(p *Plan) error {
	jcURL, org := s.k.source.origin()
	switch {
	case p.Version != PlanVersion:
		return fmt.Errorf("%w: plan version %d, want %d", ErrPlanMismatch, p.Version, PlanVersion)
	case p.Kind != s.k.name:
		return fmt.Errorf("%w: the plan is for %q, this sync for %q", ErrPlanMismatch, p.Kind, s.k.name)
	case p.Oomnitza != s.k.target.origin():
		return fmt.Errorf("%w: the plan is for Oomnitza %s, this sync writes to %s", ErrPlanMismatch, p.Oomnitza, s.k.target.origin())
	case p.JumpCloud != jcURL || p.JumpCloudOrg != org:
		return fmt.Errorf("%w: the plan is for JumpCloud %s org %q, this sync reads %s org %q", ErrPlanMismatch, p.JumpCloud, p.JumpCloudOrg, jcURL, org)
	case p.Fingerprint != s.Fingerprint():
		return fmt.Errorf("%w: the plan was made with mapping %q (fingerprint %.12s), this sync has %q (%.12s)",
			ErrPlanMismatch, p.Mapping, p.Fingerprint, s.m.Name, s.Fingerprint())
	}
	return nil
}

func lookupNames(m *mapping.Mapping) []string {
	var out []string
	for _, f := range m.Fields {
		for _, t := range f.Transform {
			if t.Name != "lookup" {
				continue
			}
			n, _ := t.Args["name"].(string)
			if n == "" {
				n, _ = t.Args["value"].(string)
			}
			if n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func (s *Syncer) newReport(p *Plan, start time.Time) *Report {
	return &Report{Version: PlanVersion, Kind: p.Kind, Mapping: p.Mapping, Oomnitza: p.Oomnitza, JumpCloudOrg: p.JumpCloudOrg,
		StartedAt: start.UTC(), SourceRead: p.SourceRead, SourceComplete: p.SourceComplete, SourceError: p.SourceError}
}

// blockedReport is the report of a run stopped by the threshold: nothing
// was written.
func (s *Syncer) blockedReport(p *Plan) *Report {
	r := s.newReport(p, s.set.now())
	r.Blocked = p.Blocked
	r.Calls = s.k.calls.snapshot()
	r.finish()
	return r
}

// applier applies one plan.
type applier struct {
	s   *Syncer
	p   *Plan
	cm  *mapping.Compiled
	rep *Report
	// targets are the fields the mapping writes.
	targets map[string]bool

	saasMu      gosync.Mutex
	saasID      int
	saasUsers   map[string]saasUser
	saasWritten int64

	total int
	done  atomic.Int64
}

// tick reports one more operation done.
func (a *applier) tick() { a.s.progress("apply", int(a.done.Add(1)), a.total) }

// chunk applies operations [lo, hi): one batched re-read, then the writes
// on a bounded pool.
func (a *applier) chunk(ctx context.Context, lo, hi, base int) {
	s := a.s
	var ids []string
	creates := map[string][]string{} // sync key -> values
	for i := lo; i < hi; i++ {
		op := &a.p.Ops[i]
		switch {
		case op.Kind == OpUpdate || op.Kind == OpDeprovision || op.Kind == OpUnchanged && op.SaaS != nil:
			ids = append(ids, op.TargetID)
		case op.Kind == OpCreate:
			for _, kv := range a.keysOf(op) {
				creates[kv[0]] = append(creates[kv[0]], kv[1])
			}
		}
	}
	var current *current
	var err error
	if ctx.Err() == nil {
		current, err = a.reread(ctx, ids, creates)
	}
	sem := make(chan struct{}, s.set.concurrency)
	var wg gosync.WaitGroup
	for i := lo; i < hi; i++ {
		op := &a.p.Ops[i]
		out := &a.rep.Records[i-base]
		*out = RecordOutcome{Op: op.ID, Kind: op.Kind, SourceID: op.SourceID, TargetID: op.TargetID, Label: op.Label, Reason: op.Reason}
		switch op.Kind {
		case OpSkip:
			out.Outcome = Skipped
			a.tick()
			continue
		case OpDisputed:
			out.Outcome = Disputed
			a.tick()
			continue
		case OpUnchanged:
			if op.SaaS == nil {
				out.Outcome = Unchanged
				a.tick()
				continue
			}
		}
		if ctx.Err() != nil {
			out.Outcome, out.Error = NotRun, ctx.Err().Error()
			continue
		}
		if err != nil {
			out.fail(err)
			a.tick()
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			out.Outcome, out.Error = NotRun, ctx.Err().Error()
			continue
		}
		wg.Go(func() {
			defer a.tick()
			defer func() { <-sem }()
			if ctx.Err() != nil {
				out.Outcome, out.Error = NotRun, ctx.Err().Error()
				return
			}
			a.one(ctx, op, out, current)
			if out.Outcome == Failed {
				s.set.log.Warn("sync: record failed", "op", op.ID, "jumpcloud_id", op.SourceID, "oomnitza_id", op.TargetID, "error", out.Error)
			}
		})
	}
	wg.Wait()
}

// current is what a chunk re-read: records by target id, and by sync key
// value for the creates.
type current struct {
	byID  map[string]oomnitza.Record
	byKey map[string]map[string]oomnitza.Record
}

const rereadBatch = 50

func (a *applier) reread(ctx context.Context, ids []string, creates map[string][]string) (*current, error) {
	s := a.s
	cur := &current{byID: map[string]oomnitza.Record{}, byKey: map[string]map[string]oomnitza.Record{}}
	fields := a.rereadFields()
	type job struct {
		field  string
		values []string
	}
	var jobs []job
	for lo := 0; lo < len(ids); lo += rereadBatch {
		jobs = append(jobs, job{s.k.targetKey, ids[lo:min(lo+rereadBatch, len(ids))]})
	}
	for _, key := range slices.Sorted(maps.Keys(creates)) {
		cur.byKey[key] = map[string]oomnitza.Record{}
		vals := creates[key]
		for lo := 0; lo < len(vals); lo += rereadBatch {
			jobs = append(jobs, job{key, vals[lo:min(lo+rereadBatch, len(vals))]})
		}
	}
	// The batches are read concurrently, within the sync's concurrency.
	var mu gosync.Mutex
	var firstErr error
	sem := make(chan struct{}, s.set.concurrency)
	var wg gosync.WaitGroup
	for _, j := range jobs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			vs := make([]any, len(j.values))
			for i, v := range j.values {
				vs[i] = v
			}
			var got []oomnitza.Record
			for rec, err := range s.k.target.records(ctx, fields, oomnitza.In(j.field, vs...), 1) {
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("sync: re-reading Oomnitza %ss before writing: %w", s.k.dst, err)
					}
					mu.Unlock()
					return
				}
				got = append(got, rec)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, r := range got {
				if j.field == s.k.targetKey {
					id, _ := r[s.k.targetKey].(string)
					cur.byID[id] = r
				} else {
					cur.byKey[j.field][s.norm(j.field, r[j.field])] = r
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return cur, nil
}

// rereadFields are the fields the plan read: what Apply compares.
func (a *applier) rereadFields() []string { return a.s.neededFields(a.cm) }

// one applies one operation.
func (a *applier) one(ctx context.Context, op *Op, out *RecordOutcome, cur *current) {
	switch op.Kind {
	case OpCreate:
		a.create(ctx, op, out, cur)
	case OpUpdate:
		a.update(ctx, op, out, cur)
	case OpUnchanged:
		out.Outcome = Unchanged
	case OpDeprovision:
		a.deprovision(ctx, op, out, cur)
		return
	}
	if (out.Outcome == Created || out.Outcome == Updated || out.Outcome == AlreadyApplied || out.Outcome == Unchanged) && op.SaaS != nil {
		if err := a.saas(ctx, op, out); err != nil {
			out.fail(err)
		}
	}
}

func (a *applier) create(ctx context.Context, op *Op, out *RecordOutcome, cur *current) {
	s := a.s
	for _, kv := range a.keysOf(op) {
		key, val := kv[0], kv[1]
		existing, ok := cur.byKey[key][val]
		if !ok {
			continue
		}
		out.TargetID, _ = existing[s.k.targetKey].(string)
		if a.holds(existing, op.Changes, false) {
			out.Outcome, out.Reason = AlreadyApplied, fmt.Sprintf("an Oomnitza %s with %s %q already holds the planned values", s.k.dst, key, val)
			return
		}
		out.Outcome, out.Reason = Stale, fmt.Sprintf("an Oomnitza %s with %s %q appeared since the plan and differs from it; left alone", s.k.dst, key, val)
		return
	}
	rec := oomnitza.Record{}
	for _, c := range op.Changes {
		rec[c.Field] = c.New
	}
	id, err := s.k.target.create(ctx, rec)
	if err != nil {
		out.fail(err)
		return
	}
	out.Outcome, out.TargetID, out.Changes = Created, id, op.Changes
}

// keysOf returns a create's sync key values, normalised, in key order:
// what Apply looks the record up by before creating it.
func (a *applier) keysOf(op *Op) [][2]string {
	var out [][2]string
	for _, key := range a.s.m.SyncKeys {
		for _, c := range op.Changes {
			if c.Field == key {
				if v := a.s.norm(key, c.New); v != "" {
					out = append(out, [2]string{key, v})
				}
				break
			}
		}
	}
	return out
}

// holds reports whether the record holds the changes' values (new, or
// old when old is true), run values aside.
func (a *applier) holds(rec oomnitza.Record, changes []Change, old bool) bool {
	for _, c := range changes {
		if c.Run {
			continue
		}
		want := c.New
		if old {
			want = c.Old
		}
		if !a.equal(c.Field, want, rec[c.Field]) {
			return false
		}
	}
	return true
}

func (a *applier) equal(field string, x, y any) bool {
	if a.cm.Equal(field, x, y) {
		return true
	}
	// Fields the mapping does not write (a deprovision field): compare as
	// text.
	return !a.targets[field] && fmt.Sprint(x) == fmt.Sprint(y)
}

func (a *applier) update(ctx context.Context, op *Op, out *RecordOutcome, cur *current) {
	s := a.s
	rec, ok := cur.byID[op.TargetID]
	if !ok {
		out.Outcome, out.Reason = Stale, "the Oomnitza "+s.k.dst+" is gone since the plan"
		return
	}
	if reason := a.otherPerson(rec, op); reason != "" {
		out.Outcome, out.Reason = Stale, reason
		return
	}
	switch {
	case a.holds(rec, op.Changes, false):
		out.Outcome, out.Reason = AlreadyApplied, "Oomnitza already holds the planned values"
		return
	case !a.holds(rec, op.Changes, true):
		out.Outcome, out.Reason = Stale, "changed in Oomnitza since the plan: "+a.drift(rec, op.Changes)+"; left alone"
		return
	}
	patch := oomnitza.Record{}
	for _, c := range op.Changes {
		patch[c.Field] = c.New
	}
	if err := s.k.target.update(ctx, op.TargetID, patch); err != nil {
		out.fail(err)
		return
	}
	out.Outcome, out.Changes = Updated, op.Changes
}

// otherPerson says why a re-read record is no longer the one planned: it
// now carries another JumpCloud id.
func (a *applier) otherPerson(rec oomnitza.Record, op *Op) string {
	s := a.s
	if s.k.idField == "" {
		return ""
	}
	if id := s.norm(s.k.idField, rec[s.k.idField]); id != "" && id != op.SourceID {
		return fmt.Sprintf("the Oomnitza %s now carries JumpCloud id %s; left alone", s.k.dst, id)
	}
	return ""
}

func (a *applier) drift(rec oomnitza.Record, changes []Change) string {
	for _, c := range changes {
		if !c.Run && !a.equal(c.Field, c.Old, rec[c.Field]) && !a.equal(c.Field, c.New, rec[c.Field]) {
			return fmt.Sprintf("%s is %s (planned from %s)", c.Field, show(rec[c.Field]), show(c.Old))
		}
	}
	return "some fields already changed, others not"
}

// plannedDeprovision says what the deprovision op shows, in the form of
// DeprovisionAction.effect.
func plannedDeprovision(op *Op) string {
	if len(op.Changes) == 0 {
		return Delete().effect()
	}
	return SetField(op.Changes[0].Field, op.Changes[0].New).effect()
}

func (a *applier) deprovision(ctx context.Context, op *Op, out *RecordOutcome, cur *current) {
	s := a.s
	rec, ok := cur.byID[op.TargetID]
	d := s.set.deprovision
	if d == nil {
		out.Outcome, out.Reason = Stale, "deprovisioning is not enabled on this sync; left alone"
		return
	}
	// Only what the plan showed: a plan that shows a field set is never
	// applied as a delete, nor a planned delete as a field set.
	if shown, doing := plannedDeprovision(op), d.Action.effect(); shown != doing {
		out.Outcome, out.Reason = Stale, fmt.Sprintf("the plan shows %q, this sync would %q; left alone", shown, doing)
		return
	}
	if !ok {
		if d.Action.kind == "delete" {
			out.Outcome, out.Reason = AlreadyApplied, "the Oomnitza "+s.k.dst+" is already gone"
			return
		}
		out.Outcome, out.Reason = Stale, "the Oomnitza "+s.k.dst+" is gone since the plan"
		return
	}
	if id := s.norm(s.k.idField, rec[s.k.idField]); id != op.SourceID {
		out.Outcome, out.Reason = Stale, fmt.Sprintf("the Oomnitza %s now carries JumpCloud id %q; left alone", s.k.dst, id)
		return
	}
	if len(op.Changes) > 0 && a.holds(rec, op.Changes, false) {
		out.Outcome, out.Reason = AlreadyApplied, "already deprovisioned"
		return
	}
	// Provably gone: JumpCloud answers 404 for the id now.
	if err := s.k.source.gone(ctx, op.SourceID); err != nil {
		if errors.Is(err, errStillThere) {
			out.Outcome, out.Reason = Stale, "the JumpCloud "+s.k.src+" is back; not deprovisioned"
			return
		}
		out.fail(fmt.Errorf("checking that the JumpCloud %s is gone: %w", s.k.src, err))
		return
	}
	var err error
	if d.Action.kind == "delete" {
		err = s.k.target.remove(ctx, op.TargetID)
	} else {
		err = s.k.target.update(ctx, op.TargetID, oomnitza.Record{d.Action.field: d.Action.value})
	}
	if err != nil {
		out.fail(err)
		return
	}
	out.Outcome, out.Changes = Deprovisioned, op.Changes
}
