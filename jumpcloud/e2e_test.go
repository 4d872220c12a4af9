package jumpcloud_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

// fastBackoff keeps retry pauses short in tests against the fake.
var fastBackoff = jumpcloud.WithBackoff(time.Millisecond, 10*time.Millisecond)

func fakeClient(t *testing.T, srvOpts []jumpcloudtest.Option, opts ...jumpcloud.Option) (*jumpcloudtest.Server, *jumpcloud.Client) {
	t.Helper()
	srv := jumpcloudtest.NewServer(srvOpts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(append([]jumpcloud.Option{fastBackoff}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

func collect(t *testing.T, seq func(func(*jumpcloud.User, error) bool)) []*jumpcloud.User {
	t.Helper()
	var out []*jumpcloud.User
	for u, err := range seq {
		require.NoError(t, err)
		out = append(out, u)
	}
	return out
}

func ids(us []*jumpcloud.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func TestEndToEndUserLifecycle(t *testing.T) {
	srv, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithOrgID("abcdefabcdefabcdefabcdef")})
	ctx := t.Context()

	u, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{
		Username: "ada", Email: "ada@example.com", Firstname: "Ada", Lastname: "Lovelace",
		Password: "Corr3ct-Horse!", Attributes: []jumpcloud.Attribute{{Name: "costCenter", Value: "42"}},
	})
	require.NoError(t, err)
	require.NoError(t, jumpcloud.ValidateID(u.ID))
	assert.Equal(t, jumpcloud.StateActivated, u.State)
	assert.False(t, u.Created.IsZero())
	assert.True(t, u.Activated)
	assert.Nil(t, u.Admin)

	_, err = c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada2", Email: "ADA@example.com"})
	require.ErrorIs(t, err, jumpcloud.ErrConflict, "duplicate email")
	_, err = c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada", Email: "other@example.com"})
	require.ErrorIs(t, err, jumpcloud.ErrConflict, "duplicate username")

	got, err := c.Users.Get(ctx, u.ID)
	require.NoError(t, err)
	assert.Equal(t, u.Email, got.Email)

	upd, err := c.Users.Update(ctx, u.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("CTO"), Suspended: jumpcloud.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "CTO", upd.JobTitle)
	assert.True(t, upd.Suspended)
	assert.Equal(t, jumpcloud.StateSuspended, upd.State)
	upd, err = c.Users.Update(ctx, u.ID, &jumpcloud.UserUpdateRequest{State: jumpcloud.Ptr(jumpcloud.StateActivated)})
	require.NoError(t, err)
	assert.False(t, upd.Suspended)

	require.True(t, srv.LockUser(u.ID))
	locked, _ := c.Users.Get(ctx, u.ID)
	assert.True(t, locked.AccountLocked)
	assert.False(t, locked.AccountLockedDate.IsZero())
	require.NoError(t, c.Users.Unlock(ctx, u.ID))
	unlocked, _ := c.Users.Get(ctx, u.ID)
	assert.False(t, unlocked.AccountLocked)
	assert.True(t, unlocked.AccountLockedDate.IsZero())

	require.NoError(t, c.Users.ExpirePassword(ctx, u.ID))
	expired, _ := c.Users.Get(ctx, u.ID)
	assert.True(t, expired.PasswordExpired)

	require.NoError(t, c.Users.ResetMFA(ctx, u.ID, &jumpcloud.ResetMFARequest{Exclusion: true, ExclusionDays: 3}))
	mfa, _ := c.Users.Get(ctx, u.ID)
	require.NotNil(t, mfa.MFA)
	assert.Equal(t, 3, mfa.MFA.ExclusionDays)

	staged, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "grace", Email: "grace@example.com", State: jumpcloud.StateStaged})
	require.NoError(t, err)
	assert.Equal(t, jumpcloud.StateStaged, staged.State)
	require.NoError(t, c.Users.Activate(ctx, staged.ID, jumpcloud.SendEmail(false)))
	act, _ := c.Users.Get(ctx, staged.ID)
	assert.Equal(t, jumpcloud.StateActivated, act.State)

	byEmail, err := c.Users.GetByEmail(ctx, "grace@example.com")
	require.NoError(t, err)
	assert.Equal(t, staged.ID, byEmail.ID)
	byName, err := c.Users.GetByUsername(ctx, "ada")
	require.NoError(t, err)
	assert.Equal(t, u.ID, byName.ID)

	deleted, err := c.Users.Delete(ctx, u.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "ada", deleted.Username)
	_, err = c.Users.Get(ctx, u.ID)
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)
	require.ErrorIs(t, c.Users.Unlock(ctx, u.ID), jumpcloud.ErrNotFound)
	_, err = c.Users.Delete(ctx, u.ID, nil)
	require.ErrorIs(t, err, jumpcloud.ErrNotFound)

	calls := srv.Calls()
	assert.Equal(t, 4, calls["POST /api/systemusers"])
	assert.Equal(t, 2, calls["POST /api/systemusers/{id}/unlock"])
}

func TestEndToEndManagerDeleteNeedsCascade(t *testing.T) {
	_, c := fakeClient(t, nil)
	ctx := t.Context()
	boss, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "boss", Email: "boss@example.com"})
	require.NoError(t, err)
	rep, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "rep", Email: "rep@example.com", Manager: boss.ID})
	require.NoError(t, err)
	_, err = c.Users.Delete(ctx, boss.ID, nil)
	require.ErrorIs(t, err, jumpcloud.ErrConflict)
	_, err = c.Users.Delete(ctx, boss.ID, &jumpcloud.DeleteOptions{CascadeManager: true})
	require.NoError(t, err)
	after, err := c.Users.Get(ctx, rep.ID)
	require.NoError(t, err)
	assert.Empty(t, after.Manager)
}

func TestEndToEndAdmins(t *testing.T) {
	users := jumpcloudtest.GenerateUsers(20, 7)
	_, c := fakeClient(t, []jumpcloudtest.Option{
		jumpcloudtest.WithUsers(users...),
		jumpcloudtest.WithAdmins(&jumpcloud.Admin{Email: users[3].Email, Firstname: "Ops", RoleName: "Help Desk"},
			&jumpcloud.Admin{Email: "root@example.com", RoleName: "Administrator With Billing"}),
		jumpcloudtest.WithOrgID("abcdefabcdefabcdefabcdef"),
	})
	var admins []*jumpcloud.Admin
	for a, err := range c.Admins.All(t.Context(), nil) {
		require.NoError(t, err)
		admins = append(admins, a)
	}
	require.Len(t, admins, 2)
	u, err := c.Users.Get(t.Context(), users[3].ID)
	require.NoError(t, err)
	require.NotNil(t, u.Admin)
	assert.Equal(t, "Help Desk", u.Admin.RoleName)
	a, err := c.Admins.GetByEmail(t.Context(), "root@example.com")
	require.NoError(t, err)
	assert.Equal(t, "Administrator With Billing", a.RoleName)
}

func TestEndToEndListFiltersSortFields(t *testing.T) {
	users := jumpcloudtest.GenerateUsers(300, 42)
	_, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithUsers(users...)})
	ctx := t.Context()

	all := collect(t, c.Users.All(ctx, nil))
	require.Len(t, all, 300)
	assert.True(t, slices.IsSorted(ids(all)), "default order is _id")
	assert.Equal(t, ids(users), ids(all))

	var wantSuspended int
	for _, u := range users {
		if u.State == jumpcloud.StateSuspended {
			wantSuspended++
		}
	}
	susp := collect(t, c.Users.All(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Eq("state", jumpcloud.StateSuspended)}}))
	assert.Len(t, susp, wantSuspended)
	for _, u := range susp {
		assert.True(t, u.Suspended)
	}

	page, err := c.Users.List(ctx, &jumpcloud.ListOptions{Limit: 5, Sort: []string{"-username"}, Fields: []string{"username"}})
	require.NoError(t, err)
	assert.Equal(t, 300, page.TotalCount)
	require.Len(t, page.Users, 5)
	assert.True(t, slices.IsSortedFunc(page.Users, func(a, b *jumpcloud.User) int { return -cmpStr(a.Username, b.Username) }))
	assert.Empty(t, page.Users[0].Email, "fields limits the reply")
	assert.NotEmpty(t, page.Users[0].ID)

	it := collect(t, c.Users.All(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.In("department", "IT", "Security"), jumpcloud.StartsWith("username", "a")}}))
	for _, u := range it {
		assert.Contains(t, []string{"IT", "Security"}, u.Department)
		assert.Equal(t, byte('a'), u.Username[0])
	}
	cut := users[150].Created.Time
	newer := collect(t, c.Users.All(ctx, &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Gt("created", cut)}}))
	assert.Len(t, newer, 149)
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestAllIteratorSemantics(t *testing.T) {
	users := jumpcloudtest.GenerateUsers(250, 1)
	srv, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithUsers(users...)})
	ctx := t.Context()
	opts := &jumpcloud.ListOptions{Limit: 20, Filter: jumpcloud.Filters{jumpcloud.Ne("username", "nobody-has-this")}}
	before := *opts

	t.Run("lazy", func(t *testing.T) {
		srv.ResetCalls()
		seq := c.Users.All(ctx, opts)
		assert.Empty(t, srv.Calls(), "no request until ranged")
		_ = seq
	})
	t.Run("early break stops fetching", func(t *testing.T) {
		srv.ResetCalls()
		n := 0
		for _, err := range c.Users.All(ctx, opts) {
			require.NoError(t, err)
			n++
			if n == 25 {
				break
			}
		}
		assert.Equal(t, 2, srv.Calls()["GET /api/systemusers"])
	})
	t.Run("re-iterable", func(t *testing.T) {
		seq := c.Users.All(ctx, opts)
		a, b := collect(t, seq), collect(t, seq)
		assert.Len(t, a, 250)
		assert.Equal(t, ids(a), ids(b))
		assert.Equal(t, before, *opts, "options not mutated")
	})
	t.Run("error on page N is yielded once then stops", func(t *testing.T) {
		srv.ResetCalls()
		// Pages 1 and 2 succeed; page 3 gets a 500 (not retried).
		srv.Inject("GET /api/systemusers", jumpcloudtest.FaultNone, jumpcloudtest.FaultNone, jumpcloudtest.Fault500)
		var n, errs int
		for u, err := range c.Users.All(ctx, opts) {
			if err != nil {
				errs++
				assert.Nil(t, u)
				var e *jumpcloud.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, 500, e.StatusCode)
				continue // a well-behaved caller would stop; the sequence must stop anyway
			}
			n++
		}
		assert.Equal(t, 40, n)
		assert.Equal(t, 1, errs)
		assert.Equal(t, 3, srv.Calls()["GET /api/systemusers"])
	})
	t.Run("concurrent pages keep order", func(t *testing.T) {
		srv.ResetCalls()
		copts := *opts
		copts.Concurrency = 4
		got := collect(t, c.Users.All(ctx, &copts))
		assert.Equal(t, ids(users), ids(got))
		assert.Equal(t, 13, srv.Calls()["GET /api/systemusers"])
	})
	t.Run("concurrent early break leaves no goroutines working", func(t *testing.T) {
		copts := *opts
		copts.Concurrency = 8
		n := 0
		for _, err := range c.Users.All(ctx, &copts) {
			require.NoError(t, err)
			if n++; n == 30 {
				break
			}
		}
		assert.Equal(t, 30, n)
	})
	t.Run("concurrent error", func(t *testing.T) {
		// A server of its own: requests cancelled by the early break above
		// may still arrive late and would consume scripted faults.
		srv, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithUsers(users...)})
		copts := *opts
		copts.Concurrency = 3
		srv.Inject("GET /api/systemusers", jumpcloudtest.FaultNone, jumpcloudtest.FaultNone, jumpcloudtest.Fault500)
		var errs int
		for _, err := range c.Users.All(ctx, &copts) {
			if err != nil {
				errs++
			}
		}
		assert.Equal(t, 1, errs)
	})
}

func TestAllDeduplicatesWhenPagesShift(t *testing.T) {
	users := jumpcloudtest.GenerateUsers(60, 3)
	srv, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithUsers(users[4:]...)})
	seen := map[string]int{}
	n := 0
	for u, err := range c.Users.All(t.Context(), &jumpcloud.ListOptions{Limit: 10}) {
		require.NoError(t, err)
		seen[u.ID]++
		n++
		if n == 5 {
			// Users sorted before the cursor appear mid-iteration and shift
			// every later page forward: page 2 starts with 4 users page 1
			// yielded.
			for _, u := range users[:4] {
				srv.AddUser(u)
			}
		}
	}
	assert.Len(t, seen, 56, "every user that was there from the start")
	for id, k := range seen {
		assert.Equal(t, 1, k, "user %s yielded %d times", id, k)
	}
}

func TestAllRefusesAPageOfRepeatsAsIncomplete(t *testing.T) {
	// A whole page of users already read is what a server that ignores
	// skip sends; a listing that goes on from it could run forever, and
	// one that stops would be silently short.
	users := jumpcloudtest.GenerateUsers(60, 3)
	srv, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithUsers(users[10:]...)})
	n := 0
	var last error
	for _, err := range c.Users.All(t.Context(), &jumpcloud.ListOptions{Limit: 10}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 5 {
			for _, u := range users[:10] {
				srv.AddUser(u)
			}
		}
	}
	require.ErrorIs(t, last, jumpcloud.ErrIncompleteList)
	assert.Contains(t, last.Error(), "offset 10")
	assert.Equal(t, 10, n)
}

func TestCreateNeverDuplicatesOnLostResponses(t *testing.T) {
	srv, c := fakeClient(t, nil, jumpcloud.WithRetries(3))
	ctx := t.Context()
	const n = 20
	// Every other create is committed, then its response is lost; some
	// others fail with a 503 before committing.
	for i := range n {
		switch i % 4 {
		case 0, 1:
			srv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop)
		case 2:
			srv.Inject("POST /api/systemusers", jumpcloudtest.Fault503)
		}
		u, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: fmt.Sprintf("user%02d", i), Email: fmt.Sprintf("user%02d@example.com", i)})
		require.NoError(t, err, "create %d", i)
		assert.Equal(t, fmt.Sprintf("user%02d", i), u.Username)
	}
	assert.Equal(t, n, srv.Len(), "exactly N users")
	assert.Greater(t, srv.Calls()["GET /api/systemusers"], 0, "look-ups happened")
}

func TestCreateWithRandomFaults(t *testing.T) {
	srv, c := fakeClient(t, []jumpcloudtest.Option{jumpcloudtest.WithFaults(0.3, 99,
		jumpcloudtest.FaultCommitThenDrop, jumpcloudtest.Fault503, jumpcloudtest.Fault502, jumpcloudtest.FaultReset)},
		jumpcloud.WithRetries(10))
	ctx := t.Context()
	const n = 40
	created := 0
	for i := range n {
		_, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: fmt.Sprintf("u%02d", i), Email: fmt.Sprintf("u%02d@example.com", i)})
		if err == nil {
			created++
		}
	}
	assert.Equal(t, created, srv.Len(), "every user reported as created exists once, and nothing else")
	assert.GreaterOrEqual(t, created, n-4)
}

func TestFakeLimitAbove100IsTheDocumented400(t *testing.T) {
	srv, c := fakeClient(t, nil)
	_ = c
	resp, err := httpGet(srv.URL+"/api/systemusers?limit=101", srv.APIKey())
	require.NoError(t, err)
	assert.Equal(t, 400, resp.status)
	assert.JSONEq(t, `{"message":"Bad Request: request parameter \"limit\" exceeds maximum value of 100"}`, resp.body)
}

// TestSecretCanary runs a session full of failures and checks the API key
// never shows in logs, errors or formatted values.
func TestSecretCanary(t *testing.T) {
	const canary = "CANARY-jc-key-7f3a9b"
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithAPIKey(canary), jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(30, 5)...),
		jumpcloudtest.WithFaults(0.4, 1, jumpcloudtest.Fault500, jumpcloudtest.Fault503, jumpcloudtest.FaultReset, jumpcloudtest.FaultCommitThenDrop))
	defer srv.Close()
	c, err := srv.Client(jumpcloud.WithLogger(log), jumpcloud.WithRetries(2), fastBackoff)
	require.NoError(t, err)
	bad, err := jumpcloud.NewClient("wrong-"+canary, jumpcloud.WithBaseURL(srv.URL), jumpcloud.WithLogger(log))
	require.NoError(t, err)

	var texts []string
	record := func(v ...any) {
		for _, x := range v {
			texts = append(texts, fmt.Sprintf("%v|%+v|%#v", x, x, x))
		}
	}
	ctx := t.Context()
	for i := range 10 {
		_, err := c.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: fmt.Sprint("c", i), Email: fmt.Sprint("c", i, "@example.com"), Password: jumpcloud.Password(canary)})
		record(err)
		_, err = c.Users.Get(ctx, "ffffffffffffffffffffffff")
		record(err)
		for _, err := range c.Users.All(ctx, nil) {
			record(err)
		}
		_, err = bad.Users.List(ctx, nil)
		record(err)
	}
	record(c, *c, bad, c.Users)
	for _, s := range append(texts, logs.String()) {
		require.NotContains(t, s, canary)
	}
	assert.NotEmpty(t, logs.String())
}

// handlerTransport serves requests from a handler in-process, so a fake
// can run inside a synctest bubble (no socket, fake time).
type handlerTransport struct{ h http.Handler }

func (h handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	h.h.ServeHTTP(rec, r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// The fake's token bucket answers 429 with Retry-After; the client pauses
// for it and every user arrives. Time is the bubble's, so the pattern of
// 429s is exact, not a function of how fast the machine is.
func TestRateLimitedFakeIsHandled(t *testing.T) {
	users := jumpcloudtest.GenerateUsers(60, 9)
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(users...), jumpcloudtest.WithRateLimit(2, 2))
	defer srv.Close()
	synctest.Test(t, func(t *testing.T) {
		c, err := srv.Client(jumpcloud.WithHTTPClient(&http.Client{Transport: handlerTransport{srv.Handler()}}))
		require.NoError(t, err)
		start := time.Now()
		got := collect(t, c.Users.All(t.Context(), &jumpcloud.ListOptions{Limit: 10}))
		assert.Equal(t, ids(users), ids(got))
		// 6 pages at 2 per second with a burst of 2: pages 1-2 pass, page 3
		// meets a 429 with Retry-After: 1, the client pauses 1 s (two tokens
		// back), pages 3-4 pass, page 5 meets a 429, and so on.
		assert.Equal(t, 8, srv.Calls()["GET /api/systemusers"])
		assert.Equal(t, 2*time.Second, time.Since(start))
	})
}
