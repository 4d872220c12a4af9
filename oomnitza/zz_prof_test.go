package oomnitza_test

import (
	"net/http"
	"testing"

	"github.com/jcoom/jcoom/internal/benchratio"
	"github.com/jcoom/jcoom/oomnitza"
)

func BenchmarkZZClientOnly(b *testing.B) {
	const n, limit = 100_000, 500
	srv := seed(b, n)
	base, token := srv.URL, srv.Token()
	replay := benchratio.NewReplay(srv.Handler())
	srv.Close()
	c, _ := oomnitza.NewClient(base, token, oomnitza.WithHTTPClient(&http.Client{Transport: replay}))
	fields := []string{"user_id", "username", "email", "first_name", "last_name", "jump_cloud_user_id"}
	round := func() {
		for _, err := range c.Users.All(b.Context(), &oomnitza.ListOptions{Limit: limit, Fields: fields}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	round()
	replay.Freeze()
	b.ResetTimer()
	for b.Loop() {
		round()
	}
}
