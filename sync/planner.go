package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/presets"
)

// Plan reads both sides and returns the diff; it writes nothing. A draft
// mapping is the *mapping.ValidationError. When deprovisioning would pass
// its threshold, Plan returns the plan (Blocked says why) together with
// ErrThresholdExceeded.
func (s *Syncer) Plan(ctx context.Context) (*Plan, error) {
	now := s.set.now().UTC()
	pc, err := s.prepare(ctx, now, false)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, pc)
}

// prepare reads the Oomnitza schema, validates the mapping against it and
// compiles it for a run at now. A plan reads what the mapping's lookups
// need; an apply never maps a record, so its lookups are stubs.
func (s *Syncer) prepare(ctx context.Context, now time.Time, forApply bool) (*prepared, error) {
	fields, err := s.k.target.fields(ctx)
	if err != nil {
		return nil, fmt.Errorf("sync: reading the Oomnitza fields: %w", err)
	}
	schema := SchemaFromFields(fields)
	if err := s.m.Validate(schema); err != nil {
		return nil, err
	}
	var opts []mapping.CompileOption
	if forApply {
		for _, name := range lookupNames(s.m) {
			opts = append(opts, mapping.WithLookup(name, func(string) (any, bool) { return nil, false }))
		}
	} else if opts, err = s.k.source.lookups(ctx, s.m, s.set.concurrency); err != nil {
		return nil, fmt.Errorf("sync: reading what the mapping's lookups need: %w", err)
	}
	opts = append(opts, mapping.WithRun(mapping.RunInfo{Time: now, Credential: s.set.credential}))
	cm, err := s.m.Compile(schema, opts...)
	if err != nil {
		return nil, err
	}
	return &prepared{schema: schema, cm: cm, now: now}, nil
}

// tindex is the target side, read once: for each record its id and the
// values of the fields the mapping and the keys need, and an index per
// sync key of normalised value -> record.
type tindex struct {
	fields []string
	pos    map[string]int
	ids    []string
	vals   []any // len(ids) * len(fields)
	keys   []map[string]int32
	byID   map[string]int32 // idField value -> record (when idField is not a key)
}

const duplicate = -1

func (t *tindex) val(i int32, field string) any {
	j, ok := t.pos[field]
	if !ok {
		return nil
	}
	return t.vals[int(i)*len(t.fields)+j]
}

func (t *tindex) add(m map[string]int32, key string, i int32) {
	if key == "" {
		return
	}
	if prev, ok := m[key]; ok && prev != i {
		m[key] = duplicate
		return
	}
	m[key] = i
}

// neededFields lists what the plan reads from each target record.
func (s *Syncer) neededFields(cm *mapping.Compiled) []string {
	need := append(slices.Clone(cm.Targets()), s.m.SyncKeys...)
	need = append(need, s.k.targetKey)
	if s.k.idField != "" {
		need = append(need, s.k.idField)
	}
	if d := s.set.deprovision; d != nil && d.Action.field != "" {
		need = append(need, d.Action.field)
	}
	slices.Sort(need)
	return slices.Compact(need)
}

func (s *Syncer) readTargets(ctx context.Context, fields []string) (*tindex, error) {
	t := &tindex{fields: fields, pos: map[string]int{}, keys: make([]map[string]int32, len(s.m.SyncKeys))}
	for i, f := range fields {
		t.pos[f] = i
	}
	for i := range t.keys {
		t.keys[i] = map[string]int32{}
	}
	idIsKey := slices.Contains(s.m.SyncKeys, s.k.idField)
	if s.k.idField != "" && !idIsKey {
		t.byID = map[string]int32{}
	}
	for rec, err := range s.k.target.records(ctx, fields, oomnitza.Filter{}, s.set.concurrency) {
		if err != nil {
			return nil, fmt.Errorf("sync: reading the Oomnitza %ss: %w", s.k.dst, err)
		}
		i := int32(len(t.ids))
		id, _ := rec[s.k.targetKey].(string)
		t.ids = append(t.ids, id)
		for _, f := range fields {
			t.vals = append(t.vals, rec[f])
		}
		for ki, key := range s.m.SyncKeys {
			t.add(t.keys[ki], s.norm(key, rec[key]), i)
		}
		if t.byID != nil {
			t.add(t.byID, s.norm(s.k.idField, rec[s.k.idField]), i)
		}
		if len(t.ids)%1000 == 0 {
			s.progress("read oomnitza", len(t.ids), -1)
		}
	}
	s.progress("read oomnitza", len(t.ids), len(t.ids))
	return t, nil
}

// norm is a key value as matching compares it: a trimmed string, emails
// case-folded; "" for an empty value.
func (s *Syncer) norm(key string, v any) string {
	var str string
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		str = strings.TrimSpace(x)
	case json.Number:
		str = x.String()
	case float64:
		str = strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		str = strconv.FormatInt(x, 10)
	case int:
		str = strconv.Itoa(x)
	case bool:
		str = strconv.FormatBool(x)
	default:
		str = fmt.Sprint(x)
	}
	if s.k.fold[key] {
		str = strings.ToLower(str)
	}
	return str
}

// saasState is the SaaS application and its users, read for a plan.
type saasState struct {
	id    int
	users map[string]saasUser // Oomnitza user id -> SaaS user
}

type saasUser struct{ externalID, role string }

func (s *Syncer) readSaaS(ctx context.Context) (*saasState, error) {
	st := &saasState{users: map[string]saasUser{}}
	id, err := findSaaS(ctx, s.oc, s.set.saasName, s.k.calls)
	if err != nil || id == 0 {
		return st, err
	}
	st.id = id
	s.k.calls.add("GET /api/v3/saas/{id}/users", 1)
	for su, err := range s.oc.SaaS.Users(ctx, id) {
		if err != nil {
			return nil, fmt.Errorf("sync: reading the users of SaaS %q: %w", s.set.saasName, err)
		}
		st.users[su.UserID] = saasUser{externalID: su.UserExternalID, role: su.Roles.RoleExternalID}
	}
	return st, nil
}

// findSaaS returns the id of the SaaS application with this name, 0 when
// there is none.
func findSaaS(ctx context.Context, oc *oomnitza.Client, name string, calls *callCounter) (int, error) {
	calls.add("GET /api/v3/saas", 1)
	app, err := oc.SaaS.GetByName(ctx, name)
	switch {
	case errors.Is(err, oomnitza.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("sync: finding SaaS %q: %w", name, err)
	}
	return app.SaaSID, nil
}

// planner holds the state of one plan being built.
type planner struct {
	s       *Syncer
	cm      *mapping.Compiled
	t       *tindex
	p       *Plan
	targets []string
	// srcSeen: per sync key, normalised value -> the op that had it first.
	srcSeen []map[string]int
	// claimed: target record -> the op matched to it (+1; 0 = none).
	claimed []int32
	// srcIDs are every source id read, matched or not.
	srcIDs  map[string]struct{}
	saas    *saasState
	admins  *adminIndex
	readErr string
}

func (s *Syncer) plan(ctx context.Context, pc *prepared) (*Plan, error) {
	jcURL, org := s.k.source.origin()
	p := &Plan{Version: PlanVersion, Kind: s.k.name, Mapping: s.m.Name, Fingerprint: s.Fingerprint(), Mode: string(s.mode()),
		Oomnitza: s.k.target.origin(), JumpCloud: jcURL, JumpCloudOrg: org, CreatedAt: s.set.now().UTC(), SyncTime: pc.now}
	t, err := s.readTargets(ctx, s.neededFields(pc.cm))
	if err != nil {
		return nil, err
	}
	p.TargetRead = len(t.ids)
	pl := &planner{s: s, cm: pc.cm, t: t, p: p, targets: pc.cm.Targets(), srcSeen: make([]map[string]int, len(s.m.SyncKeys)),
		claimed: make([]int32, len(t.ids)), srcIDs: map[string]struct{}{},
		admins: &adminIndex{ctx: ctx, jc: s.jc, onRead: func() { s.k.calls.add("GET /api/users", 1) }}}
	for i := range pl.srcSeen {
		pl.srcSeen[i] = map[string]int{}
	}
	if s.mode() == mapping.ModeUsersAndSaaS {
		p.SaaSName = s.set.saasName
		if pl.saas, err = s.readSaaS(ctx); err != nil {
			return nil, err
		}
		p.SaaSID = pl.saas.id
	}
	seq, total := s.k.source.list(ctx, s.set.concurrency)
	var readErr error
	for rec, err := range seq {
		if err != nil {
			readErr = err
			break
		}
		if err := pl.add(rec); err != nil {
			return nil, err
		}
		if p.SourceRead%1000 == 0 {
			s.progress("read jumpcloud", p.SourceRead, total())
		}
	}
	p.SourceTotal = total()
	p.SourceComplete = readErr == nil && p.SourceTotal == p.SourceRead
	s.progress("read jumpcloud", p.SourceRead, p.SourceTotal)
	if readErr != nil {
		// What was read is planned; the plan cannot deprovision.
		if ctx.Err() != nil {
			return nil, readErr
		}
		s.set.log.Warn("sync: JumpCloud read incomplete", "read", p.SourceRead, "error", readErr.Error())
		pl.readErr = readErr.Error()
		p.SourceError = pl.readErr
	}
	if err := pl.deprovision(); err != nil {
		return p, err
	}
	return p, nil
}

func (s *Syncer) mode() mapping.Mode {
	if s.m.Mode == "" {
		return mapping.ModeUsers
	}
	return s.m.Mode
}

// add classifies one source record.
func (pl *planner) add(rec map[string]any) error {
	s := pl.s
	pl.p.SourceRead++
	id, _ := rec[s.k.sourceKey].(string)
	pl.srcIDs[id] = struct{}{}
	op := Op{ID: len(pl.p.Ops), SourceID: id, Kind: OpSkip}
	defer func() { pl.p.Ops = append(pl.p.Ops, op) }()

	ok, err := pl.cm.Match(rec)
	if err != nil {
		op.Reason = "the filter failed: " + err.Error()
		return nil
	}
	if !ok {
		op.Reason = "filtered out"
		return nil
	}
	out, err := pl.cm.Apply(rec)
	if err != nil {
		var ae *mapping.ApplyError
		if errors.As(err, &ae) {
			op.Reason = oneLine(err.Error())
			return nil
		}
		return err
	}
	// Key values, in order, and source-side duplicates.
	keyVals := make([]string, len(s.m.SyncKeys))
	for i, key := range s.m.SyncKeys {
		keyVals[i] = s.norm(key, out[key])
		if op.Label == "" && keyVals[i] != "" {
			op.Label = keyVals[i]
		}
	}
	if label, _ := out[s.k.labelField].(string); label != "" {
		op.Label = label
	}
	for i, v := range keyVals {
		if v == "" {
			continue
		}
		if first, seen := pl.srcSeen[i][v]; seen {
			op.Reason = fmt.Sprintf("duplicate %s %q in JumpCloud (also JumpCloud %s %s)", s.m.SyncKeys[i], v, s.k.src, pl.p.Ops[first].SourceID)
			pl.unplan(first, fmt.Sprintf("duplicate %s %q in JumpCloud (also JumpCloud %s %s)", s.m.SyncKeys[i], v, s.k.src, id))
			return nil
		}
	}
	for i, v := range keyVals {
		if v != "" {
			pl.srcSeen[i][v] = op.ID
		}
	}
	// Matching, key by key.
	matched := int32(-1)
	matchedBy := ""
	for i, v := range keyVals {
		if v == "" {
			continue
		}
		ti, found := pl.t.keys[i][v]
		if !found {
			continue
		}
		if ti == duplicate {
			op.Reason = fmt.Sprintf("duplicate %s %q in Oomnitza (several %ss have it)", s.m.SyncKeys[i], v, s.k.dst)
			return nil
		}
		if matched >= 0 && matched != ti {
			op.Kind = OpDisputed
			op.Reason = fmt.Sprintf("keys point to different Oomnitza %ss: %s -> %s, %s -> %s", s.k.dst, matchedBy, pl.t.ids[matched], s.m.SyncKeys[i], pl.t.ids[ti])
			return nil
		}
		matched, matchedBy = ti, s.m.SyncKeys[i]
	}
	if matched < 0 && pl.t.byID != nil {
		if ti, found := pl.t.byID[id]; found && ti != duplicate {
			matched = ti
		}
	}
	if matched >= 0 {
		return pl.matched(&op, rec, out, matched)
	}
	if s.m.Preference == mapping.UpdateOnly {
		op.Reason = "update_only: not in Oomnitza, not created"
		return nil
	}
	op.Kind = OpCreate
	op.Changes = make([]Change, 0, len(pl.targets))
	for _, f := range pl.targets {
		if v := out[f]; v != nil {
			op.Changes = append(op.Changes, Change{Field: f, New: v, Run: s.k.runFields[f]})
		}
	}
	return pl.saasFor(&op, rec, "")
}

// unplan turns an earlier op into a skip (a duplicate found later).
func (pl *planner) unplan(i int, reason string) {
	op := &pl.p.Ops[i]
	if op.Kind == OpSkip && strings.HasPrefix(op.Reason, "duplicate") {
		return
	}
	for ti, c := range pl.claimed {
		if int(c) == i+1 {
			pl.claimed[ti] = 0
		}
	}
	*op = Op{ID: op.ID, Kind: OpSkip, SourceID: op.SourceID, Label: op.Label, Reason: reason}
}

func (pl *planner) matched(op *Op, rec map[string]any, out mapping.Record, ti int32) error {
	s := pl.s
	op.TargetID = pl.t.ids[ti]
	if s.k.idField != "" {
		if cur := s.norm(s.k.idField, pl.t.val(ti, s.k.idField)); cur != "" && cur != op.SourceID {
			op.Kind = OpDisputed
			op.Reason = fmt.Sprintf("Oomnitza %s %s carries JumpCloud id %s, not %s (%s)", s.k.dst, op.TargetID, cur, op.SourceID, s.k.disputeHint)
			return nil
		}
	}
	if c := pl.claimed[ti]; c != 0 {
		op.Kind = OpDisputed
		op.Reason = fmt.Sprintf("Oomnitza %s %s is also matched by JumpCloud %s %s", s.k.dst, op.TargetID, s.k.src, pl.p.Ops[c-1].SourceID)
		return nil
	}
	pl.claimed[ti] = int32(op.ID + 1)
	if s.m.Preference == mapping.CreateOnly {
		op.Reason = "create_only: already in Oomnitza, not updated"
		return nil
	}
	var run []Change
	for _, f := range pl.targets {
		if s.k.createOnly[f] {
			continue
		}
		old, v := pl.t.val(ti, f), out[f]
		if s.k.runFields[f] {
			run = append(run, Change{Field: f, Old: old, New: v, Run: true})
			continue
		}
		if !pl.cm.Equal(f, v, old) {
			op.Changes = append(op.Changes, Change{Field: f, Old: old, New: v})
		}
	}
	if len(op.Changes) == 0 {
		op.Kind = OpUnchanged
	} else {
		op.Kind = OpUpdate
		op.Changes = append(op.Changes, run...)
	}
	return pl.saasFor(op, rec, op.TargetID)
}

// saasFor plans the SaaS-user part of a synced user.
func (pl *planner) saasFor(op *Op, rec map[string]any, targetID string) error {
	if pl.saas == nil {
		return nil
	}
	role, _, err := presets.RoleOf(rec, pl.admins.role)
	if err != nil {
		return err
	}
	cur, assigned := pl.saas.users[targetID]
	if targetID == "" {
		assigned = false
	}
	c := &SaaSChange{Assign: !assigned, OldExternalID: cur.externalID, ExternalID: op.SourceID, OldRole: cur.role, Role: role}
	if !c.Empty() {
		op.SaaS = c
	}
	return nil
}

// adminIndex answers presets.RoleOf's lookup for tenants whose system
// users have no admin property: the administrators by email, from one
// listing (GET /api/users) read the first time it is needed. A failed
// read is an error for every lookup, never a partial answer.
type adminIndex struct {
	ctx    context.Context
	jc     *jumpcloud.Client
	onRead func() // counts the call, if set
	byMail map[string]string
	err    error
}

func (a *adminIndex) role(email string) (string, bool, error) {
	if a.byMail == nil && a.err == nil {
		if a.onRead != nil {
			a.onRead()
		}
		byMail := map[string]string{}
		for ad, err := range a.jc.Admins.All(a.ctx, nil) {
			if err != nil {
				a.err = fmt.Errorf("sync: reading the JumpCloud administrators: %w", err)
				return "", false, a.err
			}
			role := ad.RoleName
			if role == "" && len(ad.RoleNames) > 0 {
				role = ad.RoleNames[0]
			}
			byMail[strings.ToLower(strings.TrimSpace(ad.Email))] = role
		}
		a.byMail = byMail
	}
	if a.err != nil {
		return "", false, a.err
	}
	r, ok := a.byMail[strings.ToLower(strings.TrimSpace(email))]
	return r, ok, nil
}

// deprovision plans the Oomnitza users whose JumpCloud user is gone, and
// checks the threshold.
func (pl *planner) deprovision() error {
	s, p := pl.s, pl.p
	d := s.set.deprovision
	if d == nil {
		return nil
	}
	if !p.SourceComplete {
		p.Notes = append(p.Notes, fmt.Sprintf("deprovisioning skipped: JumpCloud read %d of %d %ss%s", p.SourceRead, p.SourceTotal, s.k.src, errSuffix(pl.readErr)))
		return nil
	}
	linked, n := 0, 0
	for ti := range pl.t.ids {
		jcID := s.norm(s.k.idField, pl.t.val(int32(ti), s.k.idField))
		if jcID == "" {
			continue
		}
		linked++
		if _, present := pl.srcIDs[jcID]; present {
			continue
		}
		op := Op{ID: len(p.Ops), Kind: OpDeprovision, SourceID: jcID, TargetID: pl.t.ids[ti],
			Reason: fmt.Sprintf("JumpCloud %s %s is gone; %s", s.k.src, jcID, d.Action)}
		if u, _ := pl.t.val(int32(ti), s.k.labelField).(string); u != "" {
			op.Label = u
		}
		if d.Action.field != "" {
			old := pl.t.val(int32(ti), d.Action.field)
			if pl.cm.Equal(d.Action.field, d.Action.value, old) || fmt.Sprint(old) == fmt.Sprint(d.Action.value) {
				continue // already deprovisioned
			}
			op.Changes = []Change{{Field: d.Action.field, Old: old, New: d.Action.value}}
		}
		p.Ops = append(p.Ops, op)
		n++
	}
	pct := 0.0
	if linked > 0 {
		pct = float64(n) * 100 / float64(linked)
	}
	if d.MaxCount > 0 && n > d.MaxCount || d.MaxPercent > 0 && pct > d.MaxPercent {
		p.Blocked = fmt.Sprintf("%d of %d Oomnitza %ss with a JumpCloud id (%.1f%%) would be deprovisioned; the threshold is %s",
			n, linked, s.k.dst, pct, threshold(d))
		return fmt.Errorf("%w: %s", ErrThresholdExceeded, p.Blocked)
	}
	return nil
}

func threshold(d *Deprovision) string {
	var parts []string
	if d.MaxCount > 0 {
		parts = append(parts, fmt.Sprintf("at most %d", d.MaxCount))
	}
	if d.MaxPercent > 0 {
		parts = append(parts, fmt.Sprintf("at most %.1f%%", d.MaxPercent))
	}
	return strings.Join(parts, " and ")
}

func errSuffix(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
