package mapping_test

import (
	"testing"

	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
)

// BenchmarkApplyJumpCloudAll measures compiled Apply of
// examples/mapping/jumpcloud-all.yaml: ns and allocations per record.
func BenchmarkApplyJumpCloudAll(b *testing.B) {
	m, err := mapping.LoadFile("../examples/mapping/jumpcloud-all.yaml")
	if err != nil {
		b.Fatal(err)
	}
	users := jumpcloudtest.GenerateUsers(1000, 1)
	emails := map[string]string{}
	srcs := make([]mapping.Record, len(users))
	for i, u := range users {
		emails[u.ID] = u.Email
		srcs[i] = toRecord(b, u)
	}
	c, err := m.Compile(allSchema(), mapping.WithLookup("manager_email", func(id string) (any, bool) { e, ok := emails[id]; return e, ok }))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.Apply(srcs[i%len(srcs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
