package jumpcloudtest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jcoom/jcoom/internal/fakehttp"
	"github.com/jcoom/jcoom/jumpcloud"
)

// DefaultAPIKey is the key a Server accepts unless WithAPIKey says otherwise.
const DefaultAPIKey = "jcoom-fake-jumpcloud-key"

// DefaultOrgID is the organisation id of a Server unless WithOrgID says otherwise.
const DefaultOrgID = "5f0c1b2a3d4e5f6a7b8c9d0e"

// Server is an in-memory fake of the JumpCloud API on a loopback
// httptest.Server. It is safe for concurrent use.
type Server struct {
	// URL is the base URL to pass to jumpcloud.WithBaseURL.
	URL string

	ts          *httptest.Server
	plumbing    *fakehttp.Plumbing
	apiKey      string
	orgID       string
	multiTenant bool
	now         func() time.Time
	defaultSt   string
	noAdminProp bool

	mu        sync.Mutex
	users     map[string]record // id -> record
	ids       []string          // sorted ids
	passwords map[string]string
	admins    []record
	seq       uint64
	lastUID   int // the highest unix_uid given out or seeded
	generate  [][2]uint64

	systems    map[string]record              // id -> device
	sysIDs     []string                       // sorted device ids
	insights   map[string]map[string][]record // table -> system id -> rows
	genSystems [][2]uint64
}

type record = map[string]any

// Option configures a Server.
type Option func(*Server)

// WithAPIKey sets the accepted API key.
func WithAPIKey(key string) Option { return func(s *Server) { s.apiKey = key } }

// WithOrgID makes the server multi-tenant: every route except /api/users
// then requires x-org-id equal to id, answering as JumpCloud documents
// (401 when missing, 400 when malformed, 404 when unknown).
func WithOrgID(id string) Option { return func(s *Server) { s.orgID, s.multiTenant = id, true } }

// WithUsers seeds the store (see GenerateUsers). Users without an id get one.
func WithUsers(users ...*jumpcloud.User) Option {
	return func(s *Server) {
		for _, u := range users {
			s.addUser(u)
		}
	}
}

// WithGeneratedUsers seeds n users from GenerateUsersAt(n, seed, now),
// now being the server's clock (see WithClock, in any order).
func WithGeneratedUsers(n int, seed uint64) Option {
	return func(s *Server) { s.generate = append(s.generate, [2]uint64{uint64(n), seed}) }
}

// WithAdmins seeds the administrators returned by GET /api/users. A system
// user whose email matches an administrator carries an `admin` object.
func WithAdmins(admins ...*jumpcloud.Admin) Option {
	return func(s *Server) {
		for _, a := range admins {
			s.addAdmin(a)
		}
	}
}

// WithoutAdminProperty serves system users without the `admin` property,
// as tenants (and spec copies) from before 2025 do: a user's administrator
// role is then only found through GET /api/users.
func WithoutAdminProperty() Option { return func(s *Server) { s.noAdminProp = true } }

// WithLatency delays every request by d.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.plumbing.SetLatency(d) } }

// WithRateLimit answers 429 with a Retry-After (whole seconds, rounded up)
// once more than perSecond requests per second (burst at once) arrive.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *Server) { s.plumbing.SetRateLimit(perSecond, burst) }
}

// WithFaults injects a fault into each request with probability p, drawn
// from kinds with a deterministic generator seeded by seed.
func WithFaults(p float64, seed uint64, kinds ...Fault) Option {
	return func(s *Server) { s.plumbing.SetFaults(p, seed, kinds...) }
}

// WithSlowBody sets the pause between the chunks of a FaultSlowBody reply
// (default 50ms).
func WithSlowBody(d time.Duration) Option { return func(s *Server) { s.plumbing.SetSlowBody(d) } }

// WithClock sets the server's clock (for created dates and rate limiting).
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now; s.plumbing.SetClock(now) }
}

// WithDefaultState sets the state of users created without one
// (ACTIVATED by default, like settings.newSystemUserStateDefaults).
func WithDefaultState(st jumpcloud.State) Option {
	return func(s *Server) { s.defaultSt = string(st) }
}

// NewServer starts a fake on a loopback address. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		apiKey: DefaultAPIKey, orgID: DefaultOrgID, now: time.Now,
		defaultSt: string(jumpcloud.StateActivated),
		users:     map[string]record{}, passwords: map[string]string{},
		systems: map[string]record{}, insights: map[string]map[string][]record{},
	}
	s.plumbing = fakehttp.New(fakehttp.Hooks{Admit: s.admit, WriteError: func(w http.ResponseWriter, code int) {
		if code == http.StatusTooManyRequests {
			writeJSON(w, code, record{"message": "Too Many Requests"})
			return
		}
		writeError(w, code, http.StatusText(code), "UNAVAILABLE")
	}})
	for _, o := range opts {
		o(s)
	}
	for _, g := range s.generate {
		for _, u := range GenerateUsersAt(int(g[0]), g[1], s.now()) {
			s.addUser(u)
		}
	}
	for _, g := range s.genSystems {
		users := make([]*jumpcloud.User, 0, len(s.ids))
		for _, id := range s.ids {
			users = append(users, toUser(s.users[id]))
		}
		for _, d := range GenerateSystemsAt(int(g[0]), g[1], s.now(), users) {
			id := s.addSystem(d.System)
			for _, table := range slices.Sorted(maps.Keys(d.Insights)) {
				s.setRows(table, id, d.Insights[table])
			}
		}
	}
	s.ts = s.plumbing.Serve(s.routes())
	s.URL = s.ts.URL
	return s
}

// Handler returns the fake's HTTP handler, the one the server serves, for
// running the fake without a socket: behind a RoundTripper that calls it
// directly, for example inside testing/synctest, where time is fake and
// real network waits would stall the bubble. Faults that drop the
// connection (reset, commit-then-drop) need a real connection and fail
// behind a recorder.
func (s *Server) Handler() http.Handler { return s.ts.Config.Handler }

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// Connections returns how many connections clients have opened to the
// server: with a client's default transport, at most its concurrency.
func (s *Server) Connections() int { return s.plumbing.Connections() }

// APIKey returns the accepted API key.
func (s *Server) APIKey() string { return s.apiKey }

// OrgID returns the organisation id.
func (s *Server) OrgID() string { return s.orgID }

// Client returns a jumpcloud client pointed at the server with its API key
// (and org id, when multi-tenant). opts are applied after those.
func (s *Server) Client(opts ...jumpcloud.Option) (*jumpcloud.Client, error) {
	base := []jumpcloud.Option{jumpcloud.WithBaseURL(s.URL)}
	if s.multiTenant {
		base = append(base, jumpcloud.WithOrgID(s.orgID))
	}
	return jumpcloud.NewClient(s.apiKey, append(base, opts...)...)
}

// Len returns the number of system users.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.ids)
}

// User returns a copy of the stored user.
func (s *Server) User(id string) (*jumpcloud.User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.users[id]
	if !ok {
		return nil, false
	}
	return toUser(s.present(r)), true
}

// Users returns copies of all users in _id order.
func (s *Server) Users() []*jumpcloud.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*jumpcloud.User, 0, len(s.ids))
	for _, id := range s.ids {
		out = append(out, toUser(s.present(s.users[id])))
	}
	return out
}

// AddUser stores u (assigning an id when empty) and returns its id.
func (s *Server) AddUser(u *jumpcloud.User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUser(u)
}

// LockUser marks a user's account locked, as too many failed logins would.
func (s *Server) LockUser(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.users[id]
	if ok {
		r["account_locked"] = true
		r["account_locked_date"] = s.stamp()
		r["badLoginAttempts"] = float64(10)
	}
	return ok
}

// AddAdmin stores an administrator.
func (s *Server) AddAdmin(a *jumpcloud.Admin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addAdmin(a)
}

func toUser(r record) *jumpcloud.User {
	b, _ := json.Marshal(r)
	var u jumpcloud.User
	_ = json.Unmarshal(b, &u)
	return &u
}

func toRecord(v any) record {
	b, _ := json.Marshal(v)
	var r record
	_ = json.Unmarshal(b, &r)
	return r
}

func (s *Server) addUser(u *jumpcloud.User) string {
	r := toRecord(u)
	if id, _ := r["_id"].(string); id == "" || s.users[id] != nil {
		r["_id"] = s.newID()
	}
	if c, _ := r["created"].(string); c == "" {
		r["created"] = s.stamp()
	}
	// A user belongs to the organisation it is seeded into.
	r["organization"] = s.orgID
	s.assignUID(r)
	delete(r, "admin")
	s.insert(r)
	return r["_id"].(string)
}

// assignUID gives a user without one the next unix_uid and unix_guid (the
// spec's minimum is 1; JumpCloud's managed ids start higher, at 5000 here,
// an inference).
func (s *Server) assignUID(r record) {
	uid, _ := r["unix_uid"].(float64)
	if uid < 1 {
		s.lastUID = max(s.lastUID+1, 5000)
		uid = float64(s.lastUID)
		r["unix_uid"] = uid
	} else {
		s.lastUID = max(s.lastUID, int(uid))
	}
	if g, _ := r["unix_guid"].(float64); g < 1 {
		r["unix_guid"] = uid
	}
}

func (s *Server) insert(r record) {
	id := r["_id"].(string)
	s.users[id] = r
	i, _ := slices.BinarySearch(s.ids, id)
	s.ids = slices.Insert(s.ids, i, id)
}

func (s *Server) addAdmin(a *jumpcloud.Admin) {
	r := toRecord(a)
	if id, _ := r["_id"].(string); id == "" {
		r["_id"] = s.newID()
	}
	if c, _ := r["created"].(string); c == "" {
		r["created"] = s.stamp()
	}
	if r["organization"] == "" || r["organization"] == nil {
		r["organization"] = s.orgID
	}
	s.admins = append(s.admins, r)
}

// newID returns an ObjectId-like id: 8 hex of the time, 16 of a counter.
func (s *Server) newID() string {
	s.seq++
	return fmt.Sprintf("%08x%016x", uint32(s.now().Unix()), 0xa000000000000000|s.seq)
}

func (s *Server) stamp() string { return s.now().UTC().Format("2006-01-02T15:04:05.000Z") }

// present returns the record as the API shows it: no password, and the
// admin object filled from the administrator with the same email.
func (s *Server) present(r record) record {
	out := make(record, len(r)+1)
	for k, v := range r {
		out[k] = v
	}
	// A password past its expiration date is expired, whenever the date
	// was set: the flag follows the fake's clock, as JumpCloud's does.
	if exp, _ := r["password_expiration_date"].(string); exp != "" && r["password_never_expires"] != true {
		if t, err := jumpcloud.ParseTimestamp(exp); err == nil && !t.IsZero() && !t.After(s.now()) {
			out["password_expired"] = true
		}
	}
	if s.noAdminProp {
		return out
	}
	out["admin"] = nil
	email, _ := r["email"].(string)
	for _, a := range s.admins {
		if ae, _ := a["email"].(string); email != "" && strings.EqualFold(ae, email) {
			out["admin"] = record{"id": a["_id"], "roleName": a["roleName"], "roleNames": a["roleNames"]}
			break
		}
	}
	return out
}

// --- HTTP plumbing -------------------------------------------------------

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h func(http.ResponseWriter, *http.Request)) {
		mux.Handle(pattern, s.wrap(pattern, http.HandlerFunc(h)))
	}
	handle("GET /api/systemusers", s.listUsers)
	handle("POST /api/systemusers", s.createUser)
	handle("GET /api/systemusers/{id}", s.getUser)
	handle("PUT /api/systemusers/{id}", s.updateUser)
	handle("DELETE /api/systemusers/{id}", s.deleteUser)
	handle("POST /api/systemusers/{id}/unlock", s.unlockUser)
	handle("POST /api/systemusers/{id}/expire", s.expireUser)
	handle("POST /api/systemusers/{id}/resetmfa", s.resetMFA)
	handle("POST /api/systemusers/{id}/state/activate", s.activateUser)
	handle("GET /api/systemusers/{id}/sshkeys", s.listSSHKeys)
	handle("POST /api/systemusers/{id}/sshkeys", s.addSSHKey)
	handle("DELETE /api/systemusers/{id}/sshkeys/{key}", s.deleteSSHKey)
	handle("POST /api/search/systemusers", s.searchUsers)
	handle("GET /api/users", s.listAdmins)
	handle("GET /api/systems", s.listSystems)
	handle("GET /api/systems/{id}", s.getSystem)
	handle("GET /api/v2/systeminsights/{table}", s.listInsights)
	mux.Handle("/", s.wrap("other", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found", "NOT_FOUND")
	})))
	return mux
}

var orgIDRe = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)

func (s *Server) wrap(route string, next http.Handler) http.Handler {
	if route == "other" {
		route = ""
	}
	return s.plumbing.Wrap(route, next)
}

// admit checks the API key and the x-org-id rules.
func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("x-api-key") != s.apiKey {
		writeError(w, http.StatusUnauthorized, "Unauthorized", "UNAUTHENTICATED")
		return false
	}
	return s.checkOrg(w, r)
}

func (s *Server) checkOrg(w http.ResponseWriter, r *http.Request) bool {
	org, present := r.Header.Get("x-org-id"), len(r.Header.Values("x-org-id")) > 0
	adminRoute := r.URL.Path == "/api/users" || strings.HasPrefix(r.URL.Path, "/api/users/")
	switch {
	case adminRoute:
		// x-org-id is optional on /api/users: an administrator route, it
		// is not scoped by organisation (the official SDK strips it).
		return true
	case !present && s.multiTenant:
		writeError(w, http.StatusUnauthorized, "ID not included for multi-tenant admin", "UNAUTHENTICATED")
	case !present:
		return true
	case !orgIDRe.MatchString(org):
		writeError(w, http.StatusBadRequest, "Malformed ID", "INVALID_ARGUMENT")
	case !strings.EqualFold(org, s.orgID):
		writeError(w, http.StatusNotFound, "Organization ID Not Found", "NOT_FOUND")
	default:
		return true
	}
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeError writes the documented Error body {code, message, status}.
func writeError(w http.ResponseWriter, code int, msg, status string) {
	writeJSON(w, code, record{"code": code, "message": msg, "status": status})
}
