package sync

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jcoom/jcoom/oomnitza"
)

// DefaultConcurrency is how many requests a sync has in flight at once.
const DefaultConcurrency = 8

// DefaultSaaSName is the SaaS application of "users plus SaaS users".
const DefaultSaaSName = "JumpCloud"

// Option configures a Syncer; New refuses an invalid one.
type Option func(*settings) error

type settings struct {
	concurrency int
	log         *slog.Logger
	progress    func(Progress)
	deprovision *Deprovision
	credential  string
	now         func() time.Time
	saasName    string
	// targetFields replace the meta endpoint (assets only).
	targetFields []oomnitza.Field
}

// WithTargetFields gives the Oomnitza asset fields a sync validates and
// converts against, for an instance that serves no GET
// /api/v3/assets/meta (Assets.Fields then fails with
// oomnitza.ErrNoMetadata): oomnitza.StandardAssetFields() plus the
// instance's custom asset fields, marked Unique where they are, e.g. a
// unique jumpcloud_system_id. For assets mappings only.
func WithTargetFields(fields ...oomnitza.Field) Option {
	return func(s *settings) error {
		if len(fields) == 0 {
			return errors.New("sync: WithTargetFields(): give the fields, e.g. oomnitza.StandardAssetFields()")
		}
		for i, f := range fields {
			if strings.TrimSpace(f.ExternalID) == "" {
				return fmt.Errorf("sync: WithTargetFields: field %d has no external id", i)
			}
		}
		s.targetFields = slices.Clone(fields)
		return nil
	}
}

// WithConcurrency sets how many requests run at once: page reads and
// writes (default 8, at most 64). The clients' rate limits still apply.
func WithConcurrency(n int) Option {
	return func(s *settings) error {
		if n < 1 || n > 64 {
			return fmt.Errorf("sync: WithConcurrency(%d): want 1 to 64", n)
		}
		s.concurrency = n
		return nil
	}
}

// WithLogger logs the phases of a run and every failed record (never a
// credential). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return errors.New("sync: WithLogger(nil)")
		}
		s.log = l
		return nil
	}
}

// WithProgress calls fn as a run reads and writes, one call at a time
// (never concurrently); fn must be quick.
func WithProgress(fn func(Progress)) Option {
	return func(s *settings) error {
		if fn == nil {
			return errors.New("sync: WithProgress(nil)")
		}
		s.progress = fn
		return nil
	}
}

// WithCredentialName names the JumpCloud credential for the mapping's
// $sync.credential ("Connect: Credentials"). It is a name, never the key.
func WithCredentialName(name string) Option {
	return func(s *settings) error {
		if strings.ContainsAny(name, "\r\n") {
			return fmt.Errorf("sync: WithCredentialName(%q): a name is one line", name)
		}
		s.credential = name
		return nil
	}
}

// WithClock sets the clock for plan times and $sync.time.
func WithClock(now func() time.Time) Option {
	return func(s *settings) error {
		if now == nil {
			return errors.New("sync: WithClock(nil)")
		}
		s.now = now
		return nil
	}
}

// WithSaaSName sets the SaaS application of "users plus SaaS users"
// (default JumpCloud); it is found by name or created.
func WithSaaSName(name string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("sync: WithSaaSName(%q): want a name", name)
		}
		s.saasName = name
		return nil
	}
}

// DeprovisionAction is what deprovisioning does to an Oomnitza record
// whose JumpCloud record is gone: Suspend (users), Delete or SetField (for
// assets, a status such as "Retired").
type DeprovisionAction struct {
	kind  string
	field string
	value any
}

// Suspend sets the Oomnitza user's suspended field to true.
func Suspend() DeprovisionAction {
	return DeprovisionAction{kind: "suspend", field: "suspended", value: true}
}

// Delete deletes (archives) the Oomnitza user.
func Delete() DeprovisionAction { return DeprovisionAction{kind: "delete"} }

// SetField sets one field of the Oomnitza user, e.g. a status dropdown.
func SetField(name string, value any) DeprovisionAction {
	return DeprovisionAction{kind: "set_field", field: name, value: value}
}

// effect says what the action does to a record: "delete", or "set F = V".
func (a DeprovisionAction) effect() string {
	if a.field == "" {
		return "delete"
	}
	return fmt.Sprintf("set %s = %v", a.field, a.value)
}

// String names the action.
func (a DeprovisionAction) String() string {
	switch a.kind {
	case "set_field":
		return fmt.Sprintf("set %s = %v", a.field, a.value)
	case "":
		return "none"
	}
	return a.kind
}

// Deprovision configures what happens to Oomnitza users whose JumpCloud
// user is gone. It is off unless WithDeprovision is given, touches only
// users that carry a JumpCloud id, runs only after JumpCloud was read
// completely, and stops the run with ErrThresholdExceeded, writing
// nothing, when more than MaxCount users or MaxPercent percent of the
// users with a JumpCloud id would be deprovisioned. At least one
// threshold must be set.
type Deprovision struct {
	Action     DeprovisionAction
	MaxCount   int
	MaxPercent float64
}

// WithDeprovision turns deprovisioning on.
func WithDeprovision(d Deprovision) Option {
	return func(s *settings) error {
		switch d.Action.kind {
		case "suspend", "delete":
		case "set_field":
			if strings.TrimSpace(d.Action.field) == "" {
				return errors.New("sync: WithDeprovision: SetField needs a field name")
			}
		default:
			return errors.New("sync: WithDeprovision: Action is not set; use Suspend(), Delete() or SetField(name, value)")
		}
		if d.MaxCount < 0 || d.MaxPercent < 0 || d.MaxPercent > 100 {
			return fmt.Errorf("sync: WithDeprovision: MaxCount %d, MaxPercent %v; want MaxCount >= 0 and MaxPercent 0 to 100", d.MaxCount, d.MaxPercent)
		}
		if d.MaxCount == 0 && d.MaxPercent == 0 {
			return errors.New("sync: WithDeprovision: set MaxCount or MaxPercent (a threshold that stops a run deprovisioning too many users)")
		}
		s.deprovision = &d
		return nil
	}
}

// Progress reports how far a run is.
type Progress struct {
	// Phase is "read oomnitza", "read jumpcloud" or "apply".
	Phase string
	// Done counts the records read or the operations applied; Total is
	// what is known of the whole (-1 when unknown).
	Done, Total int
}
