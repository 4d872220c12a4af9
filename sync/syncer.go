package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	gosync "sync"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
)

// Errors callers branch on.
var (
	// ErrThresholdExceeded: deprovisioning would touch more users than the
	// threshold allows. Nothing was written; the plan is returned for review.
	ErrThresholdExceeded = errors.New("sync: deprovision threshold exceeded")
	// ErrPlanMismatch: Apply was given a plan made for another tenant,
	// another mapping or another kind of sync. Nothing was written.
	ErrPlanMismatch = errors.New("sync: the plan was made for another tenant or mapping")
	// ErrPartial: a run finished but some records failed, or were not
	// run (see the report's outcomes).
	ErrPartial = errors.New("sync: some records failed")
	// ErrIncompleteRead: JumpCloud could not be read completely; what was
	// read was synced, and nothing was deprovisioned.
	ErrIncompleteRead = errors.New("sync: JumpCloud was not read completely")
)

// Syncer makes Oomnitza records follow JumpCloud through a mapping: People
// records follow system users, or, with an assets mapping
// (mapping.StandardAssets), hardware assets follow systems. It is safe for concurrent use; runs and applies never overlap.
type Syncer struct {
	jc  *jumpcloud.Client
	oc  *oomnitza.Client
	m   *mapping.Mapping
	set settings
	k   *kind

	runMu      gosync.Mutex
	progressMu gosync.Mutex
}

// New returns a Syncer. It does no I/O: it checks the options and the
// mapping's own rules (a draft is the *mapping.ValidationError); the
// mapping is validated against the live Oomnitza schema by Plan and Run.
func New(jc *jumpcloud.Client, oc *oomnitza.Client, m *mapping.Mapping, opts ...Option) (*Syncer, error) {
	switch {
	case jc == nil:
		return nil, errors.New("sync: New: the JumpCloud client is nil")
	case oc == nil:
		return nil, errors.New("sync: New: the Oomnitza client is nil")
	case m == nil:
		return nil, errors.New("sync: New: the mapping is nil")
	}
	s := &Syncer{jc: jc, oc: oc, m: m.Clone(),
		set: settings{concurrency: DefaultConcurrency, log: slog.New(slog.DiscardHandler), now: time.Now, saasName: DefaultSaaSName}}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&s.set); err != nil {
			return nil, err
		}
	}
	if err := s.m.Validate(nil); err != nil {
		return nil, err
	}
	if s.m.SyncsAssets() {
		s.k = assetsKind(jc, oc, s.m, s.set.targetFields)
		if d := s.set.deprovision; d != nil && d.Action.kind == "suspend" {
			return nil, errors.New(`sync: WithDeprovision: Suspend() sets a People record's suspended field; for assets use SetField("status", "Retired") (a value of your instance) or Delete()`)
		}
	} else {
		if s.set.targetFields != nil {
			return nil, errors.New("sync: WithTargetFields is for assets mappings (instances without /api/v3/assets/meta); People fields are always read from /api/v3/users/meta")
		}
		s.k = usersKind(jc, oc, s.m)
	}
	if s.set.deprovision != nil && s.k.idField == "" {
		return nil, fmt.Errorf("sync: WithDeprovision needs a mapping that writes the JumpCloud id (_id) to a unique Oomnitza field, such as %s", map[bool]string{false: mapping.JumpCloudIDField, true: mapping.JumpCloudSystemIDField}[s.m.SyncsAssets()])
	}
	if f := s.set.deprovision; f != nil && f.Action.kind == "set_field" && slices.Contains(s.m.SyncKeys, f.Action.field) {
		return nil, fmt.Errorf("sync: WithDeprovision: SetField(%q) would change a sync key", f.Action.field)
	}
	return s, nil
}

// Fingerprint identifies the mapping: the SHA-256 of its YAML form. A plan
// carries it, and Apply refuses a plan made with another mapping.
func (s *Syncer) Fingerprint() string {
	b, err := s.m.YAML()
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Run plans and applies: Plan, then Apply of that plan. A draft mapping or
// a deprovision threshold stops it before anything is written.
//
// Runs never overlap: a Run or an Apply waits for the one in progress.
func (s *Syncer) Run(ctx context.Context) (*Report, error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	before := s.k.calls.snapshot()
	start, wall := s.set.now(), time.Now()
	p, err := s.Plan(ctx)
	if err != nil {
		if p != nil && errors.Is(err, ErrThresholdExceeded) {
			return s.blockedReport(p), err
		}
		return nil, err
	}
	rep, err := s.apply(ctx, p, allOf(p))
	if rep != nil {
		// The run's report covers the plan too.
		rep.Calls = diffCalls(s.k.calls.snapshot(), before)
		rep.StartedAt, rep.Duration = start.UTC(), time.Since(wall)
	}
	return rep, err
}

// prepared is what a plan or an apply needs from the live instance.
type prepared struct {
	schema *mapping.Schema
	cm     *mapping.Compiled
	now    time.Time
}

func (s *Syncer) progress(phase string, done, total int) {
	if s.set.progress != nil {
		s.progressMu.Lock()
		defer s.progressMu.Unlock()
		s.set.progress(Progress{Phase: phase, Done: done, Total: total})
	}
}
