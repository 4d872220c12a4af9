package oomnitza_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func ExampleNewClient() {
	oc, err := oomnitza.NewClient("https://acme.oomnitza.com", "my-token", oomnitza.WithNotTriggerWorkflows(true))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(oc.BaseURL())
	// Output: https://acme.oomnitza.com
}

func ExampleUsersService_Create() {
	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	defer srv.Close()
	oc, _ := srv.Client()
	ctx := context.Background()

	u, err := oc.Users.Create(ctx, oomnitza.Record{
		"username": "ada@acme.com", "email": "ada@acme.com", "first_name": "Ada", "role": 25,
		"jump_cloud_user_id": "65a1b2c3d4e5f60718293a4b",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Username, u.Role, u.CustomString("jump_cloud_user_id"))

	// jump_cloud_user_id is unique: a second user cannot take the same id.
	_, err = oc.Users.Create(ctx, oomnitza.Record{"username": "eve@acme.com", "role": 25, "jump_cloud_user_id": "65a1b2c3d4e5f60718293a4b"})
	fmt.Println(errors.Is(err, oomnitza.ErrConflict))
	// Output:
	// ada@acme.com 25 65a1b2c3d4e5f60718293a4b
	// true
}

func ExampleUsersService_All() {
	srv := oomnitzatest.NewServer(oomnitzatest.WithRecords(
		oomnitza.Record{"username": "ada@acme.com", "role": 25, "position": "CTO"},
		oomnitza.Record{"username": "bob@acme.com", "role": 25, "suspended": true},
		oomnitza.Record{"username": "cy@other.org", "role": 25},
	))
	defer srv.Close()
	oc, _ := srv.Client()
	for u, err := range oc.Users.All(context.Background(), &oomnitza.ListOptions{
		Filter: oomnitza.And(oomnitza.Like("username", "%@acme.com"), oomnitza.Eq("suspended", false)),
		Fields: []string{"username", "position"},
	}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.Username, u.Position)
	}
	// Output: ada@acme.com CTO
}

func ExampleUsersService_Fields() {
	srv := oomnitzatest.NewServer(oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField()))
	defer srv.Close()
	oc, _ := srv.Client()
	fields, err := oc.Users.Fields(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range fields {
		if f.Unique {
			fmt.Printf("%s (%s) unique\n", f.ExternalID, f.Label)
		}
	}
	// Output:
	// email (Email) unique
	// jump_cloud_user_id (JumpCloud User Id) unique
	// user_id (User ID) unique
	// username (Username) unique
}

func ExampleFilter() {
	f := oomnitza.And(oomnitza.Eq("email", `o"brien@acme.com`), oomnitza.Or(oomnitza.IsNull("jump_cloud_user_id"), oomnitza.Gt("role", 1)))
	fmt.Println(f)
	// Output: email eq "o\"brien@acme.com" and (jump_cloud_user_id is null or role gt 1)
}

func ExampleSaaSService() {
	srv := oomnitzatest.NewServer()
	defer srv.Close()
	oc, _ := srv.Client()
	ctx := context.Background()
	u, _ := oc.Users.Create(ctx, oomnitza.Record{"username": "ada@acme.com", "role": 25})

	app, err := oc.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: "JumpCloud"})
	if err != nil {
		log.Fatal(err)
	}
	_ = oc.SaaS.AssignUsers(ctx, app.SaaSID, oomnitza.Assignment{UserID: u.UserID, Assign: true})
	_ = oc.SaaS.SetUserExternalID(ctx, app.SaaSID, u.UserID, "65a1b2c3d4e5f60718293a4b")
	_ = oc.SaaS.SetUserRoles(ctx, app.SaaSID, u.UserID, oomnitza.RoleRef{ExternalID: "Administrator"})
	for su, err := range oc.SaaS.Users(ctx, app.SaaSID) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(su.Username, su.UserExternalID, su.Roles.RoleExternalLabel)
	}
	// Output: ada@acme.com 65a1b2c3d4e5f60718293a4b Administrator
}
