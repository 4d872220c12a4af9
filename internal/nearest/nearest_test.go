package nearest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestName(t *testing.T) {
	known := []string{"trim", "lower", "upper", "title", "position", "jump_cloud_user_id", "state", "email"}
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"trimm", "trim", true},
		{"titel", "title", true},
		{"postion", "position", true},
		{"jumpcloud_user_id", "jump_cloud_user_id", true},
		{"stat", "state", true},
		{"Email", "email", true},
		{"xyzzy", "", false},
		{"trim", "", false}, // exact: nothing to suggest
	}
	for _, c := range cases {
		got, ok := Name(c.in, known)
		assert.Equal(t, c.ok, ok, c.in)
		if c.ok {
			assert.Equal(t, c.want, got, c.in)
		}
	}
	assert.Equal(t, ` (did you mean "trim"?)`, Hint("trimm", known))
	assert.Equal(t, "", Hint("zzzzzz", known))
	_, ok := Name("x", nil)
	assert.False(t, ok)
}

func FuzzName(f *testing.F) {
	f.Add("trimm")
	f.Add("\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := Name(s, []string{"trim", "lower", "ü_ber"})
		if ok {
			assert.NotEmpty(t, c)
		}
	})
}
