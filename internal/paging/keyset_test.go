package paging

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKeySetTellsEveryKeyApart(t *testing.T) {
	for name, s := range map[string]*keySet{
		"maphash": newKeySet(),
		// Every key has the same hash: only the byte comparison along the
		// chain tells them apart.
		"all collide": {hash: func(string) uint64 { return 7 }, index: map[uint64]int32{}},
	} {
		n := 2000
		for i := range n {
			assert.True(t, s.add(fmt.Sprint("k", i)), "%s: k%d is new", name, i)
		}
		s.grow(3 * n)
		for i := range n {
			assert.False(t, s.add(fmt.Sprint("k", i)), "%s: k%d again", name, i)
		}
		assert.True(t, s.add(""), name)
		assert.False(t, s.add(""), name)
		assert.Equal(t, n+1, s.len(), name)
	}
}
