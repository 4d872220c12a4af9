package jumpcloud_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/jcoom/jcoom/internal/benchratio"
	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
)

// bareUser is the same fields as jumpcloud.User, decoded by encoding/json
// with no SDK code: no unknown-field capture, no wire copy.
type bareUser struct {
	ID                             string                      `json:"_id"`
	AccountLocked                  bool                        `json:"account_locked"`
	AccountLockedDate              jumpcloud.Timestamp         `json:"account_locked_date"`
	Activated                      bool                        `json:"activated"`
	Addresses                      []jumpcloud.Address         `json:"addresses"`
	Admin                          *jumpcloud.AdminRole        `json:"admin"`
	AllowPublicKey                 bool                        `json:"allow_public_key"`
	AlternateEmail                 string                      `json:"alternateEmail"`
	Attributes                     []jumpcloud.Attribute       `json:"attributes"`
	BadLoginAttempts               int                         `json:"badLoginAttempts"`
	Company                        string                      `json:"company"`
	CostCenter                     string                      `json:"costCenter"`
	Created                        jumpcloud.Timestamp         `json:"created"`
	CreationSource                 string                      `json:"creationSource"`
	DelegatedAuthority             *jumpcloud.DelegatedAuth    `json:"delegatedAuthority"`
	Department                     string                      `json:"department"`
	Description                    string                      `json:"description"`
	DisableDeviceMaxLoginAttempts  bool                        `json:"disableDeviceMaxLoginAttempts"`
	Displayname                    string                      `json:"displayname"`
	Email                          string                      `json:"email"`
	EmployeeIdentifier             string                      `json:"employeeIdentifier"`
	EmployeeType                   string                      `json:"employeeType"`
	EnableManagedUID               bool                        `json:"enable_managed_uid"`
	EnableUserPortalMultifactor    bool                        `json:"enable_user_portal_multifactor"`
	ExternalDN                     string                      `json:"external_dn"`
	ExternalPasswordExpirationDate jumpcloud.Timestamp         `json:"external_password_expiration_date"`
	ExternalSourceType             string                      `json:"external_source_type"`
	ExternallyManaged              bool                        `json:"externally_managed"`
	Firstname                      string                      `json:"firstname"`
	JobTitle                       string                      `json:"jobTitle"`
	Lastname                       string                      `json:"lastname"`
	LDAPBindingUser                bool                        `json:"ldap_binding_user"`
	Location                       string                      `json:"location"`
	ManagedAppleID                 string                      `json:"managedAppleId"`
	Manager                        string                      `json:"manager"`
	MFA                            *jumpcloud.MFA              `json:"mfa"`
	MFAEnrollment                  *jumpcloud.MFAEnrollment    `json:"mfaEnrollment"`
	Middlename                     string                      `json:"middlename"`
	Organization                   string                      `json:"organization"`
	PasswordDate                   jumpcloud.Timestamp         `json:"password_date"`
	PasswordExpirationDate         jumpcloud.Timestamp         `json:"password_expiration_date"`
	PasswordExpired                bool                        `json:"password_expired"`
	PasswordNeverExpires           bool                        `json:"password_never_expires"`
	PasswordlessSudo               bool                        `json:"passwordless_sudo"`
	PhoneNumbers                   []jumpcloud.PhoneNumber     `json:"phoneNumbers"`
	PublicKey                      string                      `json:"public_key"`
	RecoveryEmail                  *jumpcloud.RecoveryEmail    `json:"recoveryEmail"`
	Relationships                  []jumpcloud.Relationship    `json:"relationships"`
	RestrictedFields               []jumpcloud.RestrictedField `json:"restrictedFields"`
	SambaServiceUser               bool                        `json:"samba_service_user"`
	SSHKeys                        []jumpcloud.SSHKey          `json:"ssh_keys"`
	State                          jumpcloud.State             `json:"state"`
	Sudo                           bool                        `json:"sudo"`
	Suspended                      bool                        `json:"suspended"`
	Tags                           []string                    `json:"tags"`
	TOTPEnabled                    bool                        `json:"totp_enabled"`
	UnixGUID                       int                         `json:"unix_guid"`
	UnixUID                        int                         `json:"unix_uid"`
	Username                       string                      `json:"username"`
}

// BenchmarkRatioUsersAll lists 10,000 fake users in pages of 100 with
// Users.All and with a bare net/http + encoding/json loop over the same
// replayed responses, and reports the client's cost per user and its
// ratio to the bare loop (cpu-x, allocs-x, bytes-x).
func BenchmarkRatioUsersAll(b *testing.B) {
	const n, limit = 10_000, 100
	// Only the replay holds the fake, so it is collected once recorded.
	srv := jumpcloudtest.NewServer(jumpcloudtest.WithUsers(jumpcloudtest.GenerateUsers(n, 1)...))
	base, key := srv.URL, srv.APIKey()
	replay := benchratio.NewReplay(srv.Handler())
	srv.Close()
	hc := &http.Client{Transport: replay}
	c, err := jumpcloud.NewClient(key, jumpcloud.WithBaseURL(base), jumpcloud.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	for _, conc := range []int{1, 8} {
		b.Run(fmt.Sprintf("concurrency=%d", conc), func(b *testing.B) {
			client := func(ctx context.Context) (int, error) {
				k := 0
				for _, err := range c.Users.All(ctx, &jumpcloud.ListOptions{Limit: limit, Concurrency: conc}) {
					if err != nil {
						return k, err
					}
					k++
				}
				return k, nil
			}
			bare := func(ctx context.Context) (int, error) {
				return benchratio.Pages(ctx, conc, n/limit, func(ctx context.Context, p int) (int, error) {
					req, err := http.NewRequestWithContext(ctx, http.MethodGet,
						fmt.Sprintf("%s/api/systemusers?limit=%d&skip=%d", base, limit, p*limit), nil)
					if err != nil {
						return 0, err
					}
					req.Header.Set("x-api-key", key)
					resp, err := hc.Do(req)
					if err != nil {
						return 0, err
					}
					defer resp.Body.Close()
					var page struct {
						TotalCount int        `json:"totalCount"`
						Results    []bareUser `json:"results"`
					}
					err = json.NewDecoder(resp.Body).Decode(&page)
					return len(page.Results), err
				})
			}
			benchratio.Compare(b, replay, client, bare)
		})
	}
}
