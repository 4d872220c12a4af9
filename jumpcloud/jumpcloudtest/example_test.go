package jumpcloudtest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

func ExampleNewServer() {
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(42, 7)...))
	defer srv.Close()
	jc, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	page, err := jc.Users.List(context.Background(), &jumpcloud.ListOptions{Limit: 5})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.TotalCount, len(page.Users), srv.Calls()["GET /api/systemusers"])
	// Output: 42 5 1
}

func ExampleServer_Inject() {
	srv := jumpcloudtest.NewServer()
	defer srv.Close()
	jc, _ := srv.Client(jumpcloud.WithRetries(3))
	// The next create is committed, then its response is lost: the client
	// finds the user by username instead of creating it twice.
	srv.Inject("POST /api/systemusers", jumpcloudtest.FaultCommitThenDrop)
	u, err := jc.Users.Create(context.Background(), &jumpcloud.UserCreateRequest{Username: "ada", Email: "ada@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Username, srv.Len())
	// Output: ada 1
}
