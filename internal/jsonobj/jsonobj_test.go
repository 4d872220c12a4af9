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
