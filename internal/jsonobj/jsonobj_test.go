package jsonobj

import (
	"encoding/json"
	"maps"
	"testing"
)

func FuzzUnknownFields(f *testing.F) {
	f.Add(`{"_id":"x","a":1,"b":{"c":[1,"}"]},"d":"q\"uote","e\u0041":null, "f" : true }`)
	f.Add(`{}`)
	f.Add(`{"username":"a","x":[[],{}]}`)
	known := map[string]bool{"_id": true, "username": true}
	f.Fuzz(func(t *testing.T, s string) {
		var all map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &all) != nil || all == nil {
			return
		}
		got, err := Unknown([]byte(s), known)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want := map[string]json.RawMessage{}
		for k, v := range all {
			if !known[k] {
				want[k] = v
			}
		}
		if got == nil {
			got = map[string]json.RawMessage{}
		}
		if !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	})
}

// FuzzPageOfObjects checks the page path: Elements finds each element of
// an array, and EachUnknownInterned (with its per-position key cache)
// finds the same unknown members as encoding/json, record after record.
func FuzzPageOfObjects(f *testing.F) {
	f.Add(`[{"_id":"a","x":1},{"_id":"b","x":2,"y":"\u0041"},{"x":3,"_id":"c"}]`)
	f.Add(`[{"a\"b":1,"username":"u"},{"a\"b":2},{"username\u0000":3}]`)
	f.Add(`[ {} , {"_id":"0123456789abcdef0123\\"} ]`)
	known := map[string]bool{"_id": true, "username": true}
	f.Fuzz(func(t *testing.T, s string) {
		var all []map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &all) != nil {
			return
		}
		keys := &Keys{}
		i := 0
		err := Elements([]byte(s), func(raw []byte) error {
			if i >= len(all) {
				t.Fatalf("%q: more elements than encoding/json sees", s)
			}
			if all[i] == nil {
				i++
				return nil // null element: not an object
			}
			got := map[string]string{}
			if err := EachUnknownInterned(raw, known, keys, func(k string, v []byte) error {
				got[k] = string(v)
				return nil
			}); err != nil {
				t.Fatalf("%q element %d: %v", s, i, err)
			}
			want := map[string]string{}
			for k, v := range all[i] {
				if !known[k] {
					want[k] = string(v)
				}
			}
			if !maps.Equal(got, want) {
				t.Fatalf("%q element %d: got %q, want %q", s, i, got, want)
			}
			i++
			return nil
		})
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if i != len(all) {
			t.Fatalf("%q: %d elements, encoding/json sees %d", s, i, len(all))
		}
	})
}
