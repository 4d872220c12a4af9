package presets_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

// env is a JumpCloud fake and an Oomnitza fake whose People records are
// linked to the JumpCloud users by jump_cloud_user_id.
type env struct {
	jsrv *jumpcloudtest.Server
	osrv *oomnitzatest.Server
	jc   *jumpcloud.Client
	oc   *oomnitza.Client
	// users are the JumpCloud users, in id order; recs[i] is the Oomnitza
	// record of users[i].
	users []*jumpcloud.User
	recs  []string
}

type envOpts struct {
	jc []jumpcloudtest.Option
	oo []oomnitzatest.Option
}

func newEnv(t testing.TB, n int, o envOpts) *env {
	t.Helper()
	jsrv := jumpcloudtest.NewServer(append([]jumpcloudtest.Option{jumpcloudtest.WithGeneratedUsers(n, 11)}, o.jc...)...)
	t.Cleanup(jsrv.Close)
	osrv := oomnitzatest.NewServer(append([]oomnitzatest.Option{oomnitzatest.WithField(oomnitzatest.JumpCloudUserIDField())}, o.oo...)...)
	t.Cleanup(osrv.Close)
	jc, err := jsrv.Client(jumpcloud.WithBackoff(time.Millisecond, 5*time.Millisecond), jumpcloud.WithRetries(8))
	if err != nil {
		t.Fatal(err)
	}
	oc, err := osrv.Client(oomnitza.WithBackoff(time.Millisecond, 5*time.Millisecond), oomnitza.WithRetries(8))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{jsrv: jsrv, osrv: osrv, jc: jc, oc: oc, users: jsrv.Users()}
	for _, u := range e.users {
		id, err := osrv.AddRecord(oomnitza.Record{"username": u.Email, "email": u.Email, "first_name": u.Firstname,
			"last_name": u.Lastname, "role": 25, "jump_cloud_user_id": u.ID})
		if err != nil {
			t.Fatal(err)
		}
		e.recs = append(e.recs, id)
	}
	jsrv.ResetCalls()
	osrv.ResetCalls()
	return e
}

// addRecord adds an unlinked Oomnitza record.
func (e *env) addRecord(t testing.TB, rec oomnitza.Record) string {
	t.Helper()
	if rec["role"] == nil {
		rec["role"] = 25
	}
	id, err := e.osrv.AddRecord(rec)
	if err != nil {
		t.Fatal(err)
	}
	e.osrv.ResetCalls()
	return id
}

// writes counts the requests that are not GETs.
func writes(calls map[string]int) int {
	n := 0
	for k, v := range calls {
		if !strings.HasPrefix(k, "GET ") {
			n += v
		}
	}
	return n
}

func total(calls map[string]int) int {
	n := 0
	for _, v := range calls {
		n += v
	}
	return n
}

func record(t testing.TB, e *env, id string) *oomnitza.User {
	t.Helper()
	u, ok := e.osrv.User(id)
	if !ok {
		t.Fatalf("Oomnitza user %s is gone", id)
	}
	return u
}

// nonManagers returns the users who manage nobody (JumpCloud refuses to
// delete a manager without cascade_manager).
func nonManagers(e *env) []*jumpcloud.User {
	managers := map[string]bool{}
	for _, u := range e.users {
		managers[u.Manager] = true
	}
	var out []*jumpcloud.User
	for _, u := range e.users {
		if !managers[u.ID] {
			out = append(out, u)
		}
	}
	return out
}
