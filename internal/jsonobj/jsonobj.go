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
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errors.New("not a JSON object")
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return errors.New("unterminated object")
		}
		if b[i] == '}' {
			return nil
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		keyStart := i
		i = skipString(b, i)
		if i > len(b) {
			return errors.New("unterminated key")
		}
		rawKey := b[keyStart:i]
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			return errors.New("missing ':' after key")
		}
		i = skipSpace(b, i+1)
		valStart := i
		i = skipValue(b, i)
		if i > len(b) || valStart >= i {
			return errors.New("truncated value")
		}
		key, err := decodeKey(rawKey)
		if err != nil {
			return err
		}
		if !known[key] {
			if err := fn(key, b[valStart:i]); err != nil {
				return err
			}
		}
	}
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
func skipString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return len(b) + 1
	}
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
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
