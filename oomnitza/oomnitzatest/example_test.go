package oomnitzatest_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

// A fake instance with the "JumpCloud User Id" custom field: unique, as
// a sync key must be.
func ExampleNewServer() {
	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	defer srv.Close()
	oc, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	rec := oomnitza.Record{"username": "ada@acme.com", "email": "ada@acme.com", "role": 25, "jump_cloud_user_id": "65a1b2c3d4e5f60718293a4b"}
	if _, err := oc.Users.Create(ctx, rec); err != nil {
		log.Fatal(err)
	}
	rec["username"], rec["email"] = "someone@acme.com", "someone@acme.com"
	_, err = oc.Users.Create(ctx, rec)
	fmt.Println(srv.Len(), errors.Is(err, oomnitza.ErrConflict), srv.Calls()["POST /api/v3/users"])
	// Output: 1 true 2
}

// A lost reply: the fake commits the create, then drops the response;
// the client finds the user instead of creating it twice.
func ExampleServer_Inject() {
	srv := oomnitzatest.NewServer()
	defer srv.Close()
	oc, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Inject("POST /api/v3/users", oomnitzatest.FaultCommitThenDrop); err != nil {
		log.Fatal(err)
	}
	u, err := oc.Users.Create(context.Background(), oomnitza.Record{"username": "ada@acme.com", "email": "ada@acme.com", "role": 25})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Username, srv.Len())
	// Output: ada@acme.com 1
}
