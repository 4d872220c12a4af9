package oomnitza

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHostileDatesAreDecodeErrors(t *testing.T) {
	for _, in := range []string{`"NaN"`, `"Inf"`, `"-Inf"`, `1e300`, `-1e300`, `9223372036854775807`, `"9223372036854775807"`, `1e400`, `253402300800`, `-62135596801`} {
		var tm Time
		err := json.Unmarshal([]byte(in), &tm)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), "between the years 0001 and 9999", in)
	}
	for in, year := range map[string]int{`253402300799`: 9999, `-62135596800`: 1, `0`: 1970} {
		var tm Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.Equal(t, year, tm.Year(), in)
	}
}

func TestFlagsAndIntegersRefuseGuesses(t *testing.T) {
	for in, want := range map[string]bool{`"1"`: true, `"True"`: true, `true`: true, `1`: true, `"0"`: false, `""`: false, `null`: false, `false`: false, `"no"`: false} {
		var f flag
		require.NoError(t, json.Unmarshal([]byte(in), &f), in)
		assert.Equal(t, want, bool(f), in)
	}
	for _, in := range []string{`"maybe"`, `2`, `"NaN"`} {
		var f flag
		require.Error(t, json.Unmarshal([]byte(in), &f), in)
	}
	for in, want := range map[string]int{`25`: 25, `"25"`: 25, `25.0`: 25, `""`: 0, `null`: 0, `-3`: -3} {
		var n flexInt
		require.NoError(t, json.Unmarshal([]byte(in), &n), in)
		assert.Equal(t, want, int(n), in)
	}
	for _, in := range []string{`"NaN"`, `"Inf"`, `1e300`, `1.5`, `"x"`, `99999999999999999999`} {
		var n flexInt
		require.Error(t, json.Unmarshal([]byte(in), &n), in)
	}
}

func FuzzTimeUnmarshal(f *testing.F) {
	for _, s := range []string{`1714521600`, `"2024-05-01T00:00:00Z"`, `"2024-05-01 02:00:00"`, `"2024-05-01"`, `null`, `""`, `"NaN"`, `1e300`, `9223372036854775807`, `-1`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var tm Time
		if err := json.Unmarshal([]byte(s), &tm); err != nil {
			return
		}
		if tm.IsZero() {
			return
		}
		if y := tm.Year(); y < 1 || y > 9999 {
			t.Fatalf("%q decoded to year %d", s, y)
		}
		// What decodes encodes, and decodes to the same second.
		b, err := json.Marshal(tm)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		var back Time
		if err := json.Unmarshal(b, &back); err != nil || back.Unix() != tm.Unix() {
			t.Fatalf("%q: round trip %s gave %v, %v", s, b, back, err)
		}
	})
}

func FuzzFlagUnmarshal(f *testing.F) {
	for _, s := range []string{`"1"`, `"0"`, `true`, `"True"`, `""`, `null`, `"maybe"`, `2`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var a flag
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			return
		}
		// A bare value means what the same text means as a string, as
		// Oomnitza sends both.
		bare := strings.TrimSpace(s)
		if strings.HasPrefix(bare, `"`) {
			return
		}
		var b flag
		if err := json.Unmarshal([]byte(strconv.Quote(bare)), &b); err != nil || a != b {
			t.Fatalf("%s is %v but %q is %v (%v)", s, a, bare, b, err)
		}
	})
}

func FuzzFlexIntUnmarshal(f *testing.F) {
	for _, s := range []string{`25`, `"25"`, `25.0`, `""`, `null`, `"NaN"`, `1e300`, `1.5`, `-0`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n flexInt
		if err := json.Unmarshal([]byte(s), &n); err != nil {
			return
		}
		if float64(n) > math.MaxInt64 || float64(n) < math.MinInt64 {
			t.Fatalf("%q decoded out of range: %d", s, n)
		}
		// An integer that decodes encodes back to the same integer.
		b, _ := json.Marshal(int(n))
		var back flexInt
		if err := json.Unmarshal(b, &back); err != nil || back != n {
			t.Fatalf("%q: %d round trips to %d (%v)", s, n, back, err)
		}
	})
}
