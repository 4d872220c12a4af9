package email

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRule(t *testing.T) {
	assert.True(t, Same(" Ada@Example.com", "ada@example.com "))
	assert.False(t, Same("ada@example.com", "bob@example.com"))
	assert.Equal(t, []any{"Ada@X.io", "ada@x.io"}, Forms(" Ada@X.io "))
	assert.Equal(t, []any{"ada@x.io"}, Forms("ada@x.io"))
	assert.Equal(t, []string{"A@x.io", "a@x.io"}, Keep([]string{"A@x.io", "b@x.io", "a@x.io"}, func(s string) string { return s }, "a@X.io"))
}
