package presets_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	"github.com/jcoom/jcoom/presets"
)

func ExampleUnlockUser() {
	ctx := context.Background()
	srv := jumpcloudtest.NewServer()
	defer srv.Close()
	jc, _ := srv.Client()
	id := srv.AddUser(&jumpcloud.User{Username: "ada", Email: "ada@example.com"})
	srv.LockUser(id)

	res, _ := presets.UnlockUser(ctx, jc, id)
	fmt.Println(res.Status, "-", res.Reason)
	res, _ = presets.UnlockUser(ctx, jc, id) // repeatable: the goal holds
	fmt.Println(res.Status, "-", res.Reason)
	_, err := presets.UnlockUser(ctx, jc, "../organizations")
	fmt.Println(err)
	// Output:
	// applied - unlocked the account
	// noop - the account is not locked
	// presets: jump_cloud_user_id is "../organizations"; want a JumpCloud user id (24 lower-case hex characters)
}

func ExampleDeleteUser_identityGuard() {
	ctx := context.Background()
	srv := jumpcloudtest.NewServer()
	defer srv.Close()
	jc, _ := srv.Client()
	id := srv.AddUser(&jumpcloud.User{Username: "ada", Email: "ada@example.com"})

	// The id was copied onto Bob's record: the delete is refused.
	_, err := presets.DeleteUser(ctx, jc, id, presets.ForPerson(presets.Person{Email: "bob@example.com"}))
	fmt.Println(err != nil, srv.Len())
	// Output: true 1
}

func ExampleRunner_Run() {
	ctx := context.Background()
	jsrv := jumpcloudtest.NewServer()
	defer jsrv.Close()
	osrv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	defer osrv.Close()
	jc, _ := jsrv.Client()
	oc, _ := osrv.Client()
	rec, _ := osrv.AddRecord(oomnitza.Record{"username": "grace@example.com", "email": "grace@example.com",
		"first_name": "Grace", "last_name": "Hopper", "role": 25})

	run := presets.NewRunner(jc, oc)
	res, _ := run.Run(ctx, presets.NameCreateUser, rec, presets.DryRun())
	fmt.Println(res.Status, res.Request)
	res, _ = run.Run(ctx, presets.NameCreateUser, rec)
	u, _ := osrv.User(rec)
	fmt.Println(res.Status, "; id written back:", u.CustomString("jump_cloud_user_id") == res.UserID)
	res, _ = run.Run(ctx, presets.NameCreateUser, rec)
	fmt.Println(res.Status, "; JumpCloud users:", jsrv.Len())
	res, _ = run.Run(ctx, presets.NameUserRole, rec)
	fmt.Println(res.Status, res.Role, len(res.WriteBack), "changes")
	// Output:
	// dryrun POST /api/systemusers
	// applied ; id written back: true
	// noop ; JumpCloud users: 1
	// applied User 3 changes
}

func ExampleAll() {
	for _, p := range presets.All() {
		fmt.Println(p.Name(), p.Request())
	}
	// Output:
	// jumpcloud.create_user POST /api/systemusers
	// jumpcloud.delete_user DELETE /api/systemusers/{{jump_cloud_user_id}}
	// jumpcloud.unlock_user POST /api/systemusers/{{jump_cloud_user_id}}/unlock
	// jumpcloud.expire_password POST /api/systemusers/{{jump_cloud_user_id}}/expire
	// jumpcloud.user_role GET /api/systemusers/{{jump_cloud_user_id}}
}

// Suggest says what needs attention about one JumpCloud user, and the
// preset that fixes it.
func ExampleSuggest() {
	user := map[string]any{"username": "ada", "state": "ACTIVATED", "activated": true,
		"account_locked": true, "account_locked_date": "2026-11-29T09:00:00Z", "badLoginAttempts": float64(6),
		"password_expired": false, "password_expiration_date": "2026-12-09T09:00:00Z",
		"mfa": map[string]any{"configured": true}, "admin": nil}
	sugs, err := presets.Suggest(user, presets.At(time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sugs {
		fmt.Printf("%s: %s -> %s\n", s.Finding, s.Detail, s.Preset)
	}
	// Output:
	// locked: locked for 3 days after 6 bad logins -> jumpcloud.unlock_user
	// password_expiring: the password expires in 7 days -> jumpcloud.expire_password
}
