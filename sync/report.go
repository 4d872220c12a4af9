package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
)

// Outcome is what Apply did with one operation.
type Outcome string

// The outcomes.
const (
	Created        Outcome = "created"
	Updated        Outcome = "updated"
	AlreadyApplied Outcome = "already applied"
	Unchanged      Outcome = "unchanged"
	Skipped        Outcome = "skipped"
	Disputed       Outcome = "disputed"
	Stale          Outcome = "stale"
	Deprovisioned  Outcome = "deprovisioned"
	Failed         Outcome = "failed"
	NotRun         Outcome = "not run"
)

// RecordOutcome is the outcome of one operation.
type RecordOutcome struct {
	Op       int     `json:"op"`
	Kind     OpKind  `json:"kind"`
	Outcome  Outcome `json:"outcome"`
	SourceID string  `json:"jumpcloud_id,omitempty"`
	TargetID string  `json:"oomnitza_id,omitempty"`
	Label    string  `json:"label,omitempty"`
	// Reason explains a skip, a dispute, a stale record or an already
	// applied one.
	Reason string `json:"reason,omitempty"`
	// Changes are the fields written (or that were found already written).
	Changes []Change `json:"changes,omitempty"`
	// SaaS says what was written for the SaaS user, if anything.
	SaaS  string `json:"saas,omitempty"`
	Error string `json:"error,omitempty"`
	// Retryable says, for a failed operation, whether applying it again
	// can succeed (see Retryable): a rate limit or a 5xx can, a refused
	// value cannot. Operations not run can always be run again.
	Retryable bool `json:"retryable,omitempty"`
}

// fail records err as the operation's failure.
func (o *RecordOutcome) fail(err error) {
	o.Outcome, o.Error, o.Retryable = Failed, err.Error(), Retryable(err)
}

// finished reports whether the operation needs no further apply: it did
// not fail and was not left unrun.
func (o RecordOutcome) finished() bool { return o.Outcome != Failed && o.Outcome != NotRun }

// Counts are the outcomes counted. Created, Updated, AlreadyApplied,
// Unchanged, Skipped, Disputed, Stale, Failed and NotRun of the JumpCloud
// users' operations add up to the users read; Deprovisioned (and the
// failures among deprovisions) are Oomnitza users.
type Counts struct {
	Created        int `json:"created"`
	Updated        int `json:"updated"`
	AlreadyApplied int `json:"already_applied"`
	Unchanged      int `json:"unchanged"`
	Skipped        int `json:"skipped"`
	Disputed       int `json:"disputed"`
	Stale          int `json:"stale"`
	Deprovisioned  int `json:"deprovisioned"`
	Failed         int `json:"failed"`
	NotRun         int `json:"not_run"`
	// SaaSUsers counts the SaaS users written (users_and_saas).
	SaaSUsers int `json:"saas_users_written"`
}

// Report says what a run or an apply did. Err is non-nil when anything
// failed or was not run, so a partial failure is never silent.
type Report struct {
	Version        int             `json:"version"`
	Kind           string          `json:"kind"`
	Mapping        string          `json:"mapping"`
	Oomnitza       string          `json:"oomnitza_url"`
	JumpCloudOrg   string          `json:"jumpcloud_org,omitempty"`
	StartedAt      time.Time       `json:"started_at"`
	Duration       time.Duration   `json:"duration_ns"`
	SourceRead     int             `json:"jumpcloud_read"`
	SourceComplete bool            `json:"jumpcloud_complete"`
	SourceError    string          `json:"jumpcloud_error,omitempty"`
	Blocked        string          `json:"blocked,omitempty"`
	Counts         Counts          `json:"counts"`
	Records        []RecordOutcome `json:"records"`
	// Calls counts the API calls made by the apply (and the plan, for
	// Run), per endpoint; retries inside the clients are not counted.
	Calls map[string]int `json:"api_calls"`
	Error string         `json:"error,omitempty"`

	err error
}

// Err is nil only when every operation was applied as planned and
// JumpCloud was read completely: ErrPartial when records failed or were
// not run, ErrIncompleteRead when the read stopped early,
// ErrThresholdExceeded when deprovisioning was stopped.
func (r *Report) Err() error { return r.err }

// Writes counts the Oomnitza records written.
func (r *Report) Writes() int {
	return r.Counts.Created + r.Counts.Updated + r.Counts.Deprovisioned + r.Counts.SaaSUsers
}

// JSON encodes the report, indented.
func (r *Report) JSON() ([]byte, error) { return json.MarshalIndent(r, "", "  ") }

// UnmarshalJSON decodes a report; Err of a decoded failed report returns
// an error with the recorded text.
func (r *Report) UnmarshalJSON(b []byte) error {
	type plain Report
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Report(p)
	if r.Error != "" {
		r.err = errors.New(r.Error)
	}
	return nil
}

func (r *Report) count(o RecordOutcome) {
	switch o.Outcome {
	case Created:
		r.Counts.Created++
	case Updated:
		r.Counts.Updated++
	case AlreadyApplied:
		r.Counts.AlreadyApplied++
	case Unchanged:
		r.Counts.Unchanged++
	case Skipped:
		r.Counts.Skipped++
	case Disputed:
		r.Counts.Disputed++
	case Stale:
		r.Counts.Stale++
	case Deprovisioned:
		r.Counts.Deprovisioned++
	case Failed:
		r.Counts.Failed++
	case NotRun:
		r.Counts.NotRun++
	}
}

// finish sets the error from the outcomes.
func (r *Report) finish() {
	var errs []error
	if r.Counts.Failed > 0 || r.Counts.NotRun > 0 {
		errs = append(errs, fmt.Errorf("%w: %d failed, %d not run", ErrPartial, r.Counts.Failed, r.Counts.NotRun))
	}
	if !r.SourceComplete && r.SourceError != "" {
		errs = append(errs, fmt.Errorf("%w: %s", ErrIncompleteRead, r.SourceError))
	}
	if r.Blocked != "" {
		errs = append(errs, fmt.Errorf("%w: %s", ErrThresholdExceeded, r.Blocked))
	}
	r.err, r.Error = errors.Join(errs...), ""
	if r.err != nil {
		r.Error = r.err.Error()
	}
}

// Merge adds the outcomes of another apply of the same plan, such as
// the report of a later range of operations (OpRange): records are
// appended, counts and API calls summed, durations added, and Err
// recomputed over both. The other report must be for the same kind,
// mapping and Oomnitza instance.
func (r *Report) Merge(other *Report) error {
	if other == nil {
		return nil
	}
	if other.Kind != r.Kind || other.Mapping != r.Mapping || other.Oomnitza != r.Oomnitza || other.JumpCloudOrg != r.JumpCloudOrg {
		return fmt.Errorf("sync: Report.Merge: report for %s %q into %s (org %q) does not match %s %q into %s (org %q)",
			other.Kind, other.Mapping, other.Oomnitza, other.JumpCloudOrg, r.Kind, r.Mapping, r.Oomnitza, r.JumpCloudOrg)
	}
	r.Records = append(r.Records, other.Records...)
	if r.Calls == nil {
		r.Calls = map[string]int{}
	}
	for k, v := range other.Calls {
		r.Calls[k] += v
	}
	r.Duration += other.Duration
	if other.StartedAt.Before(r.StartedAt) || r.StartedAt.IsZero() {
		r.StartedAt = other.StartedAt
	}
	if r.Blocked == "" {
		r.Blocked = other.Blocked
	}
	r.recount(r.Counts.SaaSUsers + other.Counts.SaaSUsers)
	return nil
}

// Before returns a copy of the report holding only the operations with an
// id below op, counted again: the part of an interrupted apply that an
// apply resumed at op (ApplyProgress.Through) does not repeat, to Merge
// with the resumed one. API calls, duration and SaaS users written stay
// those of the whole apply.
func (r *Report) Before(op int) *Report {
	out := *r
	out.Records = nil
	out.Calls = maps.Clone(r.Calls)
	for _, o := range r.Records {
		if o.Op < op {
			out.Records = append(out.Records, o)
		}
	}
	out.recount(r.Counts.SaaSUsers)
	return &out
}

// recount sets the counts from the records (SaaS users written are not
// records and are given) and the error from the counts.
func (r *Report) recount(saasUsers int) {
	r.Counts = Counts{SaaSUsers: saasUsers}
	for _, o := range r.Records {
		r.count(o)
	}
	r.finish()
}

// Summary renders the report for people.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sync %q (%s) into %s: %s\n", r.Mapping, r.Kind, r.Oomnitza, r.Duration.Round(time.Millisecond))
	c := r.Counts
	type row struct {
		name string
		n    int
	}
	rows := []row{{"created", c.Created}, {"updated", c.Updated}, {"already applied", c.AlreadyApplied}, {"unchanged", c.Unchanged},
		{"skipped", c.Skipped}, {"disputed", c.Disputed}, {"stale", c.Stale}, {"deprovisioned", c.Deprovisioned},
		{"failed", c.Failed}, {"not run", c.NotRun}}
	if r.Kind != "assets" {
		rows = append(rows, row{"saas users", c.SaaSUsers})
	}
	for _, row := range rows {
		fmt.Fprintf(&b, "  %-16s %6d\n", row.name, row.n)
	}
	src, _ := nouns(r.Kind)
	fmt.Fprintf(&b, "  JumpCloud %ss read: %d", src, r.SourceRead)
	if !r.SourceComplete {
		b.WriteString(" (incomplete)")
	}
	b.WriteString("\n")
	shown := 0
	for _, o := range r.Records {
		if o.Outcome != Failed && o.Outcome != Stale {
			continue
		}
		if shown == 20 {
			b.WriteString("  ...\n")
			break
		}
		shown++
		fmt.Fprintf(&b, "  %s #%d %s: %s%s\n", o.Outcome, o.Op, o.Label, o.Reason, errSuffix(o.Error))
	}
	if r.err != nil {
		fmt.Fprintf(&b, "  error: %v\n", r.err)
	}
	return b.String()
}
