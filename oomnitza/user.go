package oomnitza

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/jcoom/jcoom/internal/jsonobj"
)

// Record is a write to Oomnitza: field external id -> value. Custom fields
// go in the same map as standard ones, e.g.
// Record{"username": "ada@x.io", "role": 25, "jump_cloud_user_id": id}.
// It is the same type as mapping.Record (both are map[string]any), so a
// mapping's output is written without a conversion.
type Record = map[string]any

// Time is an Oomnitza date: epoch seconds on the wire. It also accepts
// null, numeric strings and ISO 8601 ('YYYY-MM-DDTHH:mm:SSZ'), which the
// API accepts on input, and 'YYYY-MM-DD HH:mm:SS', the form of SaaS
// record dates. The zero Time marshals as null.
type Time struct{ time.Time }

// Unix returns a Time for epoch seconds.
func Unix(sec int64) Time { return Time{time.Unix(sec, 0).UTC()} }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*t = Time{}
		return nil
	}
	s := string(b)
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("oomnitza: date %s: %w", b, err)
		}
		if s == "" {
			*t = Time{}
			return nil
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		// Epoch seconds, within the years 0001 to 9999 that every layout
		// can represent; NaN, infinities and huge values are no date.
		if math.IsNaN(f) || f < minEpoch || f > maxEpoch {
			return fmt.Errorf("oomnitza: date %s is not epoch seconds between the years 0001 and 9999", b)
		}
		*t = Time{time.Unix(int64(f), 0).UTC()}
		return nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02"} {
		if v, err := time.Parse(layout, s); err == nil {
			*t = Time{v.UTC()}
			return nil
		}
	}
	return fmt.Errorf("oomnitza: date %s is neither epoch seconds nor ISO 8601", b)
}

// The epoch seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const (
	minEpoch = -62135596800
	maxEpoch = 253402300799
)

// MarshalJSON writes epoch seconds, or null for the zero Time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, t.Unix(), 10), nil
}

// User is an Oomnitza People record. Custom fields (such as
// jump_cloud_user_id) are kept in Custom and inlined on the wire, so a
// JSON round trip loses nothing; numbers in Custom are json.Number.
type User struct {
	UserID            string `json:"user_id"`
	UID               int64  `json:"uid"`
	Username          string `json:"username"`
	Email             string `json:"email"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	FullName          string `json:"full_name"`
	Role              int    `json:"role"`
	Position          string `json:"position"`
	PhoneNumber       string `json:"phone_number"`
	Address           string `json:"address"`
	Suspended         bool   `json:"suspended"`
	ExternalID        string `json:"external_id"`
	EmailSubscription bool   `json:"email_subscription"`
	Version           string `json:"version"`
	Deleted           string `json:"deleted"`
	CreationDate      Time   `json:"creation_date"`
	ChangeDate        Time   `json:"change_date"`
	LastLoginDate     Time   `json:"last_login_date"`
	CreatedBy         string `json:"created_by"`
	ChangedBy         string `json:"changed_by"`

	// Custom holds every field the struct does not model, by external id.
	Custom map[string]any `json:"-"`

	// raw is the user exactly as the API sent it, kept for Field and Record.
	raw []byte
}

type userAlias User

var userFieldNames = sync.OnceValue(func() map[string]bool { return jsonobj.FieldNames(reflect.TypeFor[User]()) })

// UnmarshalJSON decodes a user and keeps custom fields in Custom.
func (u *User) UnmarshalJSON(b []byte) error {
	var a userAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("oomnitza: decoding user: %w", err)
	}
	if err := a.keepWire(append([]byte(nil), b...)); err != nil {
		return err
	}
	*u = User(a)
	return nil
}

// keepWire keeps raw (which the user then owns) as the user's wire form and
// its custom members in Custom. Standard members cost no allocation.
func (a *userAlias) keepWire(raw []byte) error {
	if err := jsonobj.EachUnknown(raw, userFieldNames(), a.keepCustom); err != nil {
		return fmt.Errorf("oomnitza: decoding user: %w", err)
	}
	a.raw = raw
	return nil
}

// keepCustom stores the custom member k, whose value v lies in the user's
// wire form.
func (a *userAlias) keepCustom(k string, v []byte) error {
	val, err := decodeWireValue(v)
	if err != nil {
		return fmt.Errorf("field %q: %w", k, err)
	}
	if a.Custom == nil {
		a.Custom = make(map[string]any, 4)
	}
	a.Custom[k] = val
	return nil
}

// userList is a page of users as GET /api/v3/users sends it (a JSON
// array), decoded in one typed pass plus one scan for the wire forms and
// custom fields: the users share one copy of the page, and each custom
// field name is allocated once per page.
type userList []*User

func (l *userList) UnmarshalJSON(b []byte) error {
	return l.decode(b, false)
}

// UnmarshalOwnedJSON decodes a body buffer that the list may keep.
func (l *userList) UnmarshalOwnedJSON(b []byte) error { return l.decode(b, true) }

func (l *userList) decode(b []byte, owned bool) error {
	var typed []userAlias
	if err := json.Unmarshal(b, &typed); err != nil {
		return fmt.Errorf("oomnitza: decoding a page of users: %w", err)
	}
	if typed == nil {
		*l = nil // null: not a list
		return nil
	}
	page := b
	if !owned {
		page = append([]byte(nil), b...)
	}
	out := make([]*User, 0, len(typed))
	// One pass finds each user's bytes and its custom fields.
	err := jsonobj.Records(page, "", userFieldNames(), &jsonobj.Keys{},
		func(key string, raw []byte) error {
			i := len(out)
			if i >= len(typed) {
				return errors.New("more users than decoded")
			}
			return typed[i].keepCustom(key, raw)
		},
		func(raw []byte) error {
			i := len(out)
			if i >= len(typed) {
				return errors.New("more users than decoded")
			}
			typed[i].raw = raw[:len(raw):len(raw)]
			out = append(out, (*User)(&typed[i]))
			return nil
		})
	if err == nil && len(out) != len(typed) {
		err = errors.New("fewer users than decoded")
	}
	if err != nil {
		return fmt.Errorf("oomnitza: decoding a page of users: %w", err)
	}
	*l = out
	return nil
}

// decodeWireValue is decodeValue for a value inside a user's wire form,
// which is never written after decoding: strings and numbers share its
// memory instead of copying it.
func decodeWireValue(raw json.RawMessage) (any, error) {
	switch {
	case len(raw) > 0 && raw[0] == '"':
		return jsonobj.StringIn(raw)
	case len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9'):
		return json.Number(unsafe.String(&raw[0], len(raw))), nil
	}
	return decodeValue(raw)
}

// decodeValue decodes one JSON value, numbers as json.Number so that no
// precision is lost. Scalars take a fast path without a Decoder.
func decodeValue(raw json.RawMessage) (any, error) {
	switch {
	case len(raw) == 0:
		return nil, nil
	case raw[0] == '"':
		return jsonobj.String(raw)
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return json.Number(raw), nil
	case string(raw) == "true":
		return true, nil
	case string(raw) == "false":
		return false, nil
	case string(raw) == "null":
		return nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// MarshalJSON encodes the user with Custom's fields inlined.
func (u User) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(userAlias(u))
	if err != nil || len(u.Custom) == 0 {
		return b, err
	}
	return jsonobj.Merge(b, u.Custom, userFieldNames())
}

// Field returns the value of any field by external id as the API sent it
// (strings, bool, json.Number for numbers and epoch dates, nil for null)
// and whether the field was present, so a present "" or null is told
// apart from an absent field. A User built in code reports its custom
// fields and its standard fields, zero values included, in the same form.
func (u *User) Field(externalID string) (any, bool) {
	if u.raw != nil {
		raw, ok, err := jsonobj.Member(u.raw, externalID)
		if err != nil || !ok {
			return nil, false
		}
		v, err := decodeValue(raw)
		return v, err == nil
	}
	if v, ok := u.Custom[externalID]; ok {
		return v, true
	}
	i, ok := userFieldIndex()[externalID]
	if !ok {
		return nil, false
	}
	switch v := reflect.ValueOf(u).Elem().Field(i).Interface().(type) {
	case int:
		return json.Number(strconv.Itoa(v)), true
	case int64:
		return json.Number(strconv.FormatInt(v, 10)), true
	case Time:
		if v.IsZero() {
			return nil, true
		}
		return json.Number(strconv.FormatInt(v.Unix(), 10)), true
	default:
		return v, true
	}
}

// Record returns the user as a generic record keyed by external id: the
// JSON object the API sent, numbers as json.Number, every member present
// as sent (false, "", 0 and null included). A User built in code has no
// wire form; its record is its own JSON encoding. Each call returns a new
// map the caller may change.
func (u *User) Record() (Record, error) {
	b := u.raw
	if b == nil {
		var err error
		if b, err = json.Marshal(u); err != nil {
			return nil, fmt.Errorf("oomnitza: user %s as a record: %w", u.UserID, err)
		}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m Record
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("oomnitza: user %s as a record: %w", u.UserID, err)
	}
	return m, nil
}

// Raw returns the user's JSON exactly as the API sent it, or nil for a
// User that was not decoded from a response. The slice is a copy.
func (u *User) Raw() json.RawMessage {
	if u.raw == nil {
		return nil
	}
	return append(json.RawMessage(nil), u.raw...)
}

// userFieldIndex maps the external id of each standard field to its
// struct field index.
var userFieldIndex = sync.OnceValue(func() map[string]int {
	t := reflect.TypeFor[User]()
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = i
		}
	}
	return m
})

// CustomString returns a custom field as a string ("" when absent or null).
func (u *User) CustomString(externalID string) string {
	switch v := u.Custom[externalID].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// validateRecord checks a Record's keys before it is sent.
func validateRecord(r Record, op string) error {
	if r == nil {
		return fmt.Errorf("oomnitza: %s: record is nil", op)
	}
	for k := range r {
		if !fieldNamePattern.MatchString(k) {
			return fmt.Errorf("oomnitza: %s: field %q is not an external id (letters, digits and '_')", op, k)
		}
	}
	return nil
}

func recordString(r Record, k string) string {
	s, _ := r[k].(string)
	return strings.TrimSpace(s)
}
