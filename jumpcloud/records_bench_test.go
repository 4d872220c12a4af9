package jumpcloud_test

import (
	"testing"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

// BenchmarkWireRecords compares the two ways to get every user as the
// record a mapping reads: Records (one decode into generic records) and
// All followed by User.Record (a typed decode, then a second decode of
// each user's bytes).
func BenchmarkWireRecords(b *testing.B) {
	const n = 2000
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(n, 3))
	defer srv.Close()
	jc, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Records", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for r, err := range jc.Users.Records(b.Context(), nil).All() {
				if err != nil || r["_id"] == nil {
					b.Fatal(err)
				}
				got++
			}
			if got != n {
				b.Fatal(got)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/user")
	})
	b.Run("All+Record", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for u, err := range jc.Users.All(b.Context(), nil) {
				if err != nil {
					b.Fatal(err)
				}
				if _, err := u.Record(); err != nil {
					b.Fatal(err)
				}
				got++
			}
			if got != n {
				b.Fatal(got)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/user")
	})
}

func TestRecordsAreTheWire(t *testing.T) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(250, 3))
	defer srv.Close()
	jc, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	l := jc.Users.Records(t.Context(), nil)
	if l.TotalCount() != -1 {
		t.Fatalf("total before the first page: %d", l.TotalCount())
	}
	seen := map[string]bool{}
	for r, err := range l.All() {
		if err != nil {
			t.Fatal(err)
		}
		id := r["_id"].(string)
		u, err := jc.Users.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := u.Record()
		if len(want) != len(r) {
			t.Fatalf("%s: %d members, Get's record has %d", id, len(r), len(want))
		}
		for k := range want {
			if _, ok := r[k]; !ok {
				t.Fatalf("%s lacks %s", id, k)
			}
		}
		if _, ok := r["recoveryEmail"]; !ok {
			t.Fatalf("%s: recoveryEmail missing", id)
		}
		seen[id] = true
	}
	if len(seen) != 250 || l.Read() != 250 || l.TotalCount() != 250 {
		t.Fatalf("read %d, Read %d, total %d", len(seen), l.Read(), l.TotalCount())
	}
}
