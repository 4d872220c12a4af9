package jumpcloud_test

import (
	"encoding/json"
	"runtime"
	"testing"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

// benchAll ranges Users.All over the fake b.N times and reports users/s.
// allocs/user counts the whole process (client and in-process fake).
func benchAll(b *testing.B, srv *jumpcloudtest.Server, want int, opts *jumpcloud.ListOptions) {
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		n := 0
		for _, err := range c.Users.All(b.Context(), opts) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != want {
			b.Fatalf("got %d users, want %d", n, want)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	users := float64(want * b.N)
	b.ReportMetric(users/elapsed.Seconds(), "users/s")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/users, "allocs/user(all)")
}

// BenchmarkUsersAll measures listing 10,000 fake users.
func BenchmarkUsersAll(b *testing.B) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(10_000, 1)...))
	defer srv.Close()
	b.Run("sequential", func(b *testing.B) { benchAll(b, srv, 10_000, nil) })
	b.Run("concurrency=8", func(b *testing.B) { benchAll(b, srv, 10_000, &jumpcloud.ListOptions{Concurrency: 8}) })
}

// BenchmarkUsersAllLatency20ms is the same with 20 ms per request, where
// concurrent pages pay off. Run it with -benchtime=1x.
func BenchmarkUsersAllLatency20ms(b *testing.B) {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(10_000, 1)...),
		jumpcloudtest.WithLatency(20*time.Millisecond))
	defer srv.Close()
	b.Run("sequential", func(b *testing.B) { benchAll(b, srv, 10_000, nil) })
	b.Run("concurrency=8", func(b *testing.B) { benchAll(b, srv, 10_000, &jumpcloud.ListOptions{Concurrency: 8}) })
}

// BenchmarkDecodeUserPage isolates the client's decoding of one full page.
func BenchmarkDecodeUserPage(b *testing.B) {
	users := jumpcloudtest.GenerateUsers(100, 1)
	body, err := json.Marshal(map[string]any{"totalCount": 100, "results": users})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		var page jumpcloud.UserPage
		if err := json.Unmarshal(body, &page); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(100*b.N), "allocs/user")
}
