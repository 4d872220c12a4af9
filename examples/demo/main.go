// Command demo runs the jcoom SDK end to end against in-memory fakes: no
// credentials and no network beyond loopback. It grows with every part of
// the SDK; today it shows the JumpCloud client against jumpcloudtest.
//
//	go run ./examples/demo
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	users := jumpcloudtest.GenerateUsers(1000, 2026)
	srv := jumpcloudtest.NewServer(
		jumpcloudtest.WithUsers(users...),
		jumpcloudtest.WithAdmins(
			&jumpcloud.Admin{Email: users[0].Email, Firstname: users[0].Firstname, Lastname: users[0].Lastname, RoleName: "Administrator With Billing"},
			&jumpcloud.Admin{Email: "helpdesk@example.com", Firstname: "Help", Lastname: "Desk", RoleName: "Help Desk"},
		),
		jumpcloudtest.WithLatency(2*time.Millisecond),
		// A flaky network: the client retries these transparently.
		jumpcloudtest.WithFaults(0.05, 7, jumpcloudtest.Fault502, jumpcloudtest.Fault503, jumpcloudtest.FaultReset),
	)
	defer srv.Close()
	jc, err := srv.Client(jumpcloud.WithRateLimit(500, 20), jumpcloud.WithBackoff(5*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		return err
	}
	say("== jcoom demo: fake JumpCloud at %s with %d users ==", srv.URL, srv.Len())

	// 1. Stream every user, pages fetched 4 at a time, in _id order.
	start := time.Now()
	states := map[jumpcloud.State]int{}
	var locked, expired int
	for u, err := range jc.Users.All(ctx, &jumpcloud.ListOptions{Concurrency: 4}) {
		if err != nil {
			return fmt.Errorf("listing users: %w", err)
		}
		states[u.State]++
		if u.AccountLocked {
			locked++
		}
		if u.PasswordExpired {
			expired++
		}
	}
	say("\n1. Users.All (concurrency 4) read %d users in %s despite injected 502/503/resets",
		states[jumpcloud.StateActivated]+states[jumpcloud.StateStaged]+states[jumpcloud.StateSuspended], time.Since(start).Round(time.Millisecond))
	for _, st := range []jumpcloud.State{jumpcloud.StateActivated, jumpcloud.StateStaged, jumpcloud.StateSuspended} {
		say("   %-9s %4d", st, states[st])
	}
	say("   locked accounts: %d, expired passwords: %d", locked, expired)

	// 2. Typed filters, evaluated by the server.
	page, err := jc.Users.List(ctx, &jumpcloud.ListOptions{Limit: 3, Fields: []string{"username", "jobTitle", "department"},
		Filter: jumpcloud.Filters{jumpcloud.Eq("department", "Security"), jumpcloud.Eq("state", jumpcloud.StateActivated)}})
	if err != nil {
		return err
	}
	say("\n2. Filter department=Security, state=ACTIVATED: %d match; first %d:", page.TotalCount, len(page.Users))
	for _, u := range page.Users {
		say("   %-28s %s", u.Username, u.JobTitle)
	}

	// 3. A create whose response is lost never duplicates the user.
	srv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop)
	before := srv.Len()
	ada, err := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{
		Username: "ada.lovelace.demo", Email: "ada.lovelace.demo@example.com", Firstname: "Ada", Lastname: "Lovelace",
		JobTitle: "Analyst", State: jumpcloud.StateStaged,
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	say("\n3. Create with a lost response: user %s (%s), users %d -> %d (exactly one more)", ada.Username, ada.ID, before, srv.Len())

	// 4. The user workflow actions.
	if err := jc.Users.Activate(ctx, ada.ID, jumpcloud.SendEmail(false)); err != nil {
		return err
	}
	ada, err = jc.Users.Update(ctx, ada.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Chief Analyst")})
	if err != nil {
		return err
	}
	say("\n4. Activate + Update: state %s, job title %q", ada.State, ada.JobTitle)
	srv.LockUser(ada.ID)
	if err := jc.Users.Unlock(ctx, ada.ID); err != nil {
		return err
	}
	if err := jc.Users.ExpirePassword(ctx, ada.ID); err != nil {
		return err
	}
	ada, err = jc.Users.Get(ctx, ada.ID)
	if err != nil {
		return err
	}
	say("   Unlock: account_locked=%v   ExpirePassword: password_expired=%v", ada.AccountLocked, ada.PasswordExpired)

	// 5. Roles: the admin object on a system user, and the administrators list.
	boss, err := jc.Users.GetByEmail(ctx, users[0].Email)
	if err != nil {
		return err
	}
	role := "User"
	if boss.Admin != nil {
		role = boss.Admin.RoleName
	}
	say("\n5. %s is also a console administrator: role %q", boss.Email, role)
	for a, err := range jc.Admins.All(ctx) {
		if err != nil {
			return err
		}
		say("   admin %-34s %s", a.Email, a.RoleName)
	}

	// 6. Delete returns the deleted user; later calls see ErrNotFound.
	gone, err := jc.Users.Delete(ctx, ada.ID, nil)
	if err != nil {
		return err
	}
	_, err = jc.Users.Get(ctx, ada.ID)
	say("\n6. Deleted %s; Get now fails with ErrNotFound: %v", gone.Username, errors.Is(err, jumpcloud.ErrNotFound))

	// 7. Bad input is refused before anything is sent.
	_, err = jc.Users.Get(ctx, "not-an-id")
	say("\n7. Bad input, nothing sent:\n   %v", err)
	_, err = jc.Users.List(ctx, &jumpcloud.ListOptions{Limit: 500})
	say("   %v", err)

	calls := srv.Calls()
	say("\nAPI calls by route (retries included):")
	for _, k := range slices.Sorted(maps.Keys(calls)) {
		say("   %-45s %4d", k, calls[k])
	}
	say("\nNext to land here: the Oomnitza client, mapping, presets and sync.")
	return nil
}
