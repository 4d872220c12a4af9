package presets

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Status is the outcome of one preset run.
type Status int

// The outcomes. A zero Status is not a valid outcome.
const (
	// StatusApplied: something was written: JumpCloud changed, or a
	// Runner wrote the outcome onto the Oomnitza record (for User Role: the
	// role was read and recorded).
	StatusApplied Status = iota + 1
	// StatusNoOp: the goal already held (an unlocked user, an expired password,
	// a user already gone or already there); nothing was written.
	StatusNoOp
	// StatusDryRun: the request was rendered and returned, not sent.
	StatusDryRun
	// StatusFailed: the action was refused or did not complete; Result.Err says why.
	StatusFailed
)

var statusNames = [...]string{StatusApplied: "applied", StatusNoOp: "noop", StatusDryRun: "dryrun", StatusFailed: "failed"}

// String returns applied, noop, dryrun or failed.
func (s Status) String() string {
	if s > 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// MarshalText encodes the status by name.
func (s Status) MarshalText() ([]byte, error) {
	if s <= 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("presets: status %d is not one of applied, noop, dryrun, failed", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, name := range statusNames {
		if i > 0 && name == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("presets: status %q is not one of applied, noop, dryrun, failed", b)
}

// Request is a JumpCloud request a preset made or would make. It never
// holds a credential: the API key travels in a header that is not shown,
// and a password in a create body is shown as "[redacted]".
type Request struct {
	Method string `json:"method"`
	// Path is the rendered path, every variable path-escaped.
	Path string `json:"path"`
	// Body is the JSON body, if the request has one.
	Body map[string]any `json:"body,omitempty"`
	// Sent reports whether the request was sent.
	Sent bool `json:"sent"`
}

// String renders the request as "METHOD path".
func (r *Request) String() string {
	if r == nil {
		return ""
	}
	return r.Method + " " + r.Path
}

// Change is one value the runner wrote back onto Oomnitza.
type Change struct {
	// Field names what was written: a People field's external id, or
	// "saas:<name>:<what>" for the user's SaaS-user record.
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// Result is the outcome of one preset run. It encodes to JSON.
type Result struct {
	// Preset is the preset's name, e.g. jumpcloud.unlock_user.
	Preset string `json:"preset"`
	Status Status `json:"status"`
	// UserID is the JumpCloud user id acted on (after Create: the new or
	// linked user's id).
	UserID string `json:"jumpcloud_user_id,omitempty"`
	// OomnitzaUserID is the Oomnitza record the run was driven by, if any.
	OomnitzaUserID string `json:"oomnitza_user_id,omitempty"`
	// Role is the role User Role found.
	Role string `json:"role,omitempty"`
	// Reason says in one line why the result is what it is.
	Reason string `json:"reason"`
	// Request is the JumpCloud request that carries the action (the write;
	// for User Role the read), made or that would be made.
	Request *Request `json:"request,omitempty"`
	// WriteBack lists what the runner wrote onto the Oomnitza record.
	WriteBack []Change `json:"write_back,omitempty"`
	// Error is the error text of a failed run.
	Error string `json:"error,omitempty"`

	err error
}

// Err returns the error of a failed run (nil otherwise), for errors.Is
// and errors.As.
func (r *Result) Err() error { return r.err }

// String renders the result in one line.
func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Preset, r.Status)
	if r.UserID != "" {
		fmt.Fprintf(&b, " user=%s", r.UserID)
	}
	if r.Role != "" {
		fmt.Fprintf(&b, " role=%q", r.Role)
	}
	if r.Reason != "" {
		fmt.Fprintf(&b, ": %s", r.Reason)
	}
	return b.String()
}

// UnmarshalJSON decodes a result; a decoded failed result's Err returns
// an error with the recorded text.
func (r *Result) UnmarshalJSON(b []byte) error {
	type plain Result
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Result(p)
	if r.Error != "" {
		r.err = errors.New(r.Error)
	}
	return nil
}

func (r *Result) fail(err error) (*Result, error) {
	r.Status = StatusFailed
	r.err = err
	r.Error = err.Error()
	if r.Reason == "" {
		r.Reason = err.Error()
	}
	return r, err
}

// Errors callers branch on.
var (
	// ErrIdentityMismatch: the JumpCloud user is not the Oomnitza record's
	// person (an *IdentityError says who is who). Nothing was written.
	ErrIdentityMismatch = errors.New("presets: the JumpCloud user is not the person of the Oomnitza record")
	// ErrInvalidInput: a preset input is missing or malformed (an
	// *InputError names it). Nothing was sent.
	ErrInvalidInput = errors.New("presets: invalid input")
	// ErrUnknownPreset: no preset has that name.
	ErrUnknownPreset = errors.New("presets: unknown preset")
)

// InputError is a missing or malformed preset input. Nothing was sent.
type InputError struct {
	// Field is where the value came from: an Oomnitza field such as
	// jump_cloud_user_id, or an argument such as CreateUserInput.Email.
	Field string
	// Value is the value found ("" when missing).
	Value string
	// Want says what was expected.
	Want string
}

func (e *InputError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("presets: %s is missing or empty; want %s", e.Field, e.Want)
	}
	return fmt.Sprintf("presets: %s is %s; want %s", e.Field, quoteShort(e.Value), e.Want)
}

// Is matches ErrInvalidInput.
func (e *InputError) Is(target error) bool { return target == ErrInvalidInput }

// Person is who a record or a JumpCloud user says it is.
type Person struct {
	ID             string `json:"id,omitempty"`
	Username       string `json:"username,omitempty"`
	Email          string `json:"email,omitempty"`
	AlternateEmail string `json:"alternate_email,omitempty"`
}

func (p Person) String() string {
	s := fmt.Sprintf("id %s, username %q, email %q", orNone(p.ID), p.Username, p.Email)
	if p.AlternateEmail != "" {
		s += fmt.Sprintf(", alternateEmail %q", p.AlternateEmail)
	}
	return s
}

// IdentityError says that a JumpCloud user is not the person of the
// Oomnitza record that asked for an action on it. It matches
// ErrIdentityMismatch.
type IdentityError struct {
	Preset    string
	JumpCloud Person
	Oomnitza  Person
}

func (e *IdentityError) Error() string {
	return fmt.Sprintf("presets: %s refused: JumpCloud user (%s) is not the person of Oomnitza record (%s): neither email, alternateEmail nor username matches; nothing was sent",
		e.Preset, e.JumpCloud, e.Oomnitza)
}

// Is matches ErrIdentityMismatch.
func (e *IdentityError) Is(target error) bool { return target == ErrIdentityMismatch }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// quoteShort quotes a value for an error message, cut to 64 bytes.
func quoteShort(s string) string {
	const limit = 64
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		return fmt.Sprintf("%q… (%d bytes)", s[:cut], len(s))
	}
	return fmt.Sprintf("%q", s)
}
