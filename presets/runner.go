package presets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/oomnitza"
)

// DefaultSaaSName is the Oomnitza SaaS application that User Role records
// roles on.
const DefaultSaaSName = "JumpCloud"

// DefaultConcurrency is how many users RunMany works on at once.
const DefaultConcurrency = 4

// Runner runs presets driven by Oomnitza People records: it reads the
// record, renders the preset's inputs from its fields, runs the action and
// writes the outcome back onto the record. A Runner is safe for
// concurrent use.
type Runner struct {
	jc *jumpcloud.Client
	oc *oomnitza.Client

	idField     string
	roleField   string
	saasName    string
	concurrency int
	log         *slog.Logger
	err         error // from the options, returned by every run

	saasMu sync.Mutex
	saasID int // the SaaS application's id, once found or created
}

// RunnerOption configures a Runner. An invalid value makes every run fail
// with an error naming the option (NewRunner itself cannot fail).
type RunnerOption func(*Runner) error

// WithIDField sets the Oomnitza field that holds the JumpCloud user id
// (default jump_cloud_user_id).
func WithIDField(field string) RunnerOption {
	return func(r *Runner) error { return setField(&r.idField, "WithIDField", field) }
}

// WithRoleField makes User Role write the role into this People field
// instead of the user's SaaS role on the JumpCloud SaaS application.
func WithRoleField(field string) RunnerOption {
	return func(r *Runner) error { return setField(&r.roleField, "WithRoleField", field) }
}

func setField(dst *string, option, field string) error {
	if strings.TrimSpace(field) == "" || field != strings.TrimSpace(field) {
		return fmt.Errorf("presets: %s(%q): want a field external id without surrounding spaces", option, field)
	}
	*dst = field
	return nil
}

// WithSaaSName sets the Oomnitza SaaS application User Role records the
// role on (default JumpCloud); it is found by name or created.
func WithSaaSName(name string) RunnerOption {
	return func(r *Runner) error {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("presets: WithSaaSName(%q): want a SaaS application name", name)
		}
		r.saasName = name
		return nil
	}
}

// WithConcurrency sets how many users RunMany works on at once (default 4).
func WithConcurrency(n int) RunnerOption {
	return func(r *Runner) error {
		if n < 1 || n > 256 {
			return fmt.Errorf("presets: WithConcurrency(%d): want 1 to 256", n)
		}
		r.concurrency = n
		return nil
	}
}

// WithLogger logs one line per run (preset, status, ids, reason; never a
// credential). The default discards.
func WithLogger(l *slog.Logger) RunnerOption {
	return func(r *Runner) error {
		if l == nil {
			return errors.New("presets: WithLogger(nil)")
		}
		r.log = l
		return nil
	}
}

// NewRunner returns a Runner over the two clients. It does no I/O.
func NewRunner(jc *jumpcloud.Client, oc *oomnitza.Client, opts ...RunnerOption) *Runner {
	r := &Runner{jc: jc, oc: oc, idField: DefaultIDField, saasName: DefaultSaaSName,
		concurrency: DefaultConcurrency, log: slog.New(slog.DiscardHandler)}
	switch {
	case jc == nil:
		r.err = errors.New("presets: NewRunner: the JumpCloud client is nil")
	case oc == nil:
		r.err = errors.New("presets: NewRunner: the Oomnitza client is nil")
	}
	for _, o := range opts {
		if o == nil || r.err != nil {
			continue
		}
		r.err = o(r)
	}
	return r
}

// IDField returns the Oomnitza field that holds the JumpCloud user id.
func (r *Runner) IDField() string { return r.idField }

// Run runs one preset for the Oomnitza user oomnitzaUserID: it reads the
// record, renders the inputs from its fields and runs the action, then
// writes the outcome back: the JumpCloud id after Create (and after a
// linked StatusNoOp), the id cleared after Delete, the role after User Role.
// Delete and Expire check first that the JumpCloud user is the record's
// person (see ErrIdentityMismatch). With DryRun the record is read but no
// JumpCloud request is sent and nothing is written.
func (r *Runner) Run(ctx context.Context, name, oomnitzaUserID string, opts ...Option) (*Result, error) {
	p, ok := Lookup(name)
	if !ok {
		res := &Result{Preset: name, OomnitzaUserID: oomnitzaUserID}
		return res.fail(unknownPreset(name))
	}
	return r.run(ctx, p, oomnitzaUserID, newRunConfig(opts), &saasUsers{})
}

// RunMany runs one preset for many Oomnitza users, at most the runner's
// concurrency at a time, and returns one result per id, in input order. A
// failure never stops the others; the error is non-nil when any run
// failed, and each failed result's Err says why.
func (r *Runner) RunMany(ctx context.Context, name string, oomnitzaUserIDs []string, opts ...Option) ([]*Result, error) {
	p, ok := Lookup(name)
	if !ok {
		return nil, unknownPreset(name)
	}
	results := make([]*Result, len(oomnitzaUserIDs))
	shared := &saasUsers{}
	sem := make(chan struct{}, r.concurrency)
	var wg sync.WaitGroup
	for i, id := range oomnitzaUserIDs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			res := &Result{Preset: name, OomnitzaUserID: id}
			_, _ = res.fail(fmt.Errorf("presets: %s not run: %w", name, ctx.Err()))
			results[i] = res
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			results[i], _ = r.run(ctx, p, id, newRunConfig(opts), shared)
		})
	}
	wg.Wait()
	var failed int
	var first error
	for _, res := range results {
		if res.Status == StatusFailed {
			failed++
			if first == nil {
				first = res.err
			}
		}
	}
	if failed > 0 {
		return results, fmt.Errorf("presets: %s failed for %d of %d users; first: %w", name, failed, len(results), first)
	}
	return results, nil
}

func (r *Runner) run(ctx context.Context, p *Preset, oid string, c *runConfig, saas *saasUsers) (*Result, error) {
	res, err := r.runOne(ctx, p, oid, c, saas)
	res.OomnitzaUserID = oid
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelWarn
	}
	r.log.LogAttrs(ctx, level, "preset run", slog.String("preset", res.Preset), slog.String("status", res.Status.String()),
		slog.String("oomnitza_user_id", oid), slog.String("jumpcloud_user_id", res.UserID), slog.String("reason", res.Reason))
	return res, err
}

func (r *Runner) runOne(ctx context.Context, p *Preset, oid string, c *runConfig, saas *saasUsers) (*Result, error) {
	res := &Result{Preset: p.name, OomnitzaUserID: oid}
	if r.err != nil {
		return res.fail(r.err)
	}
	if err := oomnitza.ValidateID(oid); err != nil {
		return res.fail(fmt.Errorf("%w: %w", ErrInvalidInput, err))
	}
	rec, err := r.oc.Users.Get(ctx, oid)
	if err != nil {
		return res.fail(fmt.Errorf("presets: %s: reading Oomnitza user %s: %w", p.name, oid, err))
	}
	c.idField = r.idField
	current, err := r.idOf(rec)
	if err != nil {
		return res.fail(err)
	}
	person := Person{ID: oid, Username: rec.Username, Email: rec.Email}
	if p.name == NameCreateUser {
		return r.create(ctx, rec, current, person, c)
	}
	if p.destructive && !c.skipIdentity {
		c.expect = &person
	}
	var out *Result
	switch p.name {
	case NameDeleteUser:
		out, err = deleteUser(ctx, r.jc, current, c)
	case NameUnlockUser:
		out, err = unlockUser(ctx, r.jc, current, c)
	case NameExpirePassword:
		out, err = expirePassword(ctx, r.jc, current, c)
	case NameUserRole:
		out, err = userRole(ctx, r.jc, current, c)
	}
	if err != nil || c.dryRun {
		return out, err
	}
	switch p.name {
	case NameDeleteUser:
		// The JumpCloud user is gone (now or before): the record no
		// longer points at anyone.
		if err := r.writeField(ctx, out, oid, r.idField, current, nil); err != nil {
			return r.writeBackFailed(out, err)
		}
		if len(out.WriteBack) > 0 && out.Status == StatusNoOp {
			out.Status = StatusApplied
			out.Reason += "; the stale id was cleared on the record"
		}
	case NameUserRole:
		if err := r.writeRole(ctx, out, rec, saas); err != nil {
			return r.writeBackFailed(out, err)
		}
	}
	return out, nil
}

// idOf reads the JumpCloud id from the record's id field ("" when empty).
func (r *Runner) idOf(rec *oomnitza.User) (string, error) {
	v, ok := rec.Field(r.idField)
	if !ok || v == nil {
		return "", nil
	}
	s, isString := v.(string)
	if !isString {
		return "", &InputError{Field: r.idField, Value: fmt.Sprint(v), Want: "a JumpCloud user id (24 lower-case hex characters) as a string"}
	}
	return s, nil
}

var createFields = map[string]string{"username": "username", "email": "email", "firstname": "first_name", "lastname": "last_name"}

func (r *Runner) create(ctx context.Context, rec *oomnitza.User, current string, person Person, c *runConfig) (*Result, error) {
	res := &Result{Preset: NameCreateUser}
	if current != "" {
		if err := checkID(r.idField, current); err != nil {
			return res.fail(fmt.Errorf("%w (the record already holds a value there; fix or clear it before creating)", err))
		}
		if !c.dryRun {
			u, err := r.jc.Users.Get(ctx, current)
			switch {
			case err == nil:
				res.UserID = current
				if !samePerson(u, person) {
					return res.fail(&IdentityError{Preset: NameCreateUser,
						JumpCloud: Person{ID: u.ID, Username: u.Username, Email: u.Email, AlternateEmail: u.AlternateEmail}, Oomnitza: person})
				}
				return noop(res, fmt.Sprintf("the record is already linked to JumpCloud user %q", u.Username))
			case !errors.Is(err, jumpcloud.ErrNotFound):
				return res.fail(fmt.Errorf("presets: create_user: reading the linked JumpCloud user %s: %w", current, err))
			}
			// The id is stale (that user is gone): create, then replace it.
		}
	}
	in := CreateUserInput{Username: rec.Username, Email: rec.Email, Firstname: rec.FirstName, Lastname: rec.LastName, Body: c.body}
	out, err := createUser(ctx, r.jc, in, c, func(input string) string { return createFields[input] })
	if err != nil || c.dryRun {
		return out, err
	}
	if out.UserID != current {
		if err := r.writeField(ctx, out, rec.UserID, r.idField, nullable(current), out.UserID); err != nil {
			return r.writeBackFailed(out, err)
		}
		if out.Status == StatusNoOp {
			out.Status = StatusApplied
			out.Reason += "; id stored on the record"
		}
	}
	return out, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (r *Runner) writeField(ctx context.Context, res *Result, oid, field string, old, new any) error {
	if old == new || old == nil && new == nil {
		return nil
	}
	if _, err := r.oc.Users.Update(ctx, oid, oomnitza.Record{field: new}); err != nil {
		return fmt.Errorf("writing %s on Oomnitza user %s: %w", field, oid, err)
	}
	res.WriteBack = append(res.WriteBack, Change{Field: field, Old: old, New: new})
	return nil
}

// writeBackFailed turns a result whose JumpCloud part succeeded into a
// failure, saying what was done: a rerun converges.
func (r *Runner) writeBackFailed(res *Result, err error) (*Result, error) {
	res.Reason = fmt.Sprintf("%s in JumpCloud, but the write-back failed: %v", res.Reason, err)
	return res.fail(fmt.Errorf("presets: %s: %w", res.Preset, err))
}

// writeRole records the role: in the People field of WithRoleField, or as
// the user's SaaS role on the JumpCloud SaaS application.
func (r *Runner) writeRole(ctx context.Context, res *Result, rec *oomnitza.User, saas *saasUsers) (err error) {
	before := len(res.WriteBack)
	defer func() {
		if len(res.WriteBack) == before {
			res.Status = StatusNoOp
			res.Reason += "; already recorded in Oomnitza"
		}
	}()
	if r.roleField != "" {
		old, _ := rec.Field(r.roleField)
		if s, ok := old.(string); ok && s == res.Role {
			return nil
		}
		return r.writeField(ctx, res, rec.UserID, r.roleField, old, res.Role)
	}
	saasID, err := r.saasApp(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if errors.Is(err, oomnitza.ErrNotFound) {
			r.forgetSaaSApp(saasID) // deleted meanwhile: look it up again next time
		}
	}()
	su, err := saas.get(ctx, r.oc, saasID, rec.UserID)
	if err != nil {
		return err
	}
	prefix := "saas:" + r.saasName + ":"
	if su == nil {
		if err := r.oc.SaaS.AssignUsers(ctx, saasID, oomnitza.Assignment{UserID: rec.UserID, Assign: true}); err != nil {
			return fmt.Errorf("assigning Oomnitza user %s to SaaS %q: %w", rec.UserID, r.saasName, err)
		}
		res.WriteBack = append(res.WriteBack, Change{Field: prefix + "assigned", Old: false, New: true})
		su = &oomnitza.SaaSUser{}
	}
	if su.UserExternalID != res.UserID {
		if err := r.oc.SaaS.SetUserExternalID(ctx, saasID, rec.UserID, res.UserID); err != nil {
			return fmt.Errorf("storing the JumpCloud id on SaaS user %s: %w", rec.UserID, err)
		}
		res.WriteBack = append(res.WriteBack, Change{Field: prefix + "user_external_id", Old: nullable(su.UserExternalID), New: res.UserID})
	}
	if su.Roles.RoleExternalID != res.Role {
		if err := r.oc.SaaS.SetUserRoles(ctx, saasID, rec.UserID, oomnitza.RoleRef{ExternalID: res.Role, Label: res.Role}); err != nil {
			return fmt.Errorf("setting the SaaS role of %s: %w", rec.UserID, err)
		}
		res.WriteBack = append(res.WriteBack, Change{Field: prefix + "role", Old: nullable(su.Roles.RoleExternalID), New: res.Role})
	}
	return nil
}

func (r *Runner) forgetSaaSApp(id int) {
	r.saasMu.Lock()
	defer r.saasMu.Unlock()
	if r.saasID == id {
		r.saasID = 0
	}
}

// saasApp finds the SaaS application by name, or creates it, once per
// Runner.
func (r *Runner) saasApp(ctx context.Context) (int, error) {
	r.saasMu.Lock()
	defer r.saasMu.Unlock()
	if r.saasID != 0 {
		return r.saasID, nil
	}
	app, _, err := r.oc.SaaS.Ensure(ctx, r.saasName)
	if err != nil {
		return 0, fmt.Errorf("finding or creating SaaS %q: %w", r.saasName, err)
	}
	id := app.SaaSID
	r.saasID = id
	return id, nil
}

// saasUsers indexes the SaaS users of the application by Oomnitza user id,
// read once per Run or RunMany (again after a failed read).
type saasUsers struct {
	mu    sync.Mutex
	users map[string]*oomnitza.SaaSUser
}

func (s *saasUsers) get(ctx context.Context, oc *oomnitza.Client, saasID int, userID string) (*oomnitza.SaaSUser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.users == nil {
		users := map[string]*oomnitza.SaaSUser{}
		for su, err := range oc.SaaS.Users(ctx, saasID) {
			if err != nil {
				return nil, fmt.Errorf("reading the users of SaaS %d: %w", saasID, err)
			}
			users[su.UserID] = su
		}
		s.users = users
	}
	return s.users[userID], nil
}
