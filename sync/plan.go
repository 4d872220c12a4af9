package sync

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// PlanVersion is the version of the plan's JSON form.
const PlanVersion = 1

// OpKind classifies one planned operation.
type OpKind string

// The operation kinds. Every JumpCloud user read gets exactly one of
// create, update, unchanged, skip or disputed; deprovision operations are
// for Oomnitza users whose JumpCloud user is gone.
const (
	OpCreate      OpKind = "create"
	OpUpdate      OpKind = "update"
	OpUnchanged   OpKind = "unchanged"
	OpSkip        OpKind = "skip"
	OpDisputed    OpKind = "disputed"
	OpDeprovision OpKind = "deprovision"
)

// Change is one field's planned or applied change.
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
	// Run marks a value that comes from the run itself ($sync.time,
	// $sync.credential): it rides along with other changes but never
	// makes a record differ on its own, and Apply does not check it.
	Run bool `json:"run,omitempty"`
}

// SaaSChange is what "users plus SaaS users" writes for one user: the
// assignment to the SaaS application, the JumpCloud id as the SaaS user's
// external id, and the role.
type SaaSChange struct {
	Assign        bool   `json:"assign,omitempty"`
	OldExternalID string `json:"old_external_id,omitempty"`
	ExternalID    string `json:"external_id,omitempty"`
	OldRole       string `json:"old_role,omitempty"`
	Role          string `json:"role,omitempty"`
}

// Empty reports whether the change writes nothing.
func (c *SaaSChange) Empty() bool {
	return c == nil || !c.Assign && c.OldExternalID == c.ExternalID && c.OldRole == c.Role
}

// Op is one planned operation. Ids are stable: the position in the plan.
type Op struct {
	ID   int    `json:"id"`
	Kind OpKind `json:"op"`
	// SourceID is the JumpCloud id; TargetID the Oomnitza user_id (empty
	// for a create until it is applied).
	SourceID string `json:"jumpcloud_id,omitempty"`
	TargetID string `json:"oomnitza_id,omitempty"`
	// Label names the record for people: its first sync key's value.
	Label string `json:"label,omitempty"`
	// Reason explains a skip, a dispute, a deprovision or an unchanged record.
	Reason string `json:"reason,omitempty"`
	// Changes are the fields written (create: every field, Old nil).
	Changes []Change `json:"changes,omitempty"`
	// SaaS is the SaaS-user part (users_and_saas only).
	SaaS *SaaSChange `json:"saas,omitempty"`
}

// Plan is a reviewable diff: what Apply would do, and what it needs to
// check that it is applied where it was made. It encodes to JSON (JSON)
// and decodes back (ParsePlan).
type Plan struct {
	Version int    `json:"version"`
	Kind    string `json:"kind"`
	// Mapping is the mapping's name, Fingerprint its hash.
	Mapping     string `json:"mapping"`
	Fingerprint string `json:"mapping_fingerprint"`
	Mode        string `json:"mode"`
	// Oomnitza is the instance's base URL; JumpCloudOrg the organisation
	// (empty for a single-tenant key). Never a credential.
	Oomnitza     string    `json:"oomnitza_url"`
	JumpCloud    string    `json:"jumpcloud_url"`
	JumpCloudOrg string    `json:"jumpcloud_org,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	// SyncTime is the run time the values from the run carry.
	SyncTime time.Time `json:"sync_time"`
	// SourceRead counts the JumpCloud users read; SourceTotal is
	// JumpCloud's totalCount; SourceComplete says they agree and the read
	// ended without an error (the condition for deprovisioning).
	SourceRead     int  `json:"jumpcloud_read"`
	SourceTotal    int  `json:"jumpcloud_total"`
	SourceComplete bool `json:"jumpcloud_complete"`
	// SourceError is why the read stopped early, if it did.
	SourceError string `json:"jumpcloud_error,omitempty"`
	// TargetRead counts the Oomnitza users read.
	TargetRead int `json:"oomnitza_read"`
	// SaaSName is the SaaS application (users_and_saas); SaaSID is 0 when
	// it does not exist yet and Apply creates it.
	SaaSName string `json:"saas_name,omitempty"`
	SaaSID   int    `json:"saas_id,omitempty"`
	// Blocked says why Apply refuses the plan (a deprovision threshold).
	Blocked string `json:"blocked,omitempty"`
	// Notes are remarks for the reviewer, e.g. a deprovision not planned.
	Notes []string `json:"notes,omitempty"`
	Ops   []Op     `json:"operations"`
}

// Count returns the number of operations of a kind.
func (p *Plan) Count(k OpKind) int {
	n := 0
	for i := range p.Ops {
		if p.Ops[i].Kind == k {
			n++
		}
	}
	return n
}

// Writes returns the number of Oomnitza records the plan changes
// (creates, updates, deprovisions and SaaS-user changes).
func (p *Plan) Writes() int {
	n := 0
	for i := range p.Ops {
		switch p.Ops[i].Kind {
		case OpCreate, OpUpdate, OpDeprovision:
			n++
		case OpUnchanged:
			if !p.Ops[i].SaaS.Empty() {
				n++
			}
		}
	}
	return n
}

// JSON encodes the plan, indented.
func (p *Plan) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }

// ParsePlan decodes a plan written by Plan.JSON.
func ParsePlan(b []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("sync: reading a plan: %w", err)
	}
	if p.Version != PlanVersion {
		return nil, fmt.Errorf("sync: reading a plan: version %d, want %d", p.Version, PlanVersion)
	}
	for i := range p.Ops {
		if p.Ops[i].ID != i {
			return nil, fmt.Errorf("sync: reading a plan: operation %d has id %d; operations are in id order", i, p.Ops[i].ID)
		}
	}
	return &p, nil
}

// Summary renders the plan for people: counts per kind, then every
// operation that writes or was left alone for a reason, with its changes.
func (p *Plan) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan %q (%s) for %s, made %s\n", p.Mapping, p.Kind, p.Oomnitza, p.CreatedAt.UTC().Format(time.RFC3339))
	complete := "complete"
	if !p.SourceComplete {
		complete = "INCOMPLETE: nothing will be deprovisioned"
	}
	src, dst := nouns(p.Kind)
	fmt.Fprintf(&b, "  JumpCloud %ss read: %d of %d (%s); Oomnitza %ss read: %d\n", src, p.SourceRead, p.SourceTotal, complete, dst, p.TargetRead)
	fmt.Fprintf(&b, "  %-12s %6s\n", "operation", "count")
	for _, k := range []OpKind{OpCreate, OpUpdate, OpUnchanged, OpSkip, OpDisputed, OpDeprovision} {
		fmt.Fprintf(&b, "  %-12s %6d\n", k, p.Count(k))
	}
	if saas := p.saasWrites(); saas > 0 {
		fmt.Fprintf(&b, "  %-12s %6d  (SaaS %q)\n", "saas users", saas, p.SaaSName)
	}
	if p.Blocked != "" {
		fmt.Fprintf(&b, "  BLOCKED: %s\n", p.Blocked)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	reasons := map[string]int{}
	for i := range p.Ops {
		op := &p.Ops[i]
		if op.Kind == OpSkip || op.Kind == OpDisputed {
			reasons[string(op.Kind)+": "+op.Reason]++
		}
	}
	if len(reasons) > 0 {
		keys := make([]string, 0, len(reasons))
		for k := range reasons {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("  left alone:\n")
		for _, k := range keys {
			fmt.Fprintf(&b, "    %5d  %s\n", reasons[k], k)
		}
	}
	return b.String()
}

// Diff renders the operations that write, one line per field change, at
// most limit operations (0: all).
func (p *Plan) Diff(limit int) string {
	var b strings.Builder
	shown := 0
	for i := range p.Ops {
		op := &p.Ops[i]
		if op.Kind != OpUpdate && op.Kind != OpCreate && op.Kind != OpDeprovision && op.Kind != OpDisputed {
			continue
		}
		if limit > 0 && shown == limit {
			fmt.Fprintf(&b, "  ... and more\n")
			break
		}
		shown++
		fmt.Fprintf(&b, "  #%d %s %s", op.ID, op.Kind, op.Label)
		if op.TargetID != "" {
			fmt.Fprintf(&b, " (oomnitza %s)", op.TargetID)
		}
		if op.Reason != "" {
			fmt.Fprintf(&b, ": %s", op.Reason)
		}
		b.WriteString("\n")
		if op.Kind == OpUpdate {
			for _, c := range op.Changes {
				if !c.Run {
					fmt.Fprintf(&b, "      %s: %s -> %s\n", c.Field, show(c.Old), show(c.New))
				}
			}
		}
	}
	return b.String()
}

func (p *Plan) saasWrites() int {
	n := 0
	for i := range p.Ops {
		if !p.Ops[i].SaaS.Empty() {
			n++
		}
	}
	return n
}

func show(v any) string {
	if v == nil {
		return "(empty)"
	}
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// nouns names the records of a kind of sync: JumpCloud users and
// Oomnitza users, or JumpCloud systems and Oomnitza assets.
func nouns(kind string) (src, dst string) {
	if kind == "assets" {
		return "system", "asset"
	}
	return "user", "user"
}
