package jumpcloud

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jcoom/jcoom/internal/jsonobj"
)

// Ptr returns a pointer to v, for the optional fields of update requests.
func Ptr[T any](v T) *T { return &v }

// Password is a write-only credential. It prints "[redacted]" with every
// fmt verb and is sent on the wire as itself.
type Password string

// String implements fmt.Stringer.
func (Password) String() string { return "[redacted]" }

// GoString implements fmt.GoStringer.
func (Password) GoString() string { return "[redacted]" }

// Format implements fmt.Formatter so that no verb prints the value.
func (Password) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte("[redacted]")) }

// UserCreateRequest is the body of POST /api/systemusers
// (systemuserputpost). Username and Email are required. Booleans are
// pointers: nil leaves the organisation's default.
type UserCreateRequest struct {
	Username                       string                `json:"username"`
	Email                          string                `json:"email"`
	Firstname                      string                `json:"firstname,omitempty"`
	Lastname                       string                `json:"lastname,omitempty"`
	Middlename                     string                `json:"middlename,omitempty"`
	Displayname                    string                `json:"displayname,omitempty"`
	AlternateEmail                 string                `json:"alternateEmail,omitempty"`
	Company                        string                `json:"company,omitempty"`
	CostCenter                     string                `json:"costCenter,omitempty"`
	Department                     string                `json:"department,omitempty"`
	Description                    string                `json:"description,omitempty"`
	EmployeeIdentifier             string                `json:"employeeIdentifier,omitempty"`
	EmployeeType                   string                `json:"employeeType,omitempty"`
	JobTitle                       string                `json:"jobTitle,omitempty"`
	Location                       string                `json:"location,omitempty"`
	Manager                        string                `json:"manager,omitempty"`
	ManagedAppleID                 string                `json:"managedAppleId,omitempty"`
	ExternalDN                     string                `json:"external_dn,omitempty"`
	ExternalSourceType             string                `json:"external_source_type,omitempty"`
	ExternalPasswordExpirationDate string                `json:"external_password_expiration_date,omitempty"`
	PublicKey                      string                `json:"public_key,omitempty"`
	Password                       Password              `json:"password,omitempty"`
	State                          State                 `json:"state,omitempty"`
	AccountLocked                  *bool                 `json:"account_locked,omitempty"`
	Activated                      *bool                 `json:"activated,omitempty"`
	AllowPublicKey                 *bool                 `json:"allow_public_key,omitempty"`
	DisableDeviceMaxLoginAttempts  *bool                 `json:"disableDeviceMaxLoginAttempts,omitempty"`
	EnableManagedUID               *bool                 `json:"enable_managed_uid,omitempty"`
	EnableUserPortalMultifactor    *bool                 `json:"enable_user_portal_multifactor,omitempty"`
	ExternallyManaged              *bool                 `json:"externally_managed,omitempty"`
	LDAPBindingUser                *bool                 `json:"ldap_binding_user,omitempty"`
	PasswordNeverExpires           *bool                 `json:"password_never_expires,omitempty"`
	PasswordlessSudo               *bool                 `json:"passwordless_sudo,omitempty"`
	SambaServiceUser               *bool                 `json:"samba_service_user,omitempty"`
	Sudo                           *bool                 `json:"sudo,omitempty"`
	Suspended                      *bool                 `json:"suspended,omitempty"`
	UnixGUID                       int                   `json:"unix_guid,omitempty"`
	UnixUID                        int                   `json:"unix_uid,omitempty"`
	Addresses                      []Address             `json:"addresses,omitempty"`
	Attributes                     []Attribute           `json:"attributes,omitempty"`
	PhoneNumbers                   []PhoneNumber         `json:"phoneNumbers,omitempty"`
	Relationships                  []Relationship        `json:"relationships,omitempty"`
	RestrictedFields               []RestrictedField     `json:"restrictedFields,omitempty"`
	MFA                            *MFA                  `json:"mfa,omitempty"`
	RecoveryEmail                  *RecoveryEmailRequest `json:"recoveryEmail,omitempty"`
	DelegatedAuthority             *DelegatedAuth        `json:"delegatedAuthority,omitempty"`

	// Extra holds further body fields ("advanced mode"); they may not
	// override the fields above.
	Extra map[string]any `json:"-"`
}

// UserUpdateRequest is the body of PUT /api/systemusers/{id}
// (systemuserput). Only non-nil fields are sent, so false and "" can be
// set. A non-nil empty slice clears the list.
type UserUpdateRequest struct {
	Username                       *string           `json:"username,omitempty"`
	Email                          *string           `json:"email,omitempty"`
	Firstname                      *string           `json:"firstname,omitempty"`
	Lastname                       *string           `json:"lastname,omitempty"`
	Middlename                     *string           `json:"middlename,omitempty"`
	Displayname                    *string           `json:"displayname,omitempty"`
	AlternateEmail                 *string           `json:"alternateEmail,omitempty"`
	Company                        *string           `json:"company,omitempty"`
	CostCenter                     *string           `json:"costCenter,omitempty"`
	Department                     *string           `json:"department,omitempty"`
	Description                    *string           `json:"description,omitempty"`
	EmployeeIdentifier             *string           `json:"employeeIdentifier,omitempty"`
	EmployeeType                   *string           `json:"employeeType,omitempty"`
	JobTitle                       *string           `json:"jobTitle,omitempty"`
	Location                       *string           `json:"location,omitempty"`
	Manager                        *string           `json:"manager,omitempty"`
	ManagedAppleID                 *string           `json:"managedAppleId,omitempty"`
	ExternalDN                     *string           `json:"external_dn,omitempty"`
	ExternalSourceType             *string           `json:"external_source_type,omitempty"`
	ExternalPasswordExpirationDate *string           `json:"external_password_expiration_date,omitempty"`
	PublicKey                      *string           `json:"public_key,omitempty"`
	Password                       *Password         `json:"password,omitempty"`
	State                          *State            `json:"state,omitempty"`
	AccountLocked                  *bool             `json:"account_locked,omitempty"`
	AllowPublicKey                 *bool             `json:"allow_public_key,omitempty"`
	DisableDeviceMaxLoginAttempts  *bool             `json:"disableDeviceMaxLoginAttempts,omitempty"`
	EnableManagedUID               *bool             `json:"enable_managed_uid,omitempty"`
	EnableUserPortalMultifactor    *bool             `json:"enable_user_portal_multifactor,omitempty"`
	ExternallyManaged              *bool             `json:"externally_managed,omitempty"`
	LDAPBindingUser                *bool             `json:"ldap_binding_user,omitempty"`
	PasswordNeverExpires           *bool             `json:"password_never_expires,omitempty"`
	SambaServiceUser               *bool             `json:"samba_service_user,omitempty"`
	Sudo                           *bool             `json:"sudo,omitempty"`
	Suspended                      *bool             `json:"suspended,omitempty"`
	UnixGUID                       *int              `json:"unix_guid,omitempty"`
	UnixUID                        *int              `json:"unix_uid,omitempty"`
	Addresses                      []Address         `json:"addresses,omitzero"`
	Attributes                     []Attribute       `json:"attributes,omitzero"`
	PhoneNumbers                   []PhoneNumber     `json:"phoneNumbers,omitzero"`
	Relationships                  []Relationship    `json:"relationships,omitzero"`
	RestrictedFields               []RestrictedField `json:"restrictedFields,omitzero"`
	SSHKeys                        []SSHKey          `json:"ssh_keys,omitzero"`
	MFA                            *MFA              `json:"mfa,omitempty"`
	DelegatedAuthority             *DelegatedAuth    `json:"delegatedAuthority,omitempty"`

	// Extra holds further body fields; they may not override the fields above.
	Extra map[string]any `json:"-"`
}

type createAlias UserCreateRequest
type updateAlias UserUpdateRequest

// MarshalJSON inlines Extra and sends the password itself.
func (r UserCreateRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(createAlias(r))
	if err != nil {
		return nil, err
	}
	return jsonobj.Merge(b, r.Extra, nil)
}

// MarshalJSON inlines Extra.
func (r UserUpdateRequest) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(updateAlias(r))
	if err != nil {
		return nil, err
	}
	return jsonobj.Merge(b, r.Extra, nil)
}

// MarshalJSON sends the password on the wire (printing stays redacted).
func (p Password) MarshalJSON() ([]byte, error) { return json.Marshal(string(p)) }

func (r *UserCreateRequest) validate() error {
	if r == nil {
		return fmt.Errorf("jumpcloud: create user: request is nil")
	}
	if strings.TrimSpace(r.Username) == "" {
		return fmt.Errorf("jumpcloud: create user: username is empty; JumpCloud requires username and email")
	}
	if !looksLikeEmail(r.Email) {
		return fmt.Errorf("jumpcloud: create user %q: email %q is not an email address", r.Username, r.Email)
	}
	if r.State != "" && !r.State.validFor(true) {
		return fmt.Errorf("jumpcloud: create user %q: state %q is not one of STAGED, ACTIVATED, SUSPENDED", r.Username, r.State)
	}
	return checkExtra(r.Extra, createFieldNames())
}

func (r *UserUpdateRequest) validate() error {
	if r == nil {
		return fmt.Errorf("jumpcloud: update user: request is nil")
	}
	if r.State != nil && !r.State.validFor(false) {
		return fmt.Errorf("jumpcloud: update user: state %q is not one of ACTIVATED, SUSPENDED (a user cannot go back to STAGED)", *r.State)
	}
	if r.Email != nil && !looksLikeEmail(*r.Email) {
		return fmt.Errorf("jumpcloud: update user: email %q is not an email address", *r.Email)
	}
	if r.Username != nil && strings.TrimSpace(*r.Username) == "" {
		return fmt.Errorf("jumpcloud: update user: username is empty")
	}
	return checkExtra(r.Extra, updateFieldNames())
}

func checkExtra(extra map[string]any, known map[string]bool) error {
	for k := range extra {
		if known[k] {
			return fmt.Errorf("jumpcloud: Extra field %q duplicates a typed field; set the typed field instead", k)
		}
		if k == "" {
			return fmt.Errorf("jumpcloud: Extra has an empty field name")
		}
	}
	return nil
}

func looksLikeEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n")
}
