package transport

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{" 7 ", 7 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"0", 0, true},
		{"-3", 0, true},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"soon", 0, false},
		{"Sun, 29 Nov 2026 12:00:30 GMT", 30 * time.Second, true},             // RFC 1123
		{"Sunday, 29-Nov-26 12:01:00 GMT", time.Minute, true},                 // RFC 850
		{"Sun Nov 29 12:00:10 2026", 10 * time.Second, true},                  // ANSI C
		{"Sun, 29 Nov 2026 11:00:00 GMT", 0, true},                            // past
		{"99999999999999999999", time.Duration(1<<63 - 1), true},              // clamps
		{now.Add(2 * time.Hour).Format(http.TimeFormat), 2 * time.Hour, true}, // far
	}
	for _, tc := range cases {
		got, ok := ParseRetryAfter(tc.in, now)
		assert.Equal(t, tc.ok, ok, "%q", tc.in)
		assert.Equal(t, tc.want, got, "%q", tc.in)
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "1.5", "-1", "1e400", "Sun, 29 Nov 2026 12:00:30 GMT", "", " ", "0x10"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseRetryAfter(s, now)
		if d < 0 {
			t.Fatalf("negative wait %v for %q", d, s)
		}
		if !ok && d != 0 {
			t.Fatalf("wait %v without ok for %q", d, s)
		}
	})
}
