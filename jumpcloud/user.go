package jumpcloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/jcoom/jcoom/internal/jsonobj"
)

// State is a system user's lifecycle state.
type State string

// The states a system user can be in. PUT accepts only Activated and Suspended.
const (
	StateStaged    State = "STAGED"
	StateActivated State = "ACTIVATED"
	StateSuspended State = "SUSPENDED"
)

func (s State) validFor(create bool) bool {
	switch s {
	case StateActivated, StateSuspended:
		return true
	case StateStaged:
		return create
	}
	return false
}

// User is a JumpCloud system user (systemuserreturn) with every documented
// field. Fields the SDK does not know are kept in Extra, so mappings can
// reach them and a JSON round trip loses nothing.
type User struct {
	ID                             string            `json:"_id"`
	AccountLocked                  bool              `json:"account_locked"`
	AccountLockedDate              Timestamp         `json:"account_locked_date"`
	Activated                      bool              `json:"activated"`
	Addresses                      []Address         `json:"addresses"`
	Admin                          *AdminRole        `json:"admin"`
	AllowPublicKey                 bool              `json:"allow_public_key"`
	AlternateEmail                 string            `json:"alternateEmail"`
	Attributes                     []Attribute       `json:"attributes"`
	BadLoginAttempts               int               `json:"badLoginAttempts"`
	Company                        string            `json:"company"`
	CostCenter                     string            `json:"costCenter"`
	Created                        Timestamp         `json:"created"`
	CreationSource                 string            `json:"creationSource"`
	DelegatedAuthority             *DelegatedAuth    `json:"delegatedAuthority"`
	Department                     string            `json:"department"`
	Description                    string            `json:"description"`
	DisableDeviceMaxLoginAttempts  bool              `json:"disableDeviceMaxLoginAttempts"`
	Displayname                    string            `json:"displayname"`
	Email                          string            `json:"email"`
	EmployeeIdentifier             string            `json:"employeeIdentifier"`
	EmployeeType                   string            `json:"employeeType"`
	EnableManagedUID               bool              `json:"enable_managed_uid"`
	EnableUserPortalMultifactor    bool              `json:"enable_user_portal_multifactor"`
	ExternalDN                     string            `json:"external_dn"`
	ExternalPasswordExpirationDate Timestamp         `json:"external_password_expiration_date"`
	ExternalSourceType             string            `json:"external_source_type"`
	ExternallyManaged              bool              `json:"externally_managed"`
	Firstname                      string            `json:"firstname"`
	JobTitle                       string            `json:"jobTitle"`
	Lastname                       string            `json:"lastname"`
	LDAPBindingUser                bool              `json:"ldap_binding_user"`
	Location                       string            `json:"location"`
	ManagedAppleID                 string            `json:"managedAppleId"`
	Manager                        string            `json:"manager"`
	MFA                            *MFA              `json:"mfa"`
	MFAEnrollment                  *MFAEnrollment    `json:"mfaEnrollment"`
	Middlename                     string            `json:"middlename"`
	Organization                   string            `json:"organization"`
	PasswordDate                   Timestamp         `json:"password_date"`
	PasswordExpirationDate         Timestamp         `json:"password_expiration_date"`
	PasswordExpired                bool              `json:"password_expired"`
	PasswordNeverExpires           bool              `json:"password_never_expires"`
	PasswordlessSudo               bool              `json:"passwordless_sudo"`
	PhoneNumbers                   []PhoneNumber     `json:"phoneNumbers"`
	PublicKey                      string            `json:"public_key"`
	RecoveryEmail                  *RecoveryEmail    `json:"recoveryEmail"`
	Relationships                  []Relationship    `json:"relationships"`
	RestrictedFields               []RestrictedField `json:"restrictedFields"`
	SambaServiceUser               bool              `json:"samba_service_user"`
	SSHKeys                        []SSHKey          `json:"ssh_keys"`
	State                          State             `json:"state"`
	Sudo                           bool              `json:"sudo"`
	Suspended                      bool              `json:"suspended"`
	Tags                           []string          `json:"tags"`
	TOTPEnabled                    bool              `json:"totp_enabled"`
	UnixGUID                       int               `json:"unix_guid"`
	UnixUID                        int               `json:"unix_uid"`
	Username                       string            `json:"username"`

	// Extra holds fields that this version of the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`

	// raw is the user exactly as the API sent it, kept for Record and Raw.
	raw []byte
}

// Address is a postal address of a user.
type Address struct {
	ID              string `json:"id,omitempty"`
	Type            string `json:"type,omitempty"`
	POBox           string `json:"poBox,omitempty"`
	ExtendedAddress string `json:"extendedAddress,omitempty"`
	StreetAddress   string `json:"streetAddress,omitempty"`
	Locality        string `json:"locality,omitempty"`
	Region          string `json:"region,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
	Country         string `json:"country,omitempty"`
}

// PhoneNumber is a phone number of a user.
type PhoneNumber struct {
	ID     string `json:"id,omitempty"`
	Type   string `json:"type,omitempty"`
	Number string `json:"number,omitempty"`
}

// Attribute is a custom attribute (name/value) of a user.
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// AdminRole is set when the system user is also a console administrator.
type AdminRole struct {
	ID        string   `json:"id"`
	RoleName  string   `json:"roleName"`
	RoleNames []string `json:"roleNames"`
}

// DelegatedAuth names an external authority (e.g. ActiveDirectory).
type DelegatedAuth struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// MFA is a user's multi-factor settings.
type MFA struct {
	Configured     bool      `json:"configured"`
	Exclusion      bool      `json:"exclusion"`
	ExclusionDays  int       `json:"exclusionDays,omitempty"`
	ExclusionUntil Timestamp `json:"exclusionUntil,omitzero"`
}

// MFAEnrollment reports enrollment per factor (NOT_ENROLLED, ENROLLED, ...).
type MFAEnrollment struct {
	OverallStatus  string `json:"overallStatus"`
	PushStatus     string `json:"pushStatus"`
	TOTPStatus     string `json:"totpStatus"`
	WebAuthnStatus string `json:"webAuthnStatus"`
	JCGoStatus     string `json:"jcGoStatus"`
}

// RecoveryEmail is a user's recovery address.
type RecoveryEmail struct {
	Address    string    `json:"address"`
	Verified   bool      `json:"verified"`
	VerifiedAt Timestamp `json:"verifiedAt"`
}

// RecoveryEmailRequest sets a user's recovery address; JumpCloud verifies
// it, so verification cannot be written.
type RecoveryEmailRequest struct {
	Address string `json:"address"`
}

// Relationship links a user to a value (e.g. a manager or assistant).
type Relationship struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// RestrictedField marks a field managed by an external source.
type RestrictedField struct {
	Field string `json:"field"`
	ID    string `json:"id,omitempty"`
	Type  string `json:"type,omitempty"`
}

// SSHKey is a public key of a user.
type SSHKey struct {
	ID         string    `json:"_id"`
	Name       string    `json:"name"`
	PublicKey  string    `json:"public_key"`
	CreateDate Timestamp `json:"create_date"`
}

// Attribute returns the value of the custom attribute name and whether it exists.
func (u *User) Attribute(name string) (string, bool) {
	for _, a := range u.Attributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

type userAlias User

var userFieldNames = sync.OnceValue(func() map[string]bool { return jsonobj.FieldNames(reflect.TypeFor[User]()) })

// UnmarshalJSON decodes a user and keeps unknown fields in Extra.
func (u *User) UnmarshalJSON(b []byte) error {
	var a userAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("jumpcloud: decoding user: %w", err)
	}
	if err := a.keepWire(append([]byte(nil), b...)); err != nil {
		return err
	}
	*u = User(a)
	return nil
}

// keepWire keeps raw (which the user then owns) as the user's wire form and
// its unknown members in Extra. Known members cost no allocation.
func (a *userAlias) keepWire(raw []byte) error {
	extra, err := jsonobj.Unknown(raw, userFieldNames())
	if err != nil {
		return fmt.Errorf("jumpcloud: decoding user: %w", err)
	}
	a.Extra, a.raw = extra, raw
	return nil
}

// UnmarshalJSON decodes a page of users in one typed pass plus one scan
// for each user's wire form and unknown members: the users' wire forms
// share one copy of the page instead of a copy each.
func (p *UserPage) UnmarshalJSON(b []byte) error {
	return p.decode(b, false)
}

// ownedPage decodes a page from a body buffer it may keep (see
// transport.OwnedUnmarshaler): no copy of the page.
type ownedPage struct{ *UserPage }

func (o ownedPage) UnmarshalOwnedJSON(b []byte) error { return o.decode(b, true) }

func (p *UserPage) decode(b []byte, owned bool) error {
	var w struct {
		TotalCount int         `json:"totalCount"`
		Results    []userAlias `json:"results"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("jumpcloud: decoding a page of users: %w", err)
	}
	p.TotalCount, p.Users = w.TotalCount, nil
	if w.Results == nil {
		return nil
	}
	page := b
	if !owned {
		page = append([]byte(nil), b...)
	}
	p.Users = make([]*User, 0, len(w.Results))
	// One pass finds each user's bytes and its unknown members.
	err := jsonobj.Records(page, "results", userFieldNames(), &jsonobj.Keys{},
		func(key string, raw []byte) error {
			i := len(p.Users)
			if i >= len(w.Results) {
				return errors.New("more results than decoded")
			}
			if w.Results[i].Extra == nil {
				w.Results[i].Extra = map[string]json.RawMessage{}
			}
			w.Results[i].Extra[key] = append(json.RawMessage(nil), raw...)
			return nil
		},
		func(raw []byte) error {
			i := len(p.Users)
			if i >= len(w.Results) {
				return errors.New("more results than decoded")
			}
			w.Results[i].raw = raw[:len(raw):len(raw)]
			p.Users = append(p.Users, (*User)(&w.Results[i]))
			return nil
		})
	if err == nil && len(p.Users) != len(w.Results) {
		err = errors.New("fewer results than decoded")
	}
	if err != nil {
		p.Users = nil
		return fmt.Errorf("jumpcloud: decoding a page of users: %w", err)
	}
	return nil
}

// Raw returns the user's JSON exactly as the API sent it, or nil for a
// User that was not decoded from a response. The slice is a copy.
func (u *User) Raw() json.RawMessage {
	if u.raw == nil {
		return nil
	}
	return append(json.RawMessage(nil), u.raw...)
}

// Record returns the user as a generic record (what a mapping reads): the
// JSON object the API sent, decoded with encoding/json's rules (numbers
// are float64), so every member is there as sent: false, "", 0, null and
// fields this SDK does not model included. A User built in code has no
// wire form; its record is its own JSON encoding. Each call returns a new
// map the caller may change.
func (u *User) Record() (map[string]any, error) {
	b := u.raw
	if b == nil {
		var err error
		if b, err = json.Marshal(u); err != nil {
			return nil, fmt.Errorf("jumpcloud: user %s as a record: %w", u.ID, err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("jumpcloud: user %s as a record: %w", u.ID, err)
	}
	return m, nil
}

// MarshalJSON encodes the user with Extra's fields inlined.
func (u User) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(userAlias(u))
	if err != nil || len(u.Extra) == 0 {
		return b, err
	}
	return jsonobj.Merge(b, u.Extra, userFieldNames())
}

var (
	createFieldNames = sync.OnceValue(func() map[string]bool { return jsonobj.FieldNames(reflect.TypeFor[UserCreateRequest]()) })
	updateFieldNames = sync.OnceValue(func() map[string]bool { return jsonobj.FieldNames(reflect.TypeFor[UserUpdateRequest]()) })
)
