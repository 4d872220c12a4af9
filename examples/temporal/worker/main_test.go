package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

const orgsJSON = `[
 {"name": "acme", "jumpcloud_org_id": "5a1b2c3d4e5f60718293a4b5", "jumpcloud_key_ref": "env:JUMPCLOUD_API_KEY",
  "oomnitza_url": "https://acme.oomnitza.com", "oomnitza_token_ref": "file:/run/secrets/acme", "mapping": "standard", "role": 25},
 {"name": "globex", "jumpcloud_org_id": "6b2c3d4e5f60718293a4b5c6", "jumpcloud_key_ref": "env:JUMPCLOUD_API_KEY",
  "oomnitza_url": "https://globex.oomnitza.com", "oomnitza_token_ref": "file:/run/secrets/globex", "mapping": "standard", "role": 25}
]`

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "orgs.json")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

func TestParseOrgsFile(t *testing.T) {
	c, err := parse([]string{"-orgs", writeFile(t, orgsJSON), "-every", "12h"}, env(map[string]string{"TEMPORAL_ADDRESS": "temporal:7233"}), io.Discard)
	require.NoError(t, err)
	require.Len(t, c.orgs, 2)
	assert.Equal(t, "globex", c.orgs[1].Name)
	assert.Equal(t, "temporal:7233", c.address)
	assert.Equal(t, "default", c.namespace)
	assert.Equal(t, 12*time.Hour, c.schedule.Every)
	assert.Equal(t, c.queue, c.schedule.TaskQueue)
}

func TestParseOneOrgFromFlags(t *testing.T) {
	c, err := parse([]string{"-name", "acme", "-org-id", "5a1b2c3d4e5f60718293a4b5", "-oomnitza-url", "https://acme.oomnitza.com", "-role", "25"}, env(nil), io.Discard)
	require.NoError(t, err)
	require.Len(t, c.orgs, 1)
	assert.Equal(t, "env:JUMPCLOUD_API_KEY", c.orgs[0].JumpCloudKeyRef)
	assert.Equal(t, "localhost:7233", c.address)
}

func TestParseRefusesBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"nothing":       {nil, "no organisations"},
		"both":          {[]string{"-orgs", writeFile(t, orgsJSON), "-name", "x"}, "not both"},
		"unknown field": {[]string{"-orgs", writeFile(t, `[{"name":"a","api_key":"jca_123"}]`)}, `unknown field "api_key"`},
		"invalid org":   {[]string{"-orgs", writeFile(t, `[{"name":"a"}]`)}, `organisation 1 ("a")`},
		"duplicate": {[]string{"-orgs", writeFile(t, `[
			{"name":"a","jumpcloud_org_id":"5a1b2c3d4e5f60718293a4b5","jumpcloud_key_ref":"env:K","oomnitza_url":"https://a.oomnitza.com","oomnitza_token_ref":"env:T","mapping":"standard"},
			{"name":"b","jumpcloud_org_id":"5A1B2C3D4E5F60718293A4B5","jumpcloud_key_ref":"env:K","oomnitza_url":"https://b.oomnitza.com","oomnitza_token_ref":"env:T","mapping":"standard"}]`)}, "same schedule"},
		"every":    {[]string{"-orgs", writeFile(t, orgsJSON), "-every", "1m"}, "at least 5m"},
		"activity": {[]string{"-orgs", writeFile(t, orgsJSON), "-activities", "0"}, "-activities 0"},
		"args":     {[]string{"-orgs", writeFile(t, orgsJSON), "extra"}, "unexpected arguments"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parse(tc.args, env(nil), io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "jca_123")
		})
	}
}

func TestRunStopsWhenTemporalIsUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens; the dial fails, nothing runs.
	err := run(ctx, []string{"-orgs", writeFile(t, orgsJSON)}, env(map[string]string{"TEMPORAL_ADDRESS": "127.0.0.1:1"}), io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connecting to Temporal at 127.0.0.1:1")
}
