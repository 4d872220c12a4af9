package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

// TestMain fails the package's tests if any goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The credentials of the test tenants: no output may ever show them.
const (
	secretKey   = "jc-SECRET-key-9f8e7d6c5b4a3928"
	secretToken = "oz-SECRET-token-0a1b2c3d4e5f6789"
)

// tenant is a pair of fakes and the environment that points the CLI at
// them. It keeps every output, so that a test can check none shows a
// secret.
type tenant struct {
	js   *jumpcloudtest.Server
	os   *oomnitzatest.Server
	jc   *jumpcloud.Client
	oc   *oomnitza.Client
	env  map[string]string
	mu   sync.Mutex
	seen []string
}

func newTenant(t *testing.T, users int) *tenant {
	t.Helper()
	return newTenantWithDevices(t, users, 0)
}

// newTenantWithDevices is newTenant with generated JumpCloud devices bound
// to the users.
func newTenantWithDevices(t *testing.T, users, devices int) *tenant {
	t.Helper()
	js := jumpcloudtest.NewServer(jumpcloudtest.WithGeneratedUsers(users, 7), jumpcloudtest.WithGeneratedSystems(devices, 7),
		jumpcloudtest.WithAPIKey(secretKey), jumpcloudtest.WithOrgID(jumpcloudtest.DefaultOrgID))
	t.Cleanup(js.Close)
	os := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()),
		oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField()), oomnitzatest.WithToken(secretToken))
	t.Cleanup(os.Close)
	jc, err := js.Client()
	require.NoError(t, err)
	oc, err := os.Client()
	require.NoError(t, err)
	tn := &tenant{js: js, os: os, jc: jc, oc: oc, env: map[string]string{
		envJumpCloudKey: secretKey, envJumpCloudOrg: jumpcloudtest.DefaultOrgID, envJumpCloudBase: js.URL,
		envOomnitzaURL: os.URL, envOomnitzaToken: secretToken,
	}}
	t.Cleanup(func() {
		for _, s := range tn.seen {
			if strings.Contains(s, secretKey) || strings.Contains(s, secretToken) {
				t.Errorf("a credential appears in the output:\n%s", s)
			}
		}
	})
	return tn
}

type result struct {
	out, err string
	code     int
}

// run runs the CLI in-process with stdin.
func (tn *tenant) run(t *testing.T, stdin string, argv ...string) result {
	t.Helper()
	return tn.runCtx(t.Context(), t, stdin, argv...)
}

func (tn *tenant) runCtx(ctx context.Context, t *testing.T, stdin string, argv ...string) result {
	t.Helper()
	var out, errw bytes.Buffer
	code := execute(ctx, argv, stdio{in: strings.NewReader(stdin), out: &out, err: &errw}, func(k string) string { return tn.env[k] })
	tn.mu.Lock()
	tn.seen = append(tn.seen, out.String(), errw.String())
	tn.mu.Unlock()
	return result{out: out.String(), err: errw.String(), code: code}
}

func oomnitzaWrites(calls map[string]int) int {
	n := 0
	for k, v := range calls {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func TestMissingCredentials(t *testing.T) {
	tn := newTenant(t, 5)
	for _, name := range []string{envJumpCloudKey, envOomnitzaURL, envOomnitzaToken} {
		saved := tn.env[name]
		delete(tn.env, name)
		r := tn.run(t, "", "plan", "--role", "25")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.err, name+" is not set")
		assert.Contains(t, r.err, "from the environment only")
		tn.env[name] = saved
	}
	tn.env[envJumpCloudBase] = "http://example.com" // plain http to a remote host
	r := tn.run(t, "", "plan", "--role", "25")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "the JumpCloud settings in the environment")
}

func TestUsageErrors(t *testing.T) {
	tn := newTenant(t, 5)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"plan", "--nope"}, "unknown flag: --nope"},
		{[]string{"apply"}, "accepts 1 arg(s), received 0"},
		{[]string{"plan", "--role", "25", "--deprovision", "archive", "--max-count", "3"}, `--deprovision "archive": want "suspend", "delete" or "set:FIELD=VALUE"`},
		{[]string{"plan", "--role", "25", "--deprovision", "suspend"}, "needs a threshold"},
		{[]string{"plan", "--role", "25", "--max-count", "3"}, "need --deprovision"},
		{[]string{"plan", "--log-level", "loud"}, `--log-level "loud"`},
		{[]string{"sync", "--role", "25", "--every", "1h", "--daily", "02:00"}, "give one schedule"},
		{[]string{"sync", "--role", "25", "--daily", "25:00"}, "the schedule"},
		{[]string{"preset", "run", "jumpcloud.unlock_user"}, "say whose records"},
		{[]string{"preset", "run", "jumpcloud.unlock"}, `unknown preset "jumpcloud.unlock"`},
		{[]string{"preset", "run", "jumpcloud.unlock_user", "--user", "../meta"}, "--user"},
		{[]string{"mapping", "validate", "does-not-exist.yaml"}, "does-not-exist.yaml"},
		{[]string{"apply", "--role", "25", "does-not-exist.json"}, "reading the plan"},
	}
	for _, tc := range cases {
		r := tn.run(t, "", tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.err)
		assert.Contains(t, r.err, tc.want, tc.args)
	}
	assert.Zero(t, tn.os.Len())
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()))
}

func TestDraftMappingExits2(t *testing.T) {
	tn := newTenant(t, 20)
	r := tn.run(t, "", "plan")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "is a draft: 1 problem(s)")
	assert.Contains(t, r.err, "pass --role ID")
	r = tn.run(t, "", "sync")
	assert.Equal(t, exitUsage, r.code)
	assert.Zero(t, tn.os.Len(), "a draft writes nothing")
}

func TestPlanThenApplyInTwoInvocations(t *testing.T) {
	tn := newTenant(t, 120)
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")

	r := tn.run(t, "", "plan", "--role", "25", "--out", planFile)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "create          120")
	assert.Contains(t, r.out, "jcoom apply --role 25 "+planFile)
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()), "plan writes nothing")
	st, err := os.Stat(planFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "a plan holds personal data")

	// Another mapping, another tenant: refused, nothing written.
	r = tn.run(t, "", "apply", "--role", "1", planFile)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "the plan was made with mapping")
	other := newTenant(t, 3)
	r = other.run(t, "", "apply", "--role", "25", planFile)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "the plan is for Oomnitza")
	assert.Zero(t, oomnitzaWrites(tn.os.Calls())+oomnitzaWrites(other.os.Calls()))

	r = tn.run(t, "", "apply", "--role", "25", planFile)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "created             120")
	assert.Equal(t, 120, tn.os.Len())

	// The same plan again: every record already applied, nothing written.
	tn.os.ResetCalls()
	r = tn.run(t, "", "apply", "--role", "25", planFile)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "already applied     120")
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()))

	// A sync now writes nothing.
	r = tn.run(t, "", "sync", "--role", "25")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "unchanged           120")
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()))
}

func TestJSONShapes(t *testing.T) {
	tn := newTenant(t, 30)
	r := tn.run(t, "", "plan", "--role", "25", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	p, err := jcsync.ParsePlan([]byte(r.out))
	require.NoError(t, err, r.out)
	assert.Equal(t, 30, p.Count(jcsync.OpCreate))

	r = tn.run(t, "", "sync", "--role", "25", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	var rep jcsync.Report
	require.NoError(t, json.Unmarshal([]byte(r.out), &rep), r.out)
	assert.Equal(t, 30, rep.Counts.Created)

	r = tn.run(t, "", "sync", "--role", "25", "--dry-run", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	p, err = jcsync.ParsePlan([]byte(r.out))
	require.NoError(t, err)
	assert.Equal(t, 30, p.Count(jcsync.OpUnchanged))

	r = tn.run(t, "", "preset", "list", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	var list []presetInfo
	require.NoError(t, json.Unmarshal([]byte(r.out), &list))
	require.Len(t, list, 5)
	assert.Equal(t, presets.NameUnlockUser, list[2].Name)
	assert.Equal(t, "POST", list[2].Method)

	u := tn.os.Users()[0]
	r = tn.run(t, "", "preset", "run", presets.NameUnlockUser, "--user", u.UserID, "--json")
	require.Equal(t, exitOK, r.code, r.err)
	var pr struct {
		Results []*presets.Result      `json:"results"`
		Counts  map[presets.Status]int `json:"counts"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &pr), r.out)
	require.Len(t, pr.Results, 1)
	assert.Equal(t, presets.StatusNoOp, pr.Results[0].Status)
	assert.Equal(t, 1, pr.Counts[presets.StatusNoOp])

	dir := t.TempDir()
	file := filepath.Join(dir, "m.yaml")
	r = tn.run(t, "", "mapping", "suggest", "--out", file, "--role", "25", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	var sg struct {
		File        string       `json:"file"`
		Suggestions []suggestion `json:"suggestions"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &sg), r.out)
	assert.Equal(t, file, sg.File)
	assert.NotEmpty(t, sg.Suggestions)
	r = tn.run(t, "", "mapping", "validate", file, "--json")
	require.Equal(t, exitOK, r.code, r.err)
	var v validation
	require.NoError(t, json.Unmarshal([]byte(r.out), &v))
	assert.True(t, v.Valid)
	assert.Contains(t, v.Writes, "jump_cloud_user_id")
}

func TestMappingCommands(t *testing.T) {
	tn := newTenant(t, 5)
	r := tn.run(t, "", "mapping", "standard", "--role", "25")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "role: 25")
	assert.Contains(t, r.out, "sync_keys:")
	dir := t.TempDir()
	std := filepath.Join(dir, "std.yaml")
	require.NoError(t, os.WriteFile(std, []byte(r.out), 0o600))
	r = tn.run(t, "", "mapping", "validate", std)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "is valid against "+tn.os.URL)

	// A draft: every problem, with the line and the fix; exit 2.
	draft := filepath.Join(dir, "draft.yaml")
	require.NoError(t, os.WriteFile(draft, []byte("name: typos\nsync_keys: [jump_cloud_user_id, email]\nfields:\n  - {from: _id, to: jump_cloud_user_id}\n  - {from: email, to: [username, email]}\n  - {from: jobTitle, to: postion}\n"), 0o600))
	r = tn.run(t, "", "mapping", "validate", draft)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "is a draft: 2 problem(s)")
	assert.Contains(t, r.err, `draft.yaml:6`)
	assert.Contains(t, r.err, `"position"`)

	// suggest refuses to overwrite, then writes a file validate accepts.
	starterFile := filepath.Join(dir, "starter.yaml")
	r = tn.run(t, "", "mapping", "suggest", "--out", starterFile)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "It is a draft until you fix this")
	r = tn.run(t, "", "mapping", "suggest", "--out", starterFile)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "exists; pass --force")
	r = tn.run(t, "", "mapping", "validate", "--role", "25", starterFile)
	require.Equal(t, exitOK, r.code, r.err)
}

func TestPartialFailureExits1(t *testing.T) {
	tn := newTenant(t, 40)
	require.Equal(t, exitOK, tn.run(t, "", "sync", "--role", "25").code)
	// Three people change, five join; the role given to newcomers does not
	// exist in this instance, so their creates fail and the updates land.
	for _, u := range tn.js.Users()[:3] {
		_, err := tn.jc.Users.Update(t.Context(), u.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Director")})
		require.NoError(t, err)
	}
	for i := range 5 {
		_, err := tn.jc.Users.Create(t.Context(), &jumpcloud.UserCreateRequest{Username: "new" + string(rune('a'+i)),
			Email: "new" + string(rune('a'+i)) + "@example.com", Firstname: "New", Lastname: "Person"})
		require.NoError(t, err)
	}
	r := tn.run(t, "", "sync", "--role", "999")
	assert.Equal(t, exitFailed, r.code, r.out+r.err)
	assert.Contains(t, r.out, "updated               3")
	assert.Contains(t, r.out, "failed                5")
	assert.Contains(t, r.err, "some records failed")
}

func TestThresholdExits3(t *testing.T) {
	tn := newTenant(t, 60)
	require.Equal(t, exitOK, tn.run(t, "", "sync", "--role", "25").code)
	gone := 0
	for _, u := range tn.js.Users() {
		if gone == 12 {
			break
		}
		if u.Suspended { // already suspended in Oomnitza: nothing to deprovision
			continue
		}
		if _, err := tn.jc.Users.Delete(t.Context(), u.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err == nil {
			gone++
		}
	}
	tn.os.ResetCalls()
	r := tn.run(t, "", "sync", "--role", "25", "--deprovision", "suspend", "--max-count", "5")
	assert.Equal(t, exitThreshold, r.code, r.err)
	assert.Contains(t, r.err, "deprovision threshold exceeded")
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()))
	r = tn.run(t, "", "plan", "--role", "25", "--deprovision", "suspend", "--max-count", "5")
	assert.Equal(t, exitThreshold, r.code)
	assert.Contains(t, r.out, "BLOCKED: 12 of 60")

	r = tn.run(t, "", "sync", "--role", "25", "--deprovision", "suspend", "--max-percent", "25")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "deprovisioned        12")
}

func TestPresetRun(t *testing.T) {
	tn := newTenant(t, 40)
	require.Equal(t, exitOK, tn.run(t, "", "sync", "--role", "25").code)
	var locked []string
	for _, u := range tn.js.Users() {
		if strings.Contains(u.JobTitle, "Engineer") {
			tn.js.LockUser(u.ID)
			locked = append(locked, u.ID)
		}
	}
	require.NotEmpty(t, locked)
	where := `position like "%Engineer%"`

	// A dry run asks nothing and sends nothing to JumpCloud.
	tn.js.ResetCalls()
	r := tn.run(t, "", "preset", "run", presets.NameUnlockUser, "--where", where, "--dry-run")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "would send POST /api/systemusers/")
	assert.Zero(t, tn.js.Calls()["POST /api/systemusers/{id}/unlock"])

	// Not confirmed: nothing runs.
	r = tn.run(t, "no\n", "preset", "run", presets.NameUnlockUser, "--where", where)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "not confirmed")
	assert.Contains(t, r.err, "Type yes to run jumpcloud.unlock_user")
	assert.Zero(t, tn.js.Calls()["POST /api/systemusers/{id}/unlock"])

	r = tn.run(t, "yes\n", "preset", "run", presets.NameUnlockUser, "--where", where)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "applied")
	assert.Equal(t, len(locked), tn.js.Calls()["POST /api/systemusers/{id}/unlock"])
	for _, id := range locked {
		u, _ := tn.js.User(id)
		assert.False(t, u.AccountLocked)
	}
	r = tn.run(t, "", "preset", "run", presets.NameUnlockUser, "--where", where, "--yes")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "noop")

	r = tn.run(t, "", "preset", "run", presets.NameUnlockUser, "--where", `position eq "Nobody"`, "--yes")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.err, "nothing to do")

	// A failed run exits 1: the record points at a JumpCloud user who left.
	u := tn.os.Users()[0]
	_, err := tn.jc.Users.Delete(t.Context(), u.CustomString("jump_cloud_user_id"), &jumpcloud.DeleteOptions{CascadeManager: true})
	require.NoError(t, err)
	r = tn.run(t, "", "preset", "run", presets.NameUnlockUser, "--user", u.UserID)
	assert.Equal(t, exitFailed, r.code, r.out)
	assert.Contains(t, r.out, "failed")
	r = tn.run(t, "", "preset", "run", presets.NameUnlockUser, "--user", u.UserID, "--user", tn.os.Users()[1].UserID)
	assert.Equal(t, exitFailed, r.code, r.out)
	assert.Contains(t, r.out, "2 runs: noop 1, failed 1")
}

// TestSecretsNeverShow runs every command that talks to the tenants with
// debug logging and checks the outputs and the plan file (the tenant's
// cleanup checks every output for the credentials).
func TestSecretsNeverShow(t *testing.T) {
	tn := newTenant(t, 15)
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	run := func(argv ...string) {
		r := tn.run(t, "", append(argv, "--log-level", "debug")...)
		assert.Contains(t, []int{exitOK, exitUsage}, r.code, "%v: %s", argv, r.err)
		assert.Contains(t, r.err, "level=DEBUG", "debug logging is on")
	}
	run("plan", "--role", "25", "--out", planFile)
	run("apply", "--role", "25", planFile)
	for _, argv := range [][]string{
		{"sync", "--role", "25", "--json"},
		{"sync", "--role", "25", "--dry-run"},
		{"preset", "run", presets.NameUserRole, "--where", `username like "%"`, "--yes"},
		{"preset", "run", presets.NameExpirePassword, "--user", tn.os.Users()[0].UserID, "--json"},
		{"insights", "--json"},
		{"insights", "--fix", "locked", "--yes"},
		{"mapping", "suggest", "--out", filepath.Join(dir, "s.yaml")},
		{"mapping", "validate", filepath.Join(dir, "s.yaml")},
	} {
		run(argv...)
	}
	// A failure's error and log.
	tn.env[envOomnitzaToken] = secretToken + "-wrong"
	r := tn.run(t, "", "plan", "--role", "25", "--log-level", "debug")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.err, "401")
	b, err := os.ReadFile(planFile)
	require.NoError(t, err)
	assert.NotContains(t, string(b), secretKey)
	assert.NotContains(t, string(b), secretToken)
	tn.env[envOomnitzaToken] = secretToken
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls buf until it holds want or the deadline passes.
func waitFor(t *testing.T, buf *syncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(buf.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q; got:\n%s", want, buf.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestFakeCommand starts `jcoom fake`, points the CLI at what it prints,
// and syncs.
func TestFakeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var out, errw syncBuffer
	done := make(chan int)
	go func() {
		done <- execute(ctx, []string{"fake", "--users", "50"}, stdio{in: strings.NewReader(""), out: &out, err: &errw}, func(string) string { return "" })
	}()
	waitFor(t, &out, "Serving until interrupted")
	env := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			env[k] = v
		}
	}
	require.Len(t, env, 4, out.String())
	tn := &tenant{env: env}
	r := tn.run(t, "", "sync", "--role", "25")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "created              50")
	r = tn.run(t, "", "plan", "--role", "25")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "unchanged        50")
	cancel()
	assert.Equal(t, exitOK, <-done)
	assert.Contains(t, errw.String(), "jcoom fake: stopped")
}

// TestScheduledSync runs `sync --every 1s` until it has reported twice.
func TestScheduledSync(t *testing.T) {
	tn := newTenant(t, 10)
	ctx, cancel := context.WithCancel(t.Context())
	var out, errw syncBuffer
	done := make(chan int)
	go func() {
		done <- execute(ctx, []string{"sync", "--role", "25", "--every", "1s"}, stdio{in: strings.NewReader(""), out: &out, err: &errw},
			func(k string) string { return tn.env[k] })
	}()
	waitFor(t, &out, "unchanged            10")
	cancel()
	assert.Equal(t, exitOK, <-done, errw.String())
	assert.Contains(t, out.String(), "created              10")
	assert.Contains(t, errw.String(), "syncing every 1s")
	assert.Contains(t, errw.String(), "stopped; 0 run(s) failed")
	assert.Equal(t, 10, tn.os.Len())
}

// TestProgressOnATerminal draws the bars when stderr is a terminal and
// never on stdout.
func TestProgressOnATerminal(t *testing.T) {
	tn := newTenant(t, 30)
	var out, errw bytes.Buffer
	a := newApp(stdio{in: strings.NewReader(""), out: &out, err: &errw}, func(k string) string { return tn.env[k] })
	a.interactive = true
	require.Equal(t, exitOK, a.run(t.Context(), []string{"sync", "--role", "25"}), errw.String())
	assert.Contains(t, errw.String(), "apply ")
	assert.Contains(t, errw.String(), "records/s")
	assert.NotContains(t, out.String(), "records/s")
	assert.Contains(t, out.String(), "created              30")
}

func TestInsightsCommand(t *testing.T) {
	tn := newTenant(t, 300)
	require.Equal(t, exitOK, tn.run(t, "", "sync", "--role", "25").code)
	var locked []string
	for _, u := range tn.js.Users() {
		if u.AccountLocked {
			locked = append(locked, u.ID)
		}
	}
	require.NotEmpty(t, locked, "the generated tenant has locked accounts")

	r := tn.run(t, "", "insights")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "Locked accounts")
	assert.Contains(t, r.out, "fix: jumpcloud.unlock_user")
	assert.Contains(t, r.out, "joined with 300 Oomnitza users")

	tn.js.ResetCalls()
	r = tn.run(t, "", "insights", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	readsOnly := tn.js.Calls()
	var rep jcsync.InsightsReport
	require.NoError(t, json.Unmarshal([]byte(r.out), &rep), r.out)
	require.NotNil(t, rep.Finding(presets.FindingLocked))
	assert.Equal(t, len(locked), rep.Finding(presets.FindingLocked).Count)

	r = tn.run(t, "", "insights", "--csv")
	require.Equal(t, exitOK, r.code, r.err)
	assert.True(t, strings.HasPrefix(r.out, "finding,preset,jumpcloud_id,username,email,oomnitza_user_id,detail,evidence\n"))
	assert.Contains(t, r.out, "locked,jumpcloud.unlock_user,")

	// A dry run sends no JumpCloud request beyond the report's own reads.
	tn.js.ResetCalls()
	r = tn.run(t, "", "insights", "--fix", "locked", "--dry-run")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "dryrun")
	assert.Equal(t, readsOnly, tn.js.Calls(), "the dry run's requests are the report's reads")

	// Not confirmed: nothing runs.
	r = tn.run(t, "no\n", "insights", "--fix", "locked")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "not confirmed")
	assert.Zero(t, tn.js.Calls()["POST /api/systemusers/{id}/unlock"])

	tn.js.ResetCalls()
	r = tn.run(t, "", "insights", "--fix", "locked", "--yes")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, len(locked), tn.js.Calls()["POST /api/systemusers/{id}/unlock"], "exactly the locked users")
	for _, id := range locked {
		u, _ := tn.js.User(id)
		assert.False(t, u.AccountLocked)
	}
	r = tn.run(t, "", "insights", "--json")
	require.Equal(t, exitOK, r.code, r.err)
	require.NoError(t, json.Unmarshal([]byte(r.out), &rep))
	assert.Zero(t, rep.Finding(presets.FindingLocked).Count, "a second insights shows none")
	r = tn.run(t, "", "insights", "--fix", "locked", "--yes")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.err, "nothing to fix")

	// Findings no preset fixes, and unknown ones, are refused.
	r = tn.run(t, "", "insights", "--fix", "password_expired")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, "no preset fixes this")
	r = tn.run(t, "", "insights", "--fix", "sad")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, `--fix "sad": want one of locked,`)

	// JumpCloud only: no Oomnitza credentials needed.
	delete(tn.env, envOomnitzaToken)
	r = tn.run(t, "", "insights", "--jumpcloud-only", "--days", "30")
	require.Equal(t, exitOK, r.code, r.err)
	assert.NotContains(t, r.out, "joined with")
	r = tn.run(t, "", "insights")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.err, envOomnitzaToken+" is not set")
}

func TestAssetsKind(t *testing.T) {
	tn := newTenantWithDevices(t, 60, 80)
	dir := t.TempDir()

	// The standard assets mapping prints, validates and has no role.
	r := tn.run(t, "", "mapping", "standard", "--kind", "assets")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "kind: assets")
	assert.Contains(t, r.out, "sync_keys: [serial_number, jumpcloud_system_id]")
	assert.NotContains(t, r.out, "role:")
	std := filepath.Join(dir, "assets.yaml")
	require.NoError(t, os.WriteFile(std, []byte(r.out), 0o600))
	r = tn.run(t, "", "mapping", "validate", std)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "is valid against "+tn.os.URL)

	// Flags that belong to users are refused before anything is read.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--kind", "assets", "--role", "25"}, "roles are for People records"},
		{[]string{"plan", "--kind", "assets", "--deprovision", "suspend", "--max-count", "3"}, "--deprovision suspend is for users"},
		{[]string{"plan", "--kind", "users", "--mapping", std}, "is a mapping of kind assets"},
		{[]string{"plan", "--kind", "devices"}, `--kind "devices": want "users" or "assets"`},
		{[]string{"mapping", "standard", "--kind", "assets", "--role", "25"}, "an assets mapping has neither"},
	} {
		r := tn.run(t, "", tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.err)
		assert.Contains(t, r.err, tc.want, tc.args)
	}
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()))

	// People first, so that devices can be assigned to them.
	require.Equal(t, exitOK, tn.run(t, "", "sync", "--role", "25").code)
	withSerial := 0
	for _, s := range tn.js.Systems() {
		if s.SerialNumber != "" {
			withSerial++
		}
	}
	require.Less(t, withSerial, 80, "the generated devices include some without a serial number")

	planFile := filepath.Join(dir, "assets-plan.json")
	r = tn.run(t, "", "plan", "--kind", "assets", "--out", planFile)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, "jcoom apply --kind assets "+planFile)
	assert.Contains(t, r.out, "serial_number")
	tn.os.ResetCalls()
	r = tn.run(t, "", "apply", "--kind", "assets", planFile)
	require.Equal(t, exitOK, r.code, r.err)
	assert.Equal(t, withSerial, tn.os.AssetCount())
	assigned := 0
	for _, a := range tn.os.Assets() {
		if a.AssignedTo != "" {
			assigned++
		}
	}
	assert.Positive(t, assigned, "devices are assigned to their people")

	// A rerun writes nothing.
	tn.os.ResetCalls()
	r = tn.run(t, "", "sync", "--kind", "assets")
	require.Equal(t, exitOK, r.code, r.err)
	assert.Contains(t, r.out, fmt.Sprintf("unchanged%14d", withSerial))
	assert.Zero(t, oomnitzaWrites(tn.os.Calls()))
	assert.Contains(t, r.out, "skipped")
	assert.NotContains(t, r.out, "saas users")

	// A device gone from JumpCloud is retired, within the threshold.
	var gone *jumpcloud.System
	for _, s := range tn.js.Systems() {
		if s.SerialNumber != "" {
			gone = s
			break
		}
	}
	require.NotNil(t, gone)
	require.True(t, tn.js.RemoveSystem(gone.ID))
	r = tn.run(t, "", "sync", "--kind", "assets", "--deprovision", "set:status=Retired", "--max-count", "2")
	require.Equal(t, exitOK, r.code, r.err)
	retired := 0
	for _, a := range tn.os.Assets() {
		if a.Status == "Retired" {
			retired++
		}
	}
	assert.Equal(t, 1, retired)
	assert.Contains(t, r.out, "deprovisioned         1")
}
