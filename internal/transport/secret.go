package transport

import "log/slog"

// redacted is what a Secret prints in every format.
const redacted = "[redacted]"

// Secret holds a credential (an API key or token). Every way of printing it,
// fmt verbs, slog and JSON, shows "[redacted]"; only Reveal returns the value,
// and the transport calls it only when it sets the credential header.
//
// The value sits behind a pointer so that even reflection-based printing of a
// struct that holds a Secret in an unexported field (where fmt cannot call
// String) shows an address, never the credential.
//
// The value is held inside a closure: printers and dumpers that walk
// structs by reflection without calling methods (go-spew, testify's diff,
// %+v of an enclosing struct) see a func, never the characters.
type Secret struct{ value func() string }

// NewSecret wraps a credential.
func NewSecret(v string) Secret { return Secret{value: func() string { return v }} }

// Reveal returns the credential itself. Call it only to put the value on the wire.
func (s Secret) Reveal() string {
	if s.value == nil {
		return ""
	}
	return s.value()
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// String implements fmt.Stringer.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (%#v).
func (Secret) GoString() string { return redacted }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (used by %v of maps, yaml, etc.).
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
