package jumpcloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Timestamp is a JumpCloud date. It accepts JSON null, "", RFC3339 with or
// without fractional seconds, a zone-less "2006-01-02T15:04:05" (read as
// UTC) and a plain date. The zero Timestamp marshals as null.
type Timestamp struct{ time.Time }

var timestampLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02",
}

// ParseTimestamp parses s with the layouts Timestamp accepts.
func ParseTimestamp(s string) (Timestamp, error) {
	if s == "" {
		return Timestamp{}, nil
	}
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Timestamp{t}, nil
		}
	}
	return Timestamp{}, fmt.Errorf("jumpcloud: %q is not an RFC3339 date", s)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*t = Timestamp{}
		return nil
	}
	var s string
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && !bytes.ContainsRune(b, '\\') {
		s = string(b[1 : n-1]) // the common case: no escapes to undo
	} else if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("jumpcloud: date %s is not a string", b)
	}
	v, err := ParseTimestamp(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON implements json.Marshaler: RFC3339 in UTC with milliseconds,
// as JumpCloud writes it, or null.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `"`), nil
}

// String formats the time as RFC3339, or "" for the zero Timestamp.
func (t Timestamp) String() string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
