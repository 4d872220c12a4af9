package oomnitza_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jcoom/jcoom/internal/benchratio"
	"github.com/jcoom/jcoom/oomnitza"
)

// bareUser is the same fields as oomnitza.User plus the custom field the
// listing asks for, decoded by encoding/json with no SDK code.
type bareUser struct {
	UserID            string        `json:"user_id"`
	UID               int64         `json:"uid"`
	Username          string        `json:"username"`
	Email             string        `json:"email"`
	FirstName         string        `json:"first_name"`
	LastName          string        `json:"last_name"`
	FullName          string        `json:"full_name"`
	Role              int           `json:"role"`
	Position          string        `json:"position"`
	PhoneNumber       string        `json:"phone_number"`
	Address           string        `json:"address"`
	Suspended         bool          `json:"suspended"`
	ExternalID        string        `json:"external_id"`
	EmailSubscription bool          `json:"email_subscription"`
	Version           string        `json:"version"`
	Deleted           string        `json:"deleted"`
	CreationDate      oomnitza.Time `json:"creation_date"`
	ChangeDate        oomnitza.Time `json:"change_date"`
	LastLoginDate     oomnitza.Time `json:"last_login_date"`
	CreatedBy         string        `json:"created_by"`
	ChangedBy         string        `json:"changed_by"`
	JumpCloudUserID   string        `json:"jump_cloud_user_id"`
}

// BenchmarkRatioUsersAll lists 100,000 fake users (pages of 500, six
// fields) with Users.All and with a bare net/http + encoding/json loop over
// the same replayed responses, and reports the client's cost per user and
// its ratio to the bare loop (cpu-x, allocs-x, bytes-x).
func BenchmarkRatioUsersAll(b *testing.B) {
	const n, limit = 100_000, 500
	// Only the replay holds the fake, so it is collected once recorded.
	srv := seed(b, n)
	base, token := srv.URL, srv.Token()
	replay := benchratio.NewReplay(srv.Handler())
	srv.Close()
	hc := &http.Client{Transport: replay}
	c, err := oomnitza.NewClient(base, token, oomnitza.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	fields := []string{"user_id", "username", "email", "first_name", "last_name", "jump_cloud_user_id"}
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			client := func(ctx context.Context) (int, error) {
				k := 0
				for _, err := range c.Users.All(ctx, &oomnitza.ListOptions{Limit: limit, Fields: fields, Concurrency: conc}) {
					if err != nil {
						return k, err
					}
					k++
				}
				return k, nil
			}
			bare := func(ctx context.Context) (int, error) {
				return benchratio.Pages(ctx, conc, n/limit, func(ctx context.Context, p int) (int, error) {
					q := url.Values{"limit": {fmt.Sprint(limit)}, "skip": {fmt.Sprint(p * limit)}, "fields": {strings.Join(fields, ",")}}
					req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v3/users?"+q.Encode(), nil)
					if err != nil {
						return 0, err
					}
					req.Header.Set("Authorization2", token)
					resp, err := hc.Do(req)
					if err != nil {
						return 0, err
					}
					defer resp.Body.Close()
					var users []bareUser
					err = json.NewDecoder(resp.Body).Decode(&users)
					return len(users), err
				})
			}
			benchratio.Compare(b, replay, client, bare)
		})
	}
}
