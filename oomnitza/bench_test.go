package oomnitza_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func seed(b *testing.B, n int) *oomnitzatest.Server {
	b.Helper()
	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	for i := range n {
		if _, err := srv.AddRecord(oomnitza.Record{
			"username": fmt.Sprintf("user%06d@example.com", i), "email": fmt.Sprintf("user%06d@example.com", i),
			"first_name": "First", "last_name": fmt.Sprintf("Last%06d", i), "role": 25, "position": "Engineer",
			"jump_cloud_user_id": fmt.Sprintf("%024x", i), "phone_number": "+1-555-0100",
		}); err != nil {
			b.Fatal(err)
		}
	}
	return srv
}

// BenchmarkUsersAll lists 100,000 fake users with fields limited to the
// six a sync needs; users/s and allocated bytes per user (client and
// in-process fake together).
func BenchmarkUsersAll(b *testing.B) {
	const n = 100_000
	srv := seed(b, n)
	defer srv.Close()
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	fields := []string{"user_id", "username", "email", "first_name", "last_name", "jump_cloud_user_id"}
	for _, conc := range []int{1, 4} {
		b.Run(fmt.Sprintf("limit=500/concurrency=%d", conc), func(b *testing.B) {
			opts := &oomnitza.ListOptions{Limit: 500, Fields: fields, Concurrency: conc}
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			start := time.Now()
			for b.Loop() {
				got := 0
				for _, err := range c.Users.All(b.Context(), opts) {
					if err != nil {
						b.Fatal(err)
					}
					got++
				}
				if got != n {
					b.Fatalf("got %d users", got)
				}
			}
			elapsed := time.Since(start)
			runtime.ReadMemStats(&ms1)
			users := float64(n * b.N)
			b.ReportMetric(users/elapsed.Seconds(), "users/s")
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/users, "B/user(all)")
		})
	}
}

// BenchmarkDecodeUsers isolates the client's decoding of a 500-user page
// with six fields: bytes allocated per user by the client alone.
func BenchmarkDecodeUsers(b *testing.B) {
	page := make([]map[string]any, 500)
	for i := range page {
		page[i] = map[string]any{"user_id": fmt.Sprintf("%032x", i), "username": fmt.Sprintf("user%06d@example.com", i),
			"email": fmt.Sprintf("user%06d@example.com", i), "first_name": "First", "last_name": "Last",
			"jump_cloud_user_id": fmt.Sprintf("%024x", i)}
	}
	body, _ := json.Marshal(page)
	b.SetBytes(int64(len(body)))
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		var users []*oomnitza.User
		if err := json.Unmarshal(body, &users); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(500*b.N), "B/user")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(500*b.N), "allocs/user")
}
