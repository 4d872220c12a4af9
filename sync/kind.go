package sync

import (
	"context"
	"errors"
	"iter"
	"maps"
	"slices"
	"strings"
	gosync "sync"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
)

// The engine works over records and keys: a kind says where source
// records come from and where target records go. Users and assets are
// the kinds; everything else (plan, apply, report, deprovisioning) is one
// engine.
type kind struct {
	name      string // "users", "assets"
	src, dst  string // nouns: "user" and "user", "system" and "asset"
	sourceKey string // the source record's id member, e.g. _id
	targetKey string // the target record's id field, e.g. user_id
	// labelField is the target field that names a record for people
	// (username, device_name).
	labelField  string
	disputeHint string // what a record carrying another JumpCloud id may mean
	// idField is the target field that holds the source id ("" when the
	// mapping does not write it): disputes and deprovisioning use it.
	idField string
	// runFields are targets written from the run itself ($sync.time):
	// they never make a record differ on their own.
	runFields map[string]bool
	// createOnly are targets written only on create (the default role).
	createOnly map[string]bool
	// fold lists the sync keys compared case-insensitively (emails,
	// serial numbers).
	fold   map[string]bool
	source sourceStore
	target targetStore
	calls  *callCounter
}

// newKind fills what every kind derives from the mapping: the id field
// (the target of _id that is a sync key or the kind's JumpCloud id
// field), the run fields and the case-folded keys.
func newKind(k *kind, m *mapping.Mapping, idField string, fold func(key string) bool) *kind {
	k.runFields, k.createOnly, k.fold = map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range m.Fields {
		if f.From == k.sourceKey && k.idField == "" {
			for _, to := range f.To {
				if slices.Contains(m.SyncKeys, to) || to == idField {
					k.idField = to
					break
				}
			}
		}
		if f.From == mapping.SourceSyncTime {
			for _, to := range f.To {
				k.runFields[to] = true
			}
		}
	}
	for _, key := range m.SyncKeys {
		if fold(key) {
			k.fold[key] = true
		}
	}
	return k
}

// sourceStore reads source records.
type sourceStore interface {
	// list streams every source record; total says the server's count
	// after the listing ended (-1 when unknown).
	list(ctx context.Context, concurrency int) (seq iter.Seq2[map[string]any, error], total func() int)
	// lookups registers what the mapping's lookup transforms need.
	lookups(ctx context.Context, m *mapping.Mapping, concurrency int) ([]mapping.CompileOption, error)
	// origin names the source tenant: its base URL and organisation.
	origin() (url, org string)
	// gone is nil when JumpCloud answers 404 for the id now,
	// errStillThere when the record exists, or the error of the look-up.
	gone(ctx context.Context, id string) error
}

// targetStore reads and writes target records.
type targetStore interface {
	origin() string
	fields(ctx context.Context) ([]oomnitza.Field, error)
	records(ctx context.Context, fields []string, filter oomnitza.Filter, concurrency int) iter.Seq2[oomnitza.Record, error]
	create(ctx context.Context, rec oomnitza.Record) (id string, err error)
	update(ctx context.Context, id string, rec oomnitza.Record) error
	remove(ctx context.Context, id string) error
}

// callCounter counts the API calls a run makes, per endpoint (retries
// inside the clients are not counted).
type callCounter struct {
	mu gosync.Mutex
	n  map[string]int
}

func (c *callCounter) add(endpoint string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[endpoint] += n
}

func (c *callCounter) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

func usersKind(jc *jumpcloud.Client, oc *oomnitza.Client, m *mapping.Mapping) *kind {
	calls := &callCounter{}
	k := newKind(&kind{name: "users", src: "user", dst: "user", sourceKey: "_id", targetKey: "user_id", labelField: "username",
		disputeHint: "a recycled email or a re-created user?", calls: calls,
		source: &jumpcloudUsers{jc: jc, calls: calls}, target: &oomnitzaUsers{oc: oc, calls: calls}},
		m, mapping.JumpCloudIDField, func(key string) bool {
			return key == "username" || strings.Contains(strings.ToLower(key), "email")
		})
	roleMapped := false
	for _, f := range m.Fields {
		if slices.Contains(f.To, "role") {
			roleMapped = true
		}
	}
	if !roleMapped && m.Role != 0 {
		k.createOnly["role"] = true
	}
	return k
}

// errStillThere says a JumpCloud record a plan found gone exists again.
var errStillThere = errors.New("sync: the JumpCloud record exists")

// jumpcloudUsers is the source of the users kind.
type jumpcloudUsers struct {
	jc    *jumpcloud.Client
	calls *callCounter
}

func (j *jumpcloudUsers) origin() (string, string) { return j.jc.BaseURL(), j.jc.OrgID() }

func (j *jumpcloudUsers) gone(ctx context.Context, id string) error {
	j.calls.add("GET /api/systemusers/{id}", 1)
	_, err := j.jc.Users.Get(ctx, id)
	return goneErr(err)
}

func goneErr(err error) error {
	switch {
	case err == nil:
		return errStillThere
	case errors.Is(err, jumpcloud.ErrNotFound):
		return nil
	}
	return err
}

func (j *jumpcloudUsers) list(ctx context.Context, concurrency int) (iter.Seq2[map[string]any, error], func() int) {
	l := j.jc.Users.Records(ctx, &jumpcloud.ListOptions{Concurrency: concurrency})
	seq := func(yield func(map[string]any, error) bool) {
		defer func() { j.calls.add("GET /api/systemusers", pages(l.Read(), jumpcloud.MaxLimit)) }()
		for r, err := range l.All() {
			if !yield(r, err) {
				return
			}
		}
	}
	return seq, l.TotalCount
}

// lookups registers manager_email (a JumpCloud user id -> that user's
// email) when the mapping uses it, from one listing of ids and emails.
func (j *jumpcloudUsers) lookups(ctx context.Context, m *mapping.Mapping, concurrency int) ([]mapping.CompileOption, error) {
	if !usesLookup(m, "manager_email") {
		return nil, nil
	}
	emails := map[string]string{}
	l := j.jc.Users.Records(ctx, &jumpcloud.ListOptions{Fields: []string{"_id", "email"}, Concurrency: concurrency})
	for r, err := range l.All() {
		if err != nil {
			return nil, err
		}
		id, _ := r["_id"].(string)
		email, _ := r["email"].(string)
		emails[id] = email
	}
	j.calls.add("GET /api/systemusers", pages(l.Read(), jumpcloud.MaxLimit))
	return []mapping.CompileOption{mapping.WithLookup("manager_email", func(id string) (any, bool) {
		e, ok := emails[id]
		return e, ok
	})}, nil
}

func usesLookup(m *mapping.Mapping, name string) bool { return slices.Contains(lookupNames(m), name) }

func pages(items, limit int) int { return max(1, (items+limit-1)/limit) }

// oomnitzaUsers is the target of the users kind.
type oomnitzaUsers struct {
	oc    *oomnitza.Client
	calls *callCounter
}

func (o *oomnitzaUsers) origin() string { return o.oc.BaseURL() }

func (o *oomnitzaUsers) fields(ctx context.Context) ([]oomnitza.Field, error) {
	o.calls.add("GET /api/v3/users/meta", 1)
	return o.oc.Users.Fields(ctx)
}

func (o *oomnitzaUsers) records(ctx context.Context, fields []string, filter oomnitza.Filter, concurrency int) iter.Seq2[oomnitza.Record, error] {
	opts := &oomnitza.ListOptions{Fields: fields, Filter: filter, Concurrency: concurrency}
	return countPages(o.calls, "GET /api/v3/users", o.oc.Users.Records(ctx, opts))
}

// countPages passes a listing through, counting the pages it took.
func countPages(calls *callCounter, route string, seq iter.Seq2[oomnitza.Record, error]) iter.Seq2[oomnitza.Record, error] {
	return func(yield func(oomnitza.Record, error) bool) {
		n := 0
		defer func() { calls.add(route, pages(n, oomnitza.DefaultPageSize)) }()
		for r, err := range seq {
			if err == nil {
				n++
			}
			if !yield(r, err) {
				return
			}
		}
	}
}

func (o *oomnitzaUsers) create(ctx context.Context, rec oomnitza.Record) (string, error) {
	o.calls.add("POST /api/v3/users", 1)
	u, err := o.oc.Users.Create(ctx, rec)
	if err != nil {
		return "", err
	}
	return u.UserID, nil
}

func (o *oomnitzaUsers) update(ctx context.Context, id string, rec oomnitza.Record) error {
	o.calls.add("PATCH /api/v3/users/{id}", 1)
	_, err := o.oc.Users.Update(ctx, id, rec)
	return err
}

func (o *oomnitzaUsers) remove(ctx context.Context, id string) error {
	o.calls.add("DELETE /api/v3/users/{id}", 1)
	return o.oc.Users.Delete(ctx, id)
}
