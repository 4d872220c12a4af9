package transport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/davecgh/go-spew/spew"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BadBaseURLs hold a password in every place a URL can carry one; each is
// refused, and no error shows it.
var BadBaseURLs = []string{
	"http://admin:SECRET@example.com",
	"https://admin:SECRET@example.com/",
	"https://SECRET@example.com",
	"ftp://u:SECRET@host",
	"https://u:SECRET@exa mple.com",
	"https://u:SECRET@[::1",
	"http://u:SECRET@example.com:99999x",
	"u:SECRET@example.com",
	"https://example.com/?token=SECRET",
	"https://example.com/#SECRET",
	"//u:SECRET@example.com",
	"https://u:SECRET@example.com?x=1",
	"http://u:SECRET%zz@example.com",
	"https://u:SECRET\n@example.com",
	" https://u:SECRET@example.com",
}

func TestBadBaseURLErrorsNeverShowThePassword(t *testing.T) {
	for _, raw := range BadBaseURLs {
		_, err := ParseBaseURL(raw)
		require.Error(t, err, "%q", raw)
		assert.NotContains(t, err.Error(), "SECRET", "%q", raw)
		assert.NotContains(t, RedactURL(raw), "SECRET", "%q", raw)
	}
	assert.Equal(t, "https://xxxxx@example.com/path", RedactURL("https://u:p@example.com/path"))
	assert.Equal(t, "https://example.com/a", RedactURL("https://example.com/a"))
}

// Dumpers that walk structs by reflection without calling methods never
// reach the credential.
func TestSecretIsOutOfReflectionsReach(t *testing.T) {
	c, _ := newTestClient(t, nil)
	for _, out := range []string{
		spew.Sdump(c), spew.Sdump(c.credential), fmt.Sprintf("%+v", *c), fmt.Sprintf("%#v", c.credential),
	} {
		assert.NotContains(t, out, testKey)
		assert.False(t, strings.Contains(out, testKey[3:]), "no part of the key")
	}
}
