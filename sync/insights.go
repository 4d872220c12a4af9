package sync

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/presets"
)

// InsightsVersion is the version of the InsightsReport JSON.
const InsightsVersion = 1

// InsightsOption configures Insights.
type InsightsOption func(*insightsConfig) error

type insightsConfig struct {
	now            time.Time
	expiringDays   int
	activationDays int
	concurrency    int
	oc             *oomnitza.Client
	m              *mapping.Mapping
}

// JoinOomnitza joins the JumpCloud users with the Oomnitza users through
// the mapping's sync keys (the role is not needed: insights write
// nothing). It adds the findings that need both sides: suspended in
// JumpCloud but active in Oomnitza, gone from JumpCloud, missing from
// Oomnitza; and each finding names the user's Oomnitza record, so the
// suggested preset can run from it.
func JoinOomnitza(oc *oomnitza.Client, m *mapping.Mapping) InsightsOption {
	return func(c *insightsConfig) error {
		if oc == nil || m == nil {
			return errors.New("sync: JoinOomnitza: the Oomnitza client and the mapping are required")
		}
		if m.SyncsAssets() {
			return errors.New("sync: JoinOomnitza: insights are about users; give a users mapping (e.g. mapping.Standard()), not an assets mapping")
		}
		c.oc, c.m = oc, m
		return nil
	}
}

// InsightsAt sets the time findings are judged at (default: now).
func InsightsAt(now time.Time) InsightsOption {
	return func(c *insightsConfig) error {
		if now.IsZero() {
			return errors.New("sync: InsightsAt: the time is zero")
		}
		c.now = now
		return nil
	}
}

// ExpiringDays sets the window of passwords expiring soon (default 14).
func ExpiringDays(days int) InsightsOption {
	return func(c *insightsConfig) error {
		if days < 1 || days > 3650 {
			return fmt.Errorf("sync: ExpiringDays(%d): want 1 to 3650 days", days)
		}
		c.expiringDays = days
		return nil
	}
}

// ActivationDays sets how long a user may stay never activated before it
// is a finding (default 7).
func ActivationDays(days int) InsightsOption {
	return func(c *insightsConfig) error {
		if days < 0 || days > 3650 {
			return fmt.Errorf("sync: ActivationDays(%d): want 0 to 3650 days", days)
		}
		c.activationDays = days
		return nil
	}
}

// InsightsReport says what needs attention across JumpCloud users: per
// finding, the count, the users behind it and the preset that fixes it.
// It encodes to JSON, CSV (WriteCSV) and a human summary (Summary).
type InsightsReport struct {
	Version        int       `json:"version"`
	GeneratedAt    time.Time `json:"generated_at"`
	ExpiringDays   int       `json:"expiring_days"`
	ActivationDays int       `json:"activation_days"`
	JumpCloud      string    `json:"jumpcloud_url"`
	JumpCloudOrg   string    `json:"jumpcloud_org,omitempty"`
	// JumpCloudRead counts the users read; JumpCloudComplete says the read
	// ended without an error and matched the total count.
	JumpCloudRead     int    `json:"jumpcloud_read"`
	JumpCloudTotal    int    `json:"jumpcloud_total"`
	JumpCloudComplete bool   `json:"jumpcloud_complete"`
	JumpCloudError    string `json:"jumpcloud_error,omitempty"`
	// Oomnitza is the instance joined, if any, and OomnitzaRead its users.
	Oomnitza     string `json:"oomnitza_url,omitempty"`
	OomnitzaRead int    `json:"oomnitza_read,omitempty"`
	// Notes say what could not be concluded and why.
	Notes []string `json:"notes,omitempty"`
	// Findings are in presets.Findings order; those that need Oomnitza
	// only when it was joined.
	Findings []*FindingReport `json:"findings"`
}

// FindingReport is one finding: what fixes it and who has it.
type FindingReport struct {
	presets.FindingInfo
	Count int            `json:"count"`
	Users []InsightsUser `json:"users"`
}

// InsightsUser is one user behind a finding.
type InsightsUser struct {
	JumpCloudID string `json:"jumpcloud_id,omitempty"`
	Username    string `json:"username,omitempty"`
	Email       string `json:"email,omitempty"`
	// OomnitzaUserID is the user's Oomnitza record, when joined and found.
	OomnitzaUserID string             `json:"oomnitza_user_id,omitempty"`
	Detail         string             `json:"detail"`
	Evidence       []presets.Evidence `json:"evidence"`
}

// Finding returns the report of one finding, or nil when it was not
// computed.
func (r *InsightsReport) Finding(f presets.Finding) *FindingReport {
	for _, fr := range r.Findings {
		if fr.Finding == f {
			return fr
		}
	}
	return nil
}

// Insights reads the JumpCloud users once, streamed, and reports what
// needs attention: locked accounts (with their age), expired passwords,
// passwords expiring within ExpiringDays, passwords that never expire,
// users never activated for longer than ActivationDays, MFA not
// configured, administrators and their roles; with JoinOomnitza also
// suspended in JumpCloud but active in Oomnitza, gone from JumpCloud (only
// after a complete read) and missing from Oomnitza. Memory grows with the
// users that have findings (and the Oomnitza index when joined), not with
// the JumpCloud users read. It writes nothing.
func Insights(ctx context.Context, jc *jumpcloud.Client, opts ...InsightsOption) (*InsightsReport, error) {
	if jc == nil {
		return nil, errors.New("sync: Insights: the JumpCloud client is nil")
	}
	c := insightsConfig{now: time.Now(), expiringDays: presets.DefaultExpiringDays, activationDays: presets.DefaultActivationAge, concurrency: 4}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	rep := &InsightsReport{Version: InsightsVersion, GeneratedAt: c.now.UTC(), ExpiringDays: c.expiringDays,
		ActivationDays: c.activationDays, JumpCloud: jc.BaseURL(), JumpCloudOrg: jc.OrgID()}
	byFinding := map[presets.Finding]*FindingReport{}
	for _, fi := range presets.Findings() {
		switch fi.Finding {
		case presets.FindingSuspendedButActive, presets.FindingGoneFromJumpCloud, presets.FindingMissingFromOomnitza:
			if c.oc == nil {
				continue
			}
		}
		fr := &FindingReport{FindingInfo: fi, Users: []InsightsUser{}}
		rep.Findings = append(rep.Findings, fr)
		byFinding[fi.Finding] = fr
	}
	add := func(f presets.Finding, u InsightsUser) {
		fr := byFinding[f]
		fr.Count++
		fr.Users = append(fr.Users, u)
	}

	var j *insightsJoin
	if c.oc != nil {
		var err error
		if j, err = newInsightsJoin(ctx, jc, c); err != nil {
			return nil, err
		}
		rep.Oomnitza, rep.OomnitzaRead = c.oc.BaseURL(), len(j.t.ids)
		if !j.hasSuspended {
			rep.Notes = append(rep.Notes, "Oomnitza has no suspended field: suspended-but-active users cannot be found")
		}
	}
	admins := &adminIndex{ctx: ctx, jc: jc}
	suggestOpts := []presets.SuggestOption{presets.At(c.now), presets.ExpiringWithin(c.expiringDays),
		presets.NotActivatedFor(c.activationDays), presets.WithAdminLookup(admins.role)}
	listing := jc.Users.Records(ctx, &jumpcloud.ListOptions{Concurrency: c.concurrency})
	var readErr error
	for rec, err := range listing.All() {
		if err != nil {
			readErr = err
			break
		}
		rep.JumpCloudRead++
		sugs, err := presets.Suggest(rec, suggestOpts...)
		if err != nil {
			return nil, err
		}
		u := InsightsUser{}
		u.JumpCloudID, _ = rec["_id"].(string)
		u.Username, _ = rec["username"].(string)
		u.Email, _ = rec["email"].(string)
		if j != nil {
			m := j.match(rec, u.JumpCloudID)
			u.OomnitzaUserID = m.oomnitzaID
			switch {
			case m.missing:
				add(presets.FindingMissingFromOomnitza, withDetail(u, "not in Oomnitza: no user has its sync keys", m.evidence...))
			case m.suspendedButActive:
				add(presets.FindingSuspendedButActive, withDetail(u, "suspended in JumpCloud, active in Oomnitza", m.evidence...))
			}
		}
		for _, sg := range sugs {
			add(sg.Finding, withDetail(u, sg.Detail, sg.Evidence...))
		}
	}
	if readErr != nil && ctx.Err() != nil {
		return nil, readErr
	}
	rep.JumpCloudTotal = listing.TotalCount()
	rep.JumpCloudComplete = readErr == nil && rep.JumpCloudRead == rep.JumpCloudTotal
	if readErr != nil {
		rep.JumpCloudError = readErr.Error()
	}
	if j != nil {
		if rep.JumpCloudComplete {
			for _, u := range j.gone() {
				add(presets.FindingGoneFromJumpCloud, u)
			}
		} else {
			rep.Notes = append(rep.Notes, fmt.Sprintf("gone from JumpCloud not computed: JumpCloud read %d of %d users", rep.JumpCloudRead, rep.JumpCloudTotal))
		}
	}
	if !rep.JumpCloudComplete {
		return rep, fmt.Errorf("%w: read %d of %d users%s", ErrIncompleteRead, rep.JumpCloudRead, rep.JumpCloudTotal, errSuffix(rep.JumpCloudError))
	}
	return rep, nil
}

func withDetail(u InsightsUser, detail string, ev ...presets.Evidence) InsightsUser {
	u.Detail, u.Evidence = detail, ev
	return u
}

// insightsJoin is the Oomnitza side of an insights report: the sync's own
// compiled mapping and target index.
type insightsJoin struct {
	s            *Syncer
	cm           *mapping.Compiled
	t            *tindex
	hasSuspended bool
	// seen marks the Oomnitza users whose JumpCloud id JumpCloud has.
	seen []bool
}

func newInsightsJoin(ctx context.Context, jc *jumpcloud.Client, c insightsConfig) (*insightsJoin, error) {
	m := c.m.Clone()
	if m.Role == 0 {
		m.Role = 1 // insights write nothing: no role is needed to read
	}
	s, err := New(jc, c.oc, m, WithConcurrency(DefaultConcurrency))
	if err != nil {
		return nil, err
	}
	pc, err := s.prepare(ctx, c.now, false)
	if err != nil {
		return nil, err
	}
	fields := append([]string{s.k.targetKey, "username", "email"}, s.m.SyncKeys...)
	if s.k.idField != "" {
		fields = append(fields, s.k.idField)
	}
	_, hasSuspended := pc.schema.Field("suspended")
	if hasSuspended {
		fields = append(fields, "suspended")
	}
	slices.Sort(fields)
	t, err := s.readTargets(ctx, slices.Compact(fields))
	if err != nil {
		return nil, err
	}
	return &insightsJoin{s: s, cm: pc.cm, t: t, hasSuspended: hasSuspended, seen: make([]bool, len(t.ids))}, nil
}

type joinMatch struct {
	oomnitzaID         string
	missing            bool
	suspendedButActive bool
	evidence           []presets.Evidence
}

// match finds the Oomnitza user of a JumpCloud record by the sync keys in
// order, as the sync does, and marks the Oomnitza user that carries its
// JumpCloud id as seen.
func (j *insightsJoin) match(rec map[string]any, jcID string) joinMatch {
	s, t := j.s, j.t
	if ti, ok := j.byJumpCloudID(jcID); ok {
		j.seen[ti] = true
	}
	ok, err := j.cm.Match(rec)
	if err != nil || !ok {
		return joinMatch{} // the mapping does not select this user
	}
	out, err := j.cm.Apply(rec)
	if err != nil {
		return joinMatch{}
	}
	matched := int32(-1)
	var ev []presets.Evidence
	for i, key := range s.m.SyncKeys {
		v := s.norm(key, out[key])
		if v == "" {
			continue
		}
		ev = append(ev, presets.Evidence{Field: key, Value: v})
		ti, found := t.keys[i][v]
		switch {
		case !found:
			continue
		case ti == duplicate, matched >= 0 && matched != ti:
			return joinMatch{} // ambiguous: the sync leaves it alone, and so do insights
		}
		matched = ti
	}
	if matched < 0 {
		return joinMatch{missing: true, evidence: ev}
	}
	if s.k.idField != "" {
		if held := s.norm(s.k.idField, t.val(matched, s.k.idField)); held != "" && held != s.norm(s.k.idField, jcID) {
			// The record is another JumpCloud user's (a recycled email): the
			// sync disputes it, and a preset run from it would act on that
			// other user. Not joined.
			return joinMatch{}
		}
	}
	m := joinMatch{oomnitzaID: t.ids[matched]}
	state, _ := rec["state"].(string)
	jcSuspended, _ := rec["suspended"].(bool)
	if j.hasSuspended && (jcSuspended || state == string(jumpcloud.StateSuspended)) {
		if inOomnitza, known := boolish(t.val(matched, "suspended")); known && !inOomnitza {
			m.suspendedButActive = true
			m.evidence = []presets.Evidence{{Field: "suspended", Value: rec["suspended"]}, {Field: "state", Value: state},
				{Field: "oomnitza suspended", Value: t.val(matched, "suspended")}}
		}
	}
	return m
}

func (j *insightsJoin) byJumpCloudID(id string) (int32, bool) {
	s, t := j.s, j.t
	if s.k.idField == "" || id == "" {
		return 0, false
	}
	v := s.norm(s.k.idField, id)
	index := t.byID // the id field is not a sync key
	if k := slices.Index(s.m.SyncKeys, s.k.idField); k >= 0 {
		index = t.keys[k]
	}
	ti, found := index[v]
	return ti, found && ti != duplicate
}

// gone lists the active Oomnitza users carrying a JumpCloud id that
// JumpCloud no longer has (a suspended one was already deprovisioned).
func (j *insightsJoin) gone() []InsightsUser {
	s, t := j.s, j.t
	if s.k.idField == "" {
		return nil
	}
	var out []InsightsUser
	for ti := range t.ids {
		id := s.norm(s.k.idField, t.val(int32(ti), s.k.idField))
		if id == "" || j.seen[ti] {
			continue
		}
		if suspended, _ := boolish(t.val(int32(ti), "suspended")); suspended {
			continue // already deprovisioned: it no longer counts in Oomnitza
		}
		u := InsightsUser{OomnitzaUserID: t.ids[ti], JumpCloudID: id, Detail: "JumpCloud has no user " + id,
			Evidence: []presets.Evidence{{Field: s.k.idField, Value: id}}}
		u.Username, _ = t.val(int32(ti), "username").(string)
		u.Email, _ = t.val(int32(ti), "email").(string)
		out = append(out, u)
	}
	return out
}

// boolish reads a boolean field value as the mapping converts one; nil is
// false, and known is false for a value that is not a boolean.
func boolish(v any) (value, known bool) {
	if v == nil {
		return false, true
	}
	b, err := mapping.Convert(mapping.TypeBoolean, v)
	value, _ = b.(bool)
	return value, err == nil
}

// JSON encodes the report.
func (r *InsightsReport) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// WriteCSV writes one row per finding and user: finding, preset,
// jumpcloud_id, username, email, oomnitza_user_id, detail, evidence.
func (r *InsightsReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"finding", "preset", "jumpcloud_id", "username", "email", "oomnitza_user_id", "detail", "evidence"}); err != nil {
		return err
	}
	for _, fr := range r.Findings {
		for _, u := range fr.Users {
			ev := make([]string, len(u.Evidence))
			for i, e := range u.Evidence {
				ev[i] = e.String()
			}
			if err := cw.Write([]string{string(fr.Finding), fr.Preset, u.JumpCloudID, u.Username, u.Email, u.OomnitzaUserID,
				u.Detail, strings.Join(ev, "; ")}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// Summary is the report for people: each finding with its count, its fix
// and its first users.
func (r *InsightsReport) Summary() string { return r.summary(5) }

func (r *InsightsReport) summary(perFinding int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Insights for %s", r.JumpCloud)
	if r.JumpCloudOrg != "" {
		fmt.Fprintf(&b, " org %s", r.JumpCloudOrg)
	}
	fmt.Fprintf(&b, " at %s: %d JumpCloud users read", r.GeneratedAt.Format(time.RFC3339), r.JumpCloudRead)
	if r.Oomnitza != "" {
		fmt.Fprintf(&b, ", joined with %d Oomnitza users at %s", r.OomnitzaRead, r.Oomnitza)
	}
	b.WriteString("\n")
	if !r.JumpCloudComplete {
		fmt.Fprintf(&b, "  INCOMPLETE: read %d of %d%s\n", r.JumpCloudRead, r.JumpCloudTotal, errSuffix(r.JumpCloudError))
	}
	for _, fr := range r.Findings {
		fix := "no preset"
		if fr.Preset != "" {
			fix = "fix: " + fr.Preset
		}
		fmt.Fprintf(&b, "  %-45s %6d   %s\n", fr.Title, fr.Count, fix)
		for i, u := range fr.Users {
			if i == perFinding {
				fmt.Fprintf(&b, "      ... and %d more\n", len(fr.Users)-perFinding)
				break
			}
			who := u.Username
			if who == "" {
				who = u.Email
			}
			fmt.Fprintf(&b, "      %-36s %s\n", who, u.Detail)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}
