package presets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/jcoom/jcoom/internal/email"
	"github.com/jcoom/jcoom/internal/nearest"
	"github.com/jcoom/jcoom/jumpcloud"
)

// DefaultIDField is the Oomnitza field ("JumpCloud User Id") that holds a
// person's JumpCloud user id, the {{jump_cloud_user_id}} variable of
// Oomnitza's own presets.
const DefaultIDField = "jump_cloud_user_id"

// DefaultRole is the role of a JumpCloud user who is not an administrator.
const DefaultRole = "User"

// Option changes one preset run, called directly or through a Runner.
type Option func(*runConfig)

type runConfig struct {
	dryRun       bool
	skipIdentity bool
	expect       *Person
	body         map[string]any
	idField      string
}

func newRunConfig(opts []Option) *runConfig {
	c := &runConfig{idField: DefaultIDField}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// DryRun renders the request and returns it with StatusDryRun: no
// JumpCloud request is sent and nothing is written.
func DryRun() Option { return func(c *runConfig) { c.dryRun = true } }

// WithoutIdentityCheck turns off the identity guard of Delete User and
// Expire Password. Use it only when the id is known to be right.
func WithoutIdentityCheck() Option { return func(c *runConfig) { c.skipIdentity = true } }

// ForPerson arms the identity guard of Delete User and Expire Password when
// they are called directly: the JumpCloud user must be this person (its
// email or alternateEmail equals p.Email, trimmed and case-folded, or its
// username equals p.Username), or the action is refused with
// ErrIdentityMismatch. A Runner sets it from the Oomnitza record.
func ForPerson(p Person) Option { return func(c *runConfig) { c.expect = &p } }

// WithCreateBody gives Create User run by a Runner further systemuser
// fields ("advanced mode"), checked like CreateUserInput.Body.
func WithCreateBody(body map[string]any) Option {
	return func(c *runConfig) { c.body = body }
}

var jumpcloudID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// checkID refuses, before any request, an id that is not a JumpCloud id,
// naming the field it came from.
func checkID(field, id string) error {
	if id == "" {
		return &InputError{Field: field, Want: "a JumpCloud user id (24 lower-case hex characters)"}
	}
	if !jumpcloudID.MatchString(id) {
		return &InputError{Field: field, Value: id, Want: "a JumpCloud user id (24 lower-case hex characters)"}
	}
	return nil
}

// start validates the id, renders the preset's request and makes the
// result; the error is an input error (nothing sent).
func start(name, id string, c *runConfig) (*Result, error) {
	p := lookup(name)
	res := &Result{Preset: name, UserID: id}
	if err := checkID(c.idField, id); err != nil {
		res.UserID = ""
		return res.fail(err)
	}
	path, err := p.request.RenderPath(map[string]string{DefaultIDField: id})
	if err != nil {
		return res.fail(err)
	}
	res.Request = &Request{Method: p.request.Method, Path: path}
	return res, nil
}

func dryRun(res *Result) (*Result, error) {
	res.Status = StatusDryRun
	res.Reason = "would send " + res.Request.String()
	return res, nil
}

func noop(res *Result, reason string) (*Result, error) {
	res.Status = StatusNoOp
	res.Reason = reason
	return res, nil
}

func applied(res *Result, reason string) (*Result, error) {
	res.Status = StatusApplied
	res.Reason = reason
	res.Request.Sent = true
	return res, nil
}

// UnlockUser unlocks a JumpCloud user (POST /api/systemusers/{id}/unlock).
// A user who is not locked is a StatusNoOp with no write request.
func UnlockUser(ctx context.Context, jc *jumpcloud.Client, id string, opts ...Option) (*Result, error) {
	return unlockUser(ctx, jc, id, newRunConfig(opts))
}

func unlockUser(ctx context.Context, jc *jumpcloud.Client, id string, c *runConfig) (*Result, error) {
	return flagAction(ctx, jc, id, c, flagStep{name: NameUnlockUser, what: "unlock_user",
		holds: func(u *jumpcloud.User) bool { return !u.AccountLocked }, holdsReason: "the account is not locked",
		act: jc.Users.Unlock, doneReason: "unlocked the account"})
}

// flagStep is an action that sets one state on a user: it reads the user,
// does nothing when the state already holds, and otherwise acts.
type flagStep struct {
	name, what  string
	guarded     bool
	holds       func(*jumpcloud.User) bool
	holdsReason string
	act         func(ctx context.Context, id string) error
	doneReason  string
}

func flagAction(ctx context.Context, jc *jumpcloud.Client, id string, c *runConfig, st flagStep) (*Result, error) {
	res, err := start(st.name, id, c)
	if err != nil {
		return res, err
	}
	if c.dryRun {
		return dryRun(res)
	}
	u, err := jc.Users.Get(ctx, id)
	if err != nil {
		return res.fail(fmt.Errorf("presets: %s: reading user %s: %w", st.what, id, err))
	}
	if st.guarded {
		if err := guard(st.name, u, c); err != nil {
			return res.fail(err)
		}
	}
	if st.holds(u) {
		return noop(res, st.holdsReason)
	}
	if err := st.act(ctx, id); err != nil {
		return res.fail(fmt.Errorf("presets: %s %s: %w", st.what, id, err))
	}
	return applied(res, st.doneReason)
}

// ExpirePassword expires a JumpCloud user's password (POST
// /api/systemusers/{id}/expire). An already expired password is a StatusNoOp
// with no write request. With ForPerson (or through a Runner) the user
// must be that person: see ErrIdentityMismatch.
func ExpirePassword(ctx context.Context, jc *jumpcloud.Client, id string, opts ...Option) (*Result, error) {
	return expirePassword(ctx, jc, id, newRunConfig(opts))
}

func expirePassword(ctx context.Context, jc *jumpcloud.Client, id string, c *runConfig) (*Result, error) {
	return flagAction(ctx, jc, id, c, flagStep{name: NameExpirePassword, what: "expire_password", guarded: true,
		holds: func(u *jumpcloud.User) bool { return u.PasswordExpired }, holdsReason: "the password is already expired",
		act: jc.Users.ExpirePassword, doneReason: "expired the password"})
}

// DeleteUser deletes a JumpCloud user (DELETE /api/systemusers/{id}). A
// user already gone (404) is a StatusNoOp with no write request. With ForPerson
// (or through a Runner) the user must be that person: see
// ErrIdentityMismatch.
func DeleteUser(ctx context.Context, jc *jumpcloud.Client, id string, opts ...Option) (*Result, error) {
	return deleteUser(ctx, jc, id, newRunConfig(opts))
}

func deleteUser(ctx context.Context, jc *jumpcloud.Client, id string, c *runConfig) (*Result, error) {
	res, err := start(NameDeleteUser, id, c)
	if err != nil {
		return res, err
	}
	if c.dryRun {
		return dryRun(res)
	}
	u, err := jc.Users.Get(ctx, id)
	if errors.Is(err, jumpcloud.ErrNotFound) {
		return noop(res, "the user is already gone")
	}
	if err != nil {
		return res.fail(fmt.Errorf("presets: delete_user: reading user %s: %w", id, err))
	}
	if err := guard(NameDeleteUser, u, c); err != nil {
		return res.fail(err)
	}
	if _, err := jc.Users.Delete(ctx, id, nil); err != nil {
		if errors.Is(err, jumpcloud.ErrNotFound) {
			return noop(res, "the user was deleted by someone else meanwhile")
		}
		return res.fail(fmt.Errorf("presets: delete_user %s: %w", id, err))
	}
	return applied(res, fmt.Sprintf("deleted user %q", u.Username))
}

// UserRole reads a JumpCloud user's role: its administrator role
// (admin.roleName on the system user; for tenants whose system users have
// no admin property, the administrator with the same email from GET
// /api/users), else DefaultRole ("User"). It writes nothing to JumpCloud;
// a Runner writes the role back to Oomnitza.
func UserRole(ctx context.Context, jc *jumpcloud.Client, id string, opts ...Option) (*Result, error) {
	return userRole(ctx, jc, id, newRunConfig(opts))
}

func userRole(ctx context.Context, jc *jumpcloud.Client, id string, c *runConfig) (*Result, error) {
	res, err := start(NameUserRole, id, c)
	if err != nil {
		return res, err
	}
	if c.dryRun {
		return dryRun(res)
	}
	u, err := jc.Users.Get(ctx, id)
	if err != nil {
		return res.fail(fmt.Errorf("presets: user_role: reading user %s: %w", id, err))
	}
	res.Request.Sent = true
	role, source, err := roleOf(ctx, jc, u)
	if err != nil {
		return res.fail(err)
	}
	res.Role = role
	res.Status = StatusApplied
	res.Reason = source
	return res, nil
}

// roleOf finds the user's role and says where it came from.
func roleOf(ctx context.Context, jc *jumpcloud.Client, u *jumpcloud.User) (role, source string, err error) {
	rec, err := u.Record()
	if err != nil {
		return "", "", err
	}
	return RoleOf(rec, func(email string) (string, bool, error) {
		a, err := jc.Admins.GetByEmail(ctx, email)
		switch {
		case errors.Is(err, jumpcloud.ErrNotFound):
			return "", false, nil
		case err != nil:
			return "", false, fmt.Errorf("presets: user_role: looking up the administrator %q: %w", email, err)
		}
		return adminRoleName(&jumpcloud.AdminRole{RoleName: a.RoleName, RoleNames: a.RoleNames}), true, nil
	})
}

// RoleOf is User Role's rule over a JumpCloud user's wire record (as
// jumpcloud.User.Record or UsersService.Records give it): the
// administrator role admin.roleName (or the first of admin.roleNames);
// for a record with no admin property at all (tenants from before 2025),
// the role adminRole reports for the user's email (an administrator with
// that email from GET /api/users); else DefaultRole. reason says where
// the role came from. adminRole is called only when needed and may be nil.
func RoleOf(rec map[string]any, adminRole func(email string) (role string, found bool, err error)) (role, reason string, err error) {
	admin, hasAdmin := rec["admin"]
	if a, ok := admin.(map[string]any); ok {
		ar := &jumpcloud.AdminRole{}
		ar.RoleName, _ = a["roleName"].(string)
		if names, ok := a["roleNames"].([]any); ok {
			for _, n := range names {
				if s, ok := n.(string); ok {
					ar.RoleNames = append(ar.RoleNames, s)
				}
			}
		}
		if r := adminRoleName(ar); r != "" {
			return r, "role from admin.roleName", nil
		}
	}
	if hasAdmin {
		return DefaultRole, "not an administrator (the user's admin is null)", nil
	}
	email, _ := rec["email"].(string)
	if strings.TrimSpace(email) == "" || adminRole == nil {
		return DefaultRole, "not an administrator (no admin property, and no email to look one up by)", nil
	}
	r, found, err := adminRole(email)
	switch {
	case err != nil:
		return "", "", err
	case !found:
		return DefaultRole, "not an administrator (no administrator has this email in GET /api/users)", nil
	case strings.TrimSpace(r) == "":
		return DefaultRole, "the administrator with this email has no role name (GET /api/users)", nil
	}
	return strings.TrimSpace(r), "role from the administrator with this email (GET /api/users)", nil
}

func adminRoleName(a *jumpcloud.AdminRole) string {
	if a == nil {
		return ""
	}
	if r := strings.TrimSpace(a.RoleName); r != "" {
		return r
	}
	for _, r := range a.RoleNames {
		if r = strings.TrimSpace(r); r != "" {
			return r
		}
	}
	return ""
}

// guard is the identity check of the destructive presets.
func guard(name string, u *jumpcloud.User, c *runConfig) error {
	if c.skipIdentity || c.expect == nil {
		return nil
	}
	if samePerson(u, *c.expect) {
		return nil
	}
	return &IdentityError{Preset: name,
		JumpCloud: Person{ID: u.ID, Username: u.Username, Email: u.Email, AlternateEmail: u.AlternateEmail},
		Oomnitza:  *c.expect}
}

// samePerson reports whether the JumpCloud user is the record's person:
// an email (or alternateEmail) equal to the record's email, trimmed and
// case-folded, or the same username. Empty values never match.
func samePerson(u *jumpcloud.User, p Person) bool {
	if e := strings.TrimSpace(p.Email); e != "" {
		for _, theirs := range []string{u.Email, u.AlternateEmail} {
			if strings.TrimSpace(theirs) != "" && email.Same(theirs, e) {
				return true
			}
		}
	}
	name := strings.TrimSpace(p.Username)
	return name != "" && strings.TrimSpace(u.Username) == name
}

// CreateUserInput is what Create User needs. Username, Email, Firstname and
// Lastname are required.
type CreateUserInput struct {
	Username  string
	Email     string
	Firstname string
	Lastname  string
	// Body holds further systemuser fields ("advanced mode"), by their
	// JSON names: only writable fields of the systemuser schema, with
	// values of their type. Anything else is an error naming the field,
	// before anything is sent.
	Body map[string]any
}

// ConflictError says that a create would collide with an existing
// JumpCloud user. It matches jumpcloud.ErrConflict.
type ConflictError struct {
	// Field is the unique field that collides: username or email.
	Field string
	Value string
	// Existing is the JumpCloud user that holds the value.
	Existing Person
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("presets: create_user: %s %q already belongs to JumpCloud user %s (%s); nothing was created or linked",
		e.Field, e.Value, orNone(e.Existing.ID), e.Existing)
}

// Is matches jumpcloud.ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == jumpcloud.ErrConflict }

// CreateUser creates a JumpCloud user (POST /api/systemusers). A user with
// the same username and the same email is linked, not duplicated: StatusNoOp
// with that user's id. The same username with another email is a
// *ConflictError naming the existing user. A lost response never makes a
// second user (the client's safe create).
func CreateUser(ctx context.Context, jc *jumpcloud.Client, in CreateUserInput, opts ...Option) (*Result, error) {
	return createUser(ctx, jc, in, newRunConfig(opts), nil)
}

// fieldOf names an input's source in errors (the Oomnitza field through a
// Runner).
type fieldOf func(input string) string

func createUser(ctx context.Context, jc *jumpcloud.Client, in CreateUserInput, c *runConfig, names fieldOf) (*Result, error) {
	p := lookup(NameCreateUser)
	res := &Result{Preset: NameCreateUser}
	if names == nil {
		names = func(input string) string { return input }
	}
	req, shown, err := buildCreate(in, names)
	if err != nil {
		return res.fail(err)
	}
	res.Request = &Request{Method: p.request.Method, Path: p.request.Path, Body: shown}
	if c.dryRun {
		return dryRun(res)
	}
	existing, err := jc.Users.GetByUsername(ctx, req.Username)
	switch {
	case err == nil:
		if email.Same(existing.Email, req.Email) {
			res.UserID = existing.ID
			return noop(res, fmt.Sprintf("user %q already exists with this email: linked, not duplicated", existing.Username))
		}
		return res.fail(&ConflictError{Field: "username", Value: req.Username,
			Existing: Person{ID: existing.ID, Username: existing.Username, Email: existing.Email}})
	case !errors.Is(err, jumpcloud.ErrNotFound):
		return res.fail(fmt.Errorf("presets: create_user: looking up username %q: %w", req.Username, err))
	}
	u, err := jc.Users.Create(ctx, req)
	if err != nil {
		var existingErr *jumpcloud.ExistingRecordError
		if errors.Is(err, jumpcloud.ErrConflict) && !errors.As(err, &existingErr) {
			if other, lookErr := jc.Users.GetByEmail(ctx, req.Email); lookErr == nil {
				return res.fail(&ConflictError{Field: "email", Value: req.Email,
					Existing: Person{ID: other.ID, Username: other.Username, Email: other.Email}})
			}
		}
		return res.fail(fmt.Errorf("presets: create_user %q: %w", req.Username, err))
	}
	res.UserID = u.ID
	return applied(res, fmt.Sprintf("created user %q", u.Username))
}

// buildCreate checks the input and builds the request; shown is the body
// as the result shows it (password redacted).
func buildCreate(in CreateUserInput, names fieldOf) (*jumpcloud.UserCreateRequest, map[string]any, error) {
	req := &jumpcloud.UserCreateRequest{
		Username: strings.TrimSpace(in.Username), Email: strings.TrimSpace(in.Email),
		Firstname: strings.TrimSpace(in.Firstname), Lastname: strings.TrimSpace(in.Lastname),
	}
	for _, f := range []struct{ input, value, want string }{
		{"username", req.Username, "a JumpCloud username"},
		{"email", req.Email, "an email address"},
		{"firstname", req.Firstname, "a first name"},
		{"lastname", req.Lastname, "a last name"},
	} {
		if f.value == "" {
			return nil, nil, &InputError{Field: names(f.input), Want: f.want}
		}
		if strings.ContainsFunc(f.value, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return nil, nil, &InputError{Field: names(f.input), Value: f.value, Want: f.want + " without control characters"}
		}
	}
	if local, domain, ok := strings.Cut(req.Email, "@"); !ok || local == "" || domain == "" || strings.ContainsAny(req.Email, " \t") {
		return nil, nil, &InputError{Field: names("email"), Value: req.Email, Want: "an email address (name@domain)"}
	}
	if err := applyBody(req, in.Body); err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, nil, fmt.Errorf("presets: create_user: encoding the body: %w", err)
	}
	var shown map[string]any
	if err := json.Unmarshal(b, &shown); err != nil {
		return nil, nil, fmt.Errorf("presets: create_user: encoding the body: %w", err)
	}
	if _, ok := shown["password"]; ok {
		shown["password"] = "[redacted]"
	}
	return req, shown, nil
}

var coreCreateFields = []string{"username", "email", "firstname", "lastname"}

// applyBody sets the advanced-mode fields on req, one by one, so that an
// error names the field.
func applyBody(req *jumpcloud.UserCreateRequest, body map[string]any) error {
	if len(body) == 0 {
		return nil
	}
	writable, readOnly := systemuserFields()
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case slices.Contains(coreCreateFields, k):
			return fmt.Errorf("presets: create_user: Body field %q is set by CreateUserInput.%s%s, not by Body: %w",
				k, strings.ToUpper(k[:1]), k[1:], ErrInvalidInput)
		case readOnly[k]:
			return fmt.Errorf("presets: create_user: Body field %q is read-only in the systemuser schema (JumpCloud sets it): %w", k, ErrInvalidInput)
		case !slices.Contains(writable, k):
			return fmt.Errorf("presets: create_user: Body field %q is not a writable systemuser field%s: %w", k, nearest.Hint(k, writable), ErrInvalidInput)
		}
		one, err := json.Marshal(map[string]any{k: body[k]})
		if err != nil {
			return fmt.Errorf("presets: create_user: Body field %q: %v: %w", k, err, ErrInvalidInput)
		}
		if err := json.Unmarshal(one, req); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return fmt.Errorf("presets: create_user: Body field %q: a JSON %s cannot be a %s: %w", k, te.Value, kindName(te.Type), ErrInvalidInput)
			}
			return fmt.Errorf("presets: create_user: Body field %q: %v: %w", k, err, ErrInvalidInput)
		}
	}
	return nil
}

func kindName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.String:
		return "string"
	case reflect.Int, reflect.Int64:
		return "integer"
	case reflect.Slice:
		return "list"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return t.String()
}

// systemuserFields returns the writable fields of POST /api/systemusers
// (the JSON names of jumpcloud.UserCreateRequest, the spec's
// systemuserputpost) and the read-only ones (in systemuserreturn only).
var systemuserFields = sync.OnceValues(func() ([]string, map[string]bool) {
	names := func(t reflect.Type) []string {
		var out []string
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" && t.Field(i).IsExported() {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	writable := names(reflect.TypeFor[jumpcloud.UserCreateRequest]())
	readOnly := map[string]bool{}
	for _, n := range names(reflect.TypeFor[jumpcloud.User]()) {
		if !slices.Contains(writable, n) {
			readOnly[n] = true
		}
	}
	return writable, readOnly
})
