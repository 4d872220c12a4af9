package oomnitzatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jcoom/jcoom/internal/fakehttp"
	"github.com/jcoom/jcoom/oomnitza"
)

// DefaultToken is the API token a Server accepts unless WithToken says otherwise.
const DefaultToken = "jcoom-fake-oomnitza-token"

// Default roles of a new instance (Oomnitza ships "Super Administrator"
// and "Employee"; connectors commonly use role 25).
var defaultRoles = map[int]string{1: "Super Administrator", 25: "Employee"}

// DefaultRoles returns the roles of a new fake instance (see WithRoles):
// 1 "Super Administrator" and 25 "Employee". The ids are the fake's;
// real instances number their roles themselves.
func DefaultRoles() map[int]string { return maps.Clone(defaultRoles) }

// Server is an in-memory fake of the Oomnitza v3 API on a loopback
// httptest.Server. It is safe for concurrent use.
type Server struct {
	// URL is the instance URL to pass to oomnitza.NewClient.
	URL string

	ts          *httptest.Server
	plumbing    *fakehttp.Plumbing
	token       string
	now         func() time.Time
	deleteWith  int
	roles       map[int]string
	fields      []*FieldSpec
	fieldByID   map[string]*FieldSpec
	saasFields  map[string]*FieldSpec
	seedErr     error
	initialRecs []oomnitza.Record

	mu        sync.Mutex
	users     map[string]map[string]any // user_id -> stored record
	order     []string                  // user ids in creation order
	uniqueIdx map[string]map[string]string
	seq       int64
	saas      map[int]*saasApp
	saasOrder []int
	saasSeq   int
	saasUsers map[string]*saasUser // saas_user_id -> record
	roleSeq   int
	assets    *assetStore
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the accepted API token.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithField declares a custom People field (label, type, unique, ...).
func WithField(f FieldSpec) Option {
	return func(s *Server) {
		f := f
		s.addField(&f)
	}
}

// WithRoles replaces the known Oomnitza role ids (a user's role must be one).
func WithRoles(roles map[int]string) Option {
	return func(s *Server) {
		s.roles = make(map[int]string, len(roles))
		for k, v := range roles {
			s.roles[k] = v
		}
	}
}

// WithRecords seeds users from records, validated as a POST would be.
// NewServer's first seeding error is reported by Err.
func WithRecords(recs ...oomnitza.Record) Option {
	return func(s *Server) { s.initialRecs = append(s.initialRecs, recs...) }
}

// WithDeleteStatus sets what DELETE /api/v3/users/{id} answers: 200 with
// the user (the spec) or 204 with no body (seen in practice).
func WithDeleteStatus(code int) Option { return func(s *Server) { s.deleteWith = code } }

// WithLatency delays every request by d.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.plumbing.SetLatency(d) } }

// WithRateLimit answers 429 with Retry-After beyond perSecond requests per
// second (burst at once).
func WithRateLimit(perSecond float64, burst int) Option {
	return func(s *Server) { s.plumbing.SetRateLimit(perSecond, burst) }
}

// WithFaults injects a fault with probability p, drawn from kinds with a
// deterministic generator seeded by seed.
func WithFaults(p float64, seed uint64, kinds ...Fault) Option {
	return func(s *Server) { s.plumbing.SetFaults(p, seed, kinds...) }
}

// WithSlowBody sets the pause between chunks of a FaultSlowBody reply.
func WithSlowBody(d time.Duration) Option { return func(s *Server) { s.plumbing.SetSlowBody(d) } }

// WithClock sets the server's clock (for dates and rate limiting).
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now; s.plumbing.SetClock(now) }
}

// NewServer starts a fake on a loopback address. Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		token: DefaultToken, now: time.Now, deleteWith: http.StatusOK, roles: defaultRoles,
		fieldByID: map[string]*FieldSpec{}, users: map[string]map[string]any{},
		uniqueIdx: map[string]map[string]string{}, saas: map[int]*saasApp{}, saasUsers: map[string]*saasUser{},
		assets: newAssetStore(),
	}
	s.plumbing = fakehttp.New(fakehttp.Hooks{Admit: s.admit, WriteError: func(w http.ResponseWriter, code int) {
		writeErrors(w, code, http.StatusText(code))
	}})
	for _, f := range StandardFields() {
		f := f
		s.addField(&f)
	}
	s.saasFields = saasSchema()
	for _, o := range opts {
		o(s)
	}
	for _, rec := range s.initialRecs {
		if _, err := s.AddRecord(rec); err != nil && s.seedErr == nil {
			s.seedErr = err
		}
	}
	s.initialRecs = nil
	s.ts = s.plumbing.Serve(s.routes())
	s.URL = s.ts.URL
	return s
}

// Err reports the first error seeding WithRecords met.
func (s *Server) Err() error { return s.seedErr }

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

// Token returns the accepted API token.
func (s *Server) Token() string { return s.token }

// Client returns an oomnitza client pointed at the server with its token.
func (s *Server) Client(opts ...oomnitza.Option) (*oomnitza.Client, error) {
	return oomnitza.NewClient(s.URL, s.token, opts...)
}

// Fields returns the declared People fields.
func (s *Server) Fields() []FieldSpec {
	out := make([]FieldSpec, len(s.fields))
	for i, f := range s.fields {
		out[i] = *f
	}
	return out
}

func (s *Server) addField(f *FieldSpec) {
	if old, ok := s.fieldByID[f.ExternalID]; ok {
		*old = *f
		return
	}
	s.fields = append(s.fields, f)
	s.fieldByID[f.ExternalID] = f
}

func (s *Server) field(id string) *FieldSpec { return s.fieldByID[id] }

// Len returns the number of users.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.order)
}

// User returns a copy of the stored user.
func (s *Server) User(id string) (*oomnitza.User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.users[id]
	if !ok {
		return nil, false
	}
	return toUser(s.present(rec, nil)), true
}

// Users returns copies of all users in creation order.
func (s *Server) Users() []*oomnitza.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*oomnitza.User, len(s.order))
	for i, id := range s.order {
		out[i] = toUser(s.present(s.users[id], nil))
	}
	return out
}

// AddRecord stores a user as POST /api/v3/users would (same validation)
// and returns its user_id.
func (s *Server) AddRecord(rec oomnitza.Record) (string, error) {
	body, err := normalize(rec)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Seeding may set any field an instance would hold.
	stored, errs := s.createLocked(body, writeHeaders{ignoreMeta: true})
	if len(errs) > 0 {
		return "", fmt.Errorf("oomnitzatest: %s", strings.Join(errs, "; "))
	}
	return stored["user_id"].(string), nil
}

// AddLegacyRecord stores a record without checking unique fields: data
// that an instance holds from before a field was made unique, or from an
// import, so that code can be tested against duplicates it must not
// merge. Everything else is checked as in AddRecord.
func (s *Server) AddLegacyRecord(rec oomnitza.Record) (string, error) {
	body, err := normalize(rec)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, errs := s.createLocked(body, writeHeaders{ignoreMeta: true, legacy: true})
	if len(errs) > 0 {
		return "", fmt.Errorf("oomnitzatest: %s", strings.Join(errs, "; "))
	}
	return stored["user_id"].(string), nil
}

// normalize turns a Go record into the JSON-decoded form handlers see.
func normalize(rec oomnitza.Record) (map[string]any, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return decodeObject(b)
}

func decodeObject(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("body must be a JSON object")
	}
	return m, nil
}

func toUser(rec map[string]any) *oomnitza.User {
	b, _ := json.Marshal(rec)
	var u oomnitza.User
	_ = json.Unmarshal(b, &u)
	return &u
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.plumbing.Wrap(pattern, h)) }
	handle("GET /api/v3/users", s.listUsers)
	handle("POST /api/v3/users", s.createUser)
	handle("GET /api/v3/users/meta", s.usersMeta)
	handle("GET /api/v3/users/{ident}", s.getUser)
	handle("PATCH /api/v3/users/{ident}", s.updateUser)
	handle("DELETE /api/v3/users/{ident}", s.deleteUser)
	handle("GET /api/v3/assets", s.listAssets)
	handle("POST /api/v3/assets", s.createAsset)
	handle("GET /api/v3/assets/meta", s.assetsMeta)
	handle("GET /api/v3/assets/{ident}", s.getAsset)
	handle("PATCH /api/v3/assets/{ident}", s.updateAsset)
	handle("DELETE /api/v3/assets/{ident}", s.deleteAsset)
	handle("GET /api/v3/saas", s.listSaaS)
	handle("POST /api/v3/saas", s.createSaaS)
	handle("GET /api/v3/saas/{ident}", s.getSaaS)
	handle("PATCH /api/v3/saas/{ident}", s.updateSaaS)
	handle("GET /api/v3/saas/{ident}/users", s.listSaaSUsers)
	handle("POST /api/v3/saas/{ident}/users", s.assignSaaSUsers)
	handle("POST /api/v3/saas/{ident}/users/{user_id}", s.setSaaSUserExternalID)
	handle("GET /api/v3/saas/{ident}/roles", s.listSaaSRoles)
	handle("POST /api/v3/saas/{ident}/roles", s.createSaaSRole)
	handle("PATCH /api/v3/saas/{ident}/roles/users", s.setSaaSUserRoles)
	handle("DELETE /api/v3/saas/{ident}", s.deleteSaaS)
	handle("POST /api/v3/saas/{ident}/roles/users", s.assignSaaSRoles)
	handle("PATCH /api/v3/saas/{ident}/roles/{role}", s.updateSaaSRole)
	handle("DELETE /api/v3/saas/{ident}/roles/{role}", s.deleteSaaSRole)
	handle("GET /api/v3/saas_users", s.listAllSaaSUsers)
	handle("PATCH /api/v3/saas_users/activate", s.activateSaaSUsers(true))
	handle("PATCH /api/v3/saas_users/deactivate", s.activateSaaSUsers(false))
	mux.Handle("/", s.plumbing.Wrap("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrors(w, http.StatusNotFound, "Not found")
	})))
	return mux
}

func (s *Server) admit(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("Authorization2") != s.token {
		writeErrors(w, http.StatusUnauthorized, "Invalid or missing API token")
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeErrors writes {"errors": [...]}, the shape the fake uses for 4xx/5xx.
func writeErrors(w http.ResponseWriter, code int, msgs ...string) {
	writeJSON(w, code, map[string]any{"errors": msgs})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
