package jumpcloud_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

func ExampleNewClient() {
	jc, err := jumpcloud.NewClient("my-api-key",
		jumpcloud.WithBaseURL(jumpcloud.EUBaseURL),
		jumpcloud.WithOrgID("5f0c1b2a3d4e5f6a7b8c9d0e"),
		jumpcloud.WithRateLimit(10, 5))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(jc.BaseURL())
	// Output: https://console.eu.jumpcloud.com
}

func ExampleUsersService_All() {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(250, 1)...))
	defer srv.Close()
	jc, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	n := 0
	for u, err := range jc.Users.All(ctx, &jumpcloud.ListOptions{
		Filter: jumpcloud.Filters{jumpcloud.Eq("department", "Engineering"), jumpcloud.Eq("suspended", false)},
	}) {
		if err != nil {
			log.Fatal(err)
		}
		if n < 3 {
			fmt.Println(u.Username, "-", u.JobTitle)
		}
		n++
	}
	fmt.Println(n, "active engineers")
	// Output:
	// oluwadamilare.ivanov - SRE
	// wei.torvalds - Senior Software Engineer
	// luca.eze - SRE
	// 18 active engineers
}

func ExampleUsersService_Create() {
	srv := jumpcloudtest.NewServer()
	defer srv.Close()
	jc, _ := srv.Client()
	ctx := context.Background()

	u, err := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{
		Username: "ada", Email: "ada@example.com", Firstname: "Ada", Lastname: "Lovelace",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Username, u.State)

	_, err = jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada", Email: "other@example.com"})
	fmt.Println(errors.Is(err, jumpcloud.ErrConflict))
	// Output:
	// ada ACTIVATED
	// true
}

func ExampleUsersService_Update() {
	srv := jumpcloudtest.NewServer()
	defer srv.Close()
	jc, _ := srv.Client()
	ctx := context.Background()
	u, _ := jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com", JobTitle: "Analyst"})

	// Pointers make it possible to send false and "".
	u, err := jc.Users.Update(ctx, u.ID, &jumpcloud.UserUpdateRequest{
		JobTitle: jumpcloud.Ptr("CTO"), Suspended: jumpcloud.Ptr(true),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.JobTitle, u.Suspended, u.State)
	// Output: CTO true SUSPENDED
}

func ExampleError() {
	srv := jumpcloudtest.NewServer()
	defer srv.Close()
	jc, _ := srv.Client()
	_, err := jc.Users.Get(context.Background(), "65a1b2c3d4e5f60718293a4b")
	var apiErr *jumpcloud.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message)
	}
	fmt.Println(errors.Is(err, jumpcloud.ErrNotFound))
	// Output:
	// 404 User not found
	// true
}

func ExampleFilter() {
	fmt.Println(jumpcloud.Eq("email", "ada@example.com"))
	fmt.Println(jumpcloud.In("state", jumpcloud.StateStaged, jumpcloud.StateSuspended))
	fmt.Println(jumpcloud.Lte("password_expiration_date", "2026-12-31"))
	// Output:
	// email:$eq:ada@example.com
	// state:$in:STAGED|SUSPENDED
	// password_expiration_date:$lte:2026-12-31
}
