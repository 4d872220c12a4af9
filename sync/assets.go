package sync

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
)

// assetsKind is the devices -> hardware assets kind: JumpCloud systems,
// joined with the System Insights rows the mapping reads, into Oomnitza
// assets matched by serial number (or the mapping's keys).
func assetsKind(jc *jumpcloud.Client, oc *oomnitza.Client, m *mapping.Mapping, fields []oomnitza.Field) *kind {
	calls := &callCounter{}
	return newKind(&kind{name: "assets", src: "system", dst: "asset", sourceKey: "_id", targetKey: "equipment_id", labelField: "device_name",
		disputeHint: "a serial number re-used, or the device re-enrolled?", calls: calls,
		source: &jumpcloudSystems{jc: jc, oc: oc, calls: calls, tables: insightsTables(m)},
		target: &oomnitzaAssets{oc: oc, calls: calls, keys: slices.Clone(m.SyncKeys), fixed: fields}},
		m, mapping.JumpCloudSystemIDField, func(key string) bool {
			// Serial numbers and barcodes name the same device in any case.
			return key == "serial_number" || key == "barcode" || strings.Contains(strings.ToLower(key), "email")
		})
}

// insightsTables lists the System Insights tables a mapping reads: those
// named by a rule's path, a fallback, an expression or the filter.
func insightsTables(m *mapping.Mapping) []string {
	var out []string
	uses := func(table, text string) bool {
		return text == table || strings.HasPrefix(text, table+".") || strings.Contains(text, table)
	}
	for _, table := range jumpcloud.HardwareTables() {
		used := uses(table, m.Filter)
		for _, f := range m.Fields {
			for _, p := range append([]string{f.From, f.Expr}, f.Fallback...) {
				used = used || p != "" && uses(table, p)
			}
		}
		if used {
			out = append(out, table)
		}
	}
	return out
}

// oneRowTables are the tables with one row per system: a record holds
// their row as an object; other tables (disk_info) as a list.
var oneRowTables = map[string]bool{
	jumpcloud.TableSystemInfo: true, jumpcloud.TableOSVersion: true,
	jumpcloud.TableChassisInfo: true, jumpcloud.TableBattery: true,
}

// jumpcloudSystems is the source of the assets kind.
type jumpcloudSystems struct {
	jc     *jumpcloud.Client
	oc     *oomnitza.Client
	calls  *callCounter
	tables []string
}

func (j *jumpcloudSystems) origin() (string, string) { return j.jc.BaseURL(), j.jc.OrgID() }

func (j *jumpcloudSystems) gone(ctx context.Context, id string) error {
	j.calls.add("GET /api/systems/{id}", 1)
	_, err := j.jc.Systems.Get(ctx, id)
	return goneErr(err)
}

// list streams the systems, DefaultInsightsBatch at a time: each batch's
// rows of the tables the mapping reads are fetched with one system_id:in:
// request per table and joined to their systems before the batch is
// yielded. A failed table read ends the listing with its error, so the
// plan is incomplete and deprovisions nothing.
func (j *jumpcloudSystems) list(ctx context.Context, concurrency int) (iter.Seq2[map[string]any, error], func() int) {
	l := j.jc.Systems.Records(ctx, &jumpcloud.ListOptions{Concurrency: concurrency})
	seq := func(yield func(map[string]any, error) bool) {
		defer func() { j.calls.add("GET /api/systems", pages(l.Read(), jumpcloud.MaxLimit)) }()
		batch := make([]map[string]any, 0, jumpcloud.DefaultInsightsBatch)
		flush := func() bool {
			if err := j.join(ctx, batch, concurrency); err != nil {
				yield(nil, err)
				return false
			}
			for _, r := range batch {
				if !yield(r, nil) {
					return false
				}
			}
			batch = batch[:0]
			return true
		}
		for r, err := range l.All() {
			if err != nil {
				if flush() {
					yield(nil, err)
				}
				return
			}
			if batch = append(batch, r); len(batch) == cap(batch) && !flush() {
				return
			}
		}
		flush()
	}
	return seq, l.TotalCount
}

// join adds the batch's System Insights rows to its records.
func (j *jumpcloudSystems) join(ctx context.Context, batch []map[string]any, concurrency int) error {
	if len(batch) == 0 || len(j.tables) == 0 {
		return nil
	}
	ids := make([]string, 0, len(batch))
	byID := make(map[string]map[string]any, len(batch))
	for _, r := range batch {
		id, _ := r["_id"].(string)
		if jumpcloud.ValidateSystemID(id) != nil {
			continue // never put in a filter; the planner skips it
		}
		ids = append(ids, id)
		byID[id] = r
	}
	if len(ids) == 0 {
		return nil
	}
	for _, table := range j.tables {
		n := 0
		for row, err := range j.jc.Insights.Rows(ctx, table, &jumpcloud.InsightsOptions{SystemIDs: ids, Concurrency: concurrency}) {
			if err != nil {
				return fmt.Errorf("sync: reading System Insights %s: %w", table, err)
			}
			n++
			id, _ := row["system_id"].(string)
			r := byID[id]
			if r == nil {
				continue // a row for a system not asked for: never joined
			}
			if oneRowTables[table] {
				if _, has := r[table]; !has {
					r[table] = row
				}
				continue
			}
			list, _ := r[table].([]any)
			r[table] = append(list, row)
		}
		j.calls.add("GET /api/v2/systeminsights/"+table, pages(n+1, jumpcloud.MaxInsightsLimit))
	}
	return nil
}

// lookups registers oomnitza_username when the mapping uses it: a
// JumpCloud user id -> the username of that person's Oomnitza user. The
// person is the Oomnitza user carrying that JumpCloud id; failing that,
// the one whose username or email is the JumpCloud user's email and who
// carries no JumpCloud id. Anything ambiguous is not found, so a device is
// never assigned to the wrong person.
func (j *jumpcloudSystems) lookups(ctx context.Context, m *mapping.Mapping, concurrency int) ([]mapping.CompileOption, error) {
	if !usesLookup(m, mapping.LookupOomnitzaUsername) {
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
		emails[id] = strings.ToLower(strings.TrimSpace(email))
	}
	j.calls.add("GET /api/systemusers", pages(l.Read(), jumpcloud.MaxLimit))

	j.calls.add("GET /api/v3/users/meta", 1)
	meta, err := j.oc.Users.Fields(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the Oomnitza People fields: %w", err)
	}
	fields := []string{"user_id", "username", "email"}
	hasID := slices.ContainsFunc(meta, func(f oomnitza.Field) bool { return f.ExternalID == mapping.JumpCloudIDField })
	if hasID {
		fields = append(fields, mapping.JumpCloudIDField)
	}
	const ambiguous = "\x00"
	byJCID, byEmail := map[string]string{}, map[string]string{}
	put := func(m map[string]string, k, v string) {
		if k == "" {
			return
		}
		if prev, ok := m[k]; ok && prev != v {
			m[k] = ambiguous
			return
		}
		m[k] = v
	}
	n := 0
	for r, err := range j.oc.Users.Records(ctx, &oomnitza.ListOptions{Fields: fields, Concurrency: concurrency}) {
		if err != nil {
			return nil, err
		}
		n++
		username, _ := r["username"].(string)
		if username = strings.TrimSpace(username); username == "" {
			continue
		}
		jcID := ""
		if hasID {
			jcID, _ = r[mapping.JumpCloudIDField].(string)
			jcID = strings.TrimSpace(jcID)
		}
		if jcID != "" {
			put(byJCID, jcID, username)
			continue
		}
		email, _ := r["email"].(string)
		for _, k := range []string{strings.ToLower(username), strings.ToLower(strings.TrimSpace(email))} {
			put(byEmail, k, username)
		}
	}
	j.calls.add("GET /api/v3/users", pages(n, oomnitza.DefaultPageSize))
	return []mapping.CompileOption{mapping.WithLookup(mapping.LookupOomnitzaUsername, func(id string) (any, bool) {
		if u, ok := byJCID[id]; ok {
			return u, u != ambiguous
		}
		email, ok := emails[id]
		if !ok || email == "" {
			return nil, false
		}
		u, ok := byEmail[email]
		return u, ok && u != ambiguous
	})}, nil
}

// oomnitzaAssets is the target of the assets kind.
type oomnitzaAssets struct {
	oc    *oomnitza.Client
	calls *callCounter
	keys  []string
	fixed []oomnitza.Field // WithTargetFields: used instead of the meta endpoint
}

func (o *oomnitzaAssets) origin() string { return o.oc.BaseURL() }

func (o *oomnitzaAssets) fields(ctx context.Context) ([]oomnitza.Field, error) {
	if o.fixed != nil {
		return o.fixed, nil
	}
	o.calls.add("GET /api/v3/assets/meta", 1)
	return o.oc.Assets.Fields(ctx)
}

func (o *oomnitzaAssets) records(ctx context.Context, fields []string, filter oomnitza.Filter, concurrency int) iter.Seq2[oomnitza.Record, error] {
	opts := &oomnitza.ListOptions{Fields: fields, Filter: filter, Concurrency: concurrency}
	return countPages(o.calls, "GET /api/v3/assets", o.oc.Assets.Records(ctx, opts))
}

func (o *oomnitzaAssets) create(ctx context.Context, rec oomnitza.Record) (string, error) {
	o.calls.add("POST /api/v3/assets", 1)
	a, err := o.oc.Assets.Create(ctx, rec, o.keys...)
	if err != nil {
		return "", err
	}
	return a.EquipmentID, nil
}

func (o *oomnitzaAssets) update(ctx context.Context, id string, rec oomnitza.Record) error {
	o.calls.add("PATCH /api/v3/assets/{id}", 1)
	_, err := o.oc.Assets.Update(ctx, id, rec)
	return err
}

func (o *oomnitzaAssets) remove(ctx context.Context, id string) error {
	o.calls.add("DELETE /api/v3/assets/{id}", 1)
	return o.oc.Assets.Delete(ctx, id)
}
