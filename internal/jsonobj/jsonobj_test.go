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

// FuzzPageOfObjects checks the page path: Records finds each element of
// an array and, with its per-position key cache, the same unknown members
// as encoding/json, record after record, in one pass.
func FuzzPageOfObjects(f *testing.F) {
	f.Add(`[{"_id":"a","x":1},{"_id":"b","x":2,"y":"\u0041"},{"x":3,"_id":"c"}]`)
	f.Add(`[{"a\"b":1,"username":"u"},{"a\"b":2},{"username\u0000":3}]`)
	f.Add(`[ {} , {"_id":"0123456789abcdef0123\\"} ]`)
	known := map[string]bool{"_id": true, "username": true}
	f.Fuzz(func(t *testing.T, s string) {
		var all []map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &all) != nil || all == nil {
			return
		}
		for _, o := range all {
			if o == nil {
				return // a null element is not a record
			}
		}
		var got []map[string]string
		cur := map[string]string{}
		err := Records([]byte(s), "", known, &Keys{},
			func(k string, v []byte) error { cur[k] = string(v); return nil },
			func(raw []byte) error {
				var one map[string]json.RawMessage
				if err := json.Unmarshal(raw, &one); err != nil {
					t.Fatalf("%q: element %d is not its own JSON: %v", s, len(got), err)
				}
				got = append(got, cur)
				cur = map[string]string{}
				return nil
			})
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if len(got) != len(all) {
			t.Fatalf("%q: %d elements, encoding/json sees %d", s, len(got), len(all))
		}
		for i, o := range all {
			want := map[string]string{}
			for k, v := range o {
				if !known[k] {
					want[k] = string(v)
				}
			}
			if !maps.Equal(got[i], want) {
				t.Fatalf("%q element %d: got %q, want %q", s, i, got[i], want)
			}
		}
	})
}
