// Package jsonobj works on the top-level members of JSON objects: it finds
// members a struct does not model (so clients can keep them) and merges
// such members back when encoding.
package jsonobj

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// FieldNames returns the JSON member names of struct type t's fields.
func FieldNames(t reflect.Type) map[string]bool {
	m := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			m[name] = true
		}
	}
	return m
}

// Merge appends extra's members whose keys known lacks to the JSON object
// b, in key order.
func Merge[V any](b []byte, extra map[string]V, known map[string]bool) ([]byte, error) {
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if !known[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return b, nil
	}
	slices.Sort(keys)
	out := append([]byte(nil), b[:len(b)-1]...)
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(extra[k])
		if err != nil {
			return nil, fmt.Errorf("encoding extra field %q: %w", k, err)
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, kb...)
		out = append(out, ':')
		out = append(out, vb...)
	}
	return append(out, '}'), nil
}

// Unknown returns the top-level members of the JSON object b whose keys
// known does not contain. b must be valid JSON (callers decode it first);
// the scan allocates only for unknown members, which keeps decoding a page
// of records cheap.
func Unknown(b []byte, known map[string]bool) (map[string]json.RawMessage, error) {
	var out map[string]json.RawMessage
	err := EachUnknown(b, known, func(key string, raw []byte) error {
		if out == nil {
			out = make(map[string]json.RawMessage)
		}
		out[key] = append(json.RawMessage(nil), raw...)
		return nil
	})
	return out, err
}

// Member returns the raw value of the top-level member key of the JSON
// object b (the last one, as encoding/json would keep), and whether it is
// present. raw aliases b.
func Member(b []byte, key string) (raw []byte, ok bool, err error) {
	err = EachUnknown(b, nil, func(k string, v []byte) error {
		if k == key {
			raw, ok = v, true
		}
		return nil
	})
	return raw, ok, err
}

// EachUnknown calls fn for every top-level member of the JSON object b
// whose key known lacks. raw aliases b; copy it to keep it.
func EachUnknown(b []byte, known map[string]bool, fn func(key string, raw []byte) error) error {
	return eachUnknown(b, known, nil, fn)
}

// Keys interns member names across the records of a page: each distinct
// unknown key is allocated once, not once per record, and a key at the
// same position as in the previous record is recognised by comparing its
// bytes, without hashing. The zero value is ready to use.
type Keys struct {
	names map[string]string
	last  []keyAt
}

// keyAt is what the previous record's member at one position was.
type keyAt struct {
	inner []byte // aliases that record
	known bool
	name  string
}

func (k *Keys) intern(inner []byte) string {
	if s, ok := k.names[string(inner)]; ok {
		return s
	}
	if k.names == nil {
		k.names = map[string]string{}
	}
	s := string(inner)
	k.names[s] = s
	return s
}

func eachUnknown(b []byte, known map[string]bool, keys *Keys, fn func(key string, raw []byte) error) error {
	_, err := eachUnknownAt(b, skipSpace(b, 0), known, keys, fn)
	return err
}

// eachUnknownAt walks the object starting at b[i] and returns the index
// after it.
func eachUnknownAt(b []byte, i int, known map[string]bool, keys *Keys, fn func(key string, raw []byte) error) (int, error) {
	if i >= len(b) || b[i] != '{' {
		return 0, errors.New("not a JSON object")
	}
	i++
	for pos := 0; ; pos++ {
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errors.New("unterminated object")
		}
		if b[i] == '}' {
			return i + 1, nil
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		keyStart := i
		i = skipString(b, i)
		if i > len(b) {
			return 0, errors.New("unterminated key")
		}
		rawKey := b[keyStart:i]
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			return 0, errors.New("missing ':' after key")
		}
		i = skipSpace(b, i+1)
		valStart := i
		i = skipValue(b, i)
		if i > len(b) || valStart >= i {
			return 0, errors.New("truncated value")
		}
		inner := rawKey[1 : len(rawKey)-1]
		var key string
		if keys != nil && pos < len(keys.last) && bytes.Equal(keys.last[pos].inner, inner) {
			// The same key as the previous record's at this position.
			if at := keys.last[pos]; at.known {
				continue
			} else {
				key = at.name
			}
		}
		plain := key != "" || plainString(inner)
		if key == "" && plain && known[string(inner)] {
			keys.remember(pos, inner, true, "")
			continue // a known key costs no allocation
		}
		if key != "" {
			// recognised above
		} else if plain && keys != nil {
			key = keys.intern(inner)
			keys.remember(pos, inner, false, key)
		} else {
			var err error
			if key, err = decodeKey(rawKey); err != nil {
				return 0, err
			}
		}
		if !known[key] {
			if err := fn(key, b[valStart:i]); err != nil {
				return 0, err
			}
		}
	}
}

// arrayMember calls fn with each element of the array that is the
// top-level member key of the JSON object b, walk finding each element's
// end, in one pass over b, and reports whether the member was there.
func arrayMember(b []byte, key string, walk func(b []byte, i int) (int, error), fn func(raw []byte) error) (found bool, err error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false, errors.New("not a JSON object")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return found, errors.New("unterminated object")
		}
		if b[i] == '}' {
			return found, nil
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		keyStart := i
		if i = skipString(b, i); i > len(b) {
			return found, errors.New("unterminated key")
		}
		k, err := decodeKey(b[keyStart:i])
		if err != nil {
			return found, err
		}
		if i = skipSpace(b, i); i >= len(b) || b[i] != ':' {
			return found, errors.New("missing ':' after key")
		}
		i = skipSpace(b, i+1)
		if k == key && i < len(b) && b[i] == '[' {
			if found {
				return found, fmt.Errorf("member %q appears twice", key)
			}
			found = true
			if i, err = elements(b, i, walk, fn); err != nil {
				return found, err
			}
			continue
		}
		start := i
		if i = skipValue(b, i); i > len(b) || start >= i {
			return found, errors.New("truncated value")
		}
	}
}

// Records walks a page of records in one pass: the array that is the
// top-level member arrayKey of the JSON object b, or b itself when
// arrayKey is "". For each element, an object, it calls unknown for every
// member whose key known lacks (names interned in keys), then done with
// the element's bytes. raw values alias b. b must be valid JSON.
func Records(b []byte, arrayKey string, known map[string]bool, keys *Keys,
	unknown func(key string, raw []byte) error, done func(raw []byte) error) error {
	walk := func(b []byte, i int) (int, error) { return eachUnknownAt(b, i, known, keys, unknown) }
	if arrayKey == "" {
		_, err := elements(b, skipSpace(b, 0), walk, done)
		return err
	}
	found, err := arrayMember(b, arrayKey, walk, done)
	if err == nil && !found {
		err = fmt.Errorf("no %q list", arrayKey)
	}
	return err
}

// elements iterates the array starting at b[i] == '[', walk finding
// each element's end, and returns the index after it.
func elements(b []byte, i int, walk func(b []byte, i int) (int, error), fn func(raw []byte) error) (int, error) {
	if i >= len(b) || b[i] != '[' {
		return 0, errors.New("not a JSON array")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, errors.New("unterminated array")
		}
		switch b[i] {
		case ']':
			return i + 1, nil
		case ',':
			i = skipSpace(b, i+1)
		}
		start := i
		var err error
		if i, err = walk(b, i); err != nil {
			return 0, err
		}
		if err := fn(b[start:i]); err != nil {
			return 0, err
		}
	}
}

// String decodes the JSON string raw. One without escapes takes a fast
// path with a single allocation.
func String(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		if inner := raw[1 : len(raw)-1]; plainString(inner) {
			return string(inner), nil
		}
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// StringIn decodes the JSON string raw like String, but a string without
// escapes shares raw's memory instead of copying it. Use it only on a
// buffer that is never written again and that is kept alive for as long as
// the strings are (such as a record's own copy of its wire form).
func StringIn(raw []byte) (string, error) {
	if len(raw) > 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		if inner := raw[1 : len(raw)-1]; plainString(inner) {
			return unsafe.String(&inner[0], len(inner)), nil
		}
	}
	return String(raw)
}

// remember records the decision for the member at pos; a nil Keys
// remembers nothing.
func (k *Keys) remember(pos int, inner []byte, known bool, name string) {
	if k == nil {
		return
	}
	for len(k.last) <= pos {
		k.last = append(k.last, keyAt{})
	}
	k.last[pos] = keyAt{inner: inner, known: known, name: name}
}

// plainString reports whether the inside of a JSON string needs no
// decoding: no escapes, no control characters, valid UTF-8.
func plainString(inner []byte) bool {
	ascii := true
	for _, c := range inner {
		switch {
		case c == '\\' || c < 0x20:
			return false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return ascii || utf8.Valid(inner)
}

func decodeKey(raw []byte) (string, error) {
	if len(raw) < 2 {
		return "", errors.New("bad key")
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') >= 0 || !utf8.Valid(inner) {
		// Let encoding/json undo escapes and replace invalid UTF-8 as it does.
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	return string(inner), nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
// It jumps from quote to quote (bytes.IndexByte), so long strings cost
// little.
func skipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return len(b) + 1
	}
	j := i + 1
	// Keys and most values are short: a plain loop beats a call.
	for end := min(j+16, len(b)); j < end; j++ {
		switch b[j] {
		case '"':
			return j + 1
		case '\\':
			j++
		}
	}
	for j < len(b) {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b) + 1
		}
		j += k
		escapes := 0
		for p := j - 1; p > i && b[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return j + 1
		}
		j++
	}
	return len(b) + 1
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b) + 1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b) + 1
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}
