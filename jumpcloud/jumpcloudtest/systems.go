package jumpcloudtest

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jcoom/jcoom/jumpcloud"
)

// insightsFilterFields are the fields each System Insights table filters
// on, as the v2 spec's descriptions say: system_id and one more.
var insightsFilterFields = map[string]string{
	jumpcloud.TableSystemInfo:  "cpu_subtype",
	jumpcloud.TableOSVersion:   "version",
	jumpcloud.TableChassisInfo: "smbios_tag",
	jumpcloud.TableDiskInfo:    "disk_index",
	jumpcloud.TableBattery:     "health",
}

// WithSystems seeds devices. Systems without an id get one.
func WithSystems(systems ...*jumpcloud.System) Option {
	return func(s *Server) {
		for _, sys := range systems {
			s.addSystem(sys)
		}
	}
}

// WithGeneratedSystems seeds n devices from GenerateSystemsAt(n, seed,
// now, users), bound to the server's users (those seeded or generated, in
// any order of options) and with their System Insights rows.
func WithGeneratedSystems(n int, seed uint64) Option {
	return func(s *Server) { s.genSystems = append(s.genSystems, [2]uint64{uint64(n), seed}) }
}

// AddSystem stores a device (assigning an id when empty) and returns its id.
func (s *Server) AddSystem(sys *jumpcloud.System) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addSystem(sys)
}

func (s *Server) addSystem(sys *jumpcloud.System) string {
	r := toRecord(sys)
	if id, _ := r["_id"].(string); id == "" || s.systems[id] != nil {
		r["_id"] = s.newID()
	}
	if c, _ := r["created"].(string); c == "" {
		r["created"] = s.stamp()
	}
	r["organization"] = s.orgID
	id := r["_id"].(string)
	s.systems[id] = r
	i, _ := slices.BinarySearch(s.sysIDs, id)
	s.sysIDs = slices.Insert(s.sysIDs, i, id)
	return id
}

// System returns a copy of the stored device.
func (s *Server) System(id string) (*jumpcloud.System, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.systems[id]
	if !ok {
		return nil, false
	}
	return toSystem(r), true
}

// Systems returns copies of all devices in _id order.
func (s *Server) Systems() []*jumpcloud.System {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*jumpcloud.System, 0, len(s.sysIDs))
	for _, id := range s.sysIDs {
		out = append(out, toSystem(s.systems[id]))
	}
	return out
}

// SetSystemFields changes members of a stored device, as the agent or an
// administrator would (e.g. "displayName"), and reports whether it exists.
func (s *Server) SetSystemFields(id string, fields map[string]any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.systems[id]
	if ok {
		maps.Copy(r, toRecord(fields))
	}
	return ok
}

// RemoveSystem deletes a device and its System Insights rows, as
// DELETE /api/systems/{id} would once the agent is gone.
func (s *Server) RemoveSystem(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.systems[id]; !ok {
		return false
	}
	delete(s.systems, id)
	if i, found := slices.BinarySearch(s.sysIDs, id); found {
		s.sysIDs = slices.Delete(s.sysIDs, i, i+1)
	}
	for _, rows := range s.insights {
		delete(rows, id)
	}
	return true
}

// SetInsightsRows replaces a device's rows of a System Insights table
// (system_id and collection_time are filled in).
func (s *Server) SetInsightsRows(table, systemID string, rows ...map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setRows(table, systemID, rows)
}

func (s *Server) setRows(table, systemID string, rows []map[string]any) {
	if s.insights[table] == nil {
		s.insights[table] = map[string][]record{}
	}
	out := make([]record, 0, len(rows))
	for _, row := range rows {
		r := toRecord(row)
		r["system_id"] = systemID
		if _, ok := r["collection_time"]; !ok {
			r["collection_time"] = s.stamp()
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		delete(s.insights[table], systemID)
		return
	}
	s.insights[table][systemID] = out
}

// InsightsRows returns copies of a device's rows of a table.
func (s *Server) InsightsRows(table, systemID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, r := range s.insights[table][systemID] {
		out = append(out, maps.Clone(r))
	}
	return out
}

func toSystem(r record) *jumpcloud.System {
	var sys jumpcloud.System
	b, _ := json.Marshal(r)
	_ = sys.UnmarshalJSON(b)
	return &sys
}

func (s *Server) listSystems(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, nil, func() ([]string, func(string) record) {
		return s.sysIDs, func(id string) record { return s.systems[id] }
	})
}

func (s *Server) getSystem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := jumpcloud.ValidateSystemID(id); err != nil {
		badRequest(w, "Bad Request: invalid object id "+strconv.Quote(id))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.systems[id]
	if !ok {
		writeError(w, http.StatusNotFound, "System not found", "NOT_FOUND")
		return
	}
	q, err := parseListQuery(r.URL.Query())
	if err != nil {
		writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, q.project(rec))
}

// listInsights answers GET /api/v2/systeminsights/{table} as the v2 spec
// says: a bare array; limit 0 to 10,000 (default 10); skip; sort
// comma-separated ("-" descending); filters field:eq:v or field:in:a|b on
// system_id and the table's one other filter field only.
func (s *Server) listInsights(w http.ResponseWriter, r *http.Request) {
	table := r.PathValue("table")
	other, known := insightsFilterFields[table]
	if !known {
		writeError(w, http.StatusNotFound, "Not Found", "NOT_FOUND")
		return
	}
	v := r.URL.Query()
	limit, skip := 10, 0
	if str := v.Get("limit"); str != "" {
		n, err := strconv.Atoi(str)
		if err != nil || n < 0 || n > jumpcloud.MaxInsightsLimit {
			writeError(w, http.StatusBadRequest, "limit must be an integer from 0 to 10000", "INVALID_ARGUMENT")
			return
		}
		if n > 0 {
			limit = n
		}
	}
	if str := v.Get("skip"); str != "" {
		n, err := strconv.Atoi(str)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "skip must be a non-negative integer", "INVALID_ARGUMENT")
			return
		}
		skip = n
	}
	type cond struct {
		field string
		vals  []string
	}
	var conds []cond
	for _, raw := range v["filter"] {
		field, rest, ok1 := strings.Cut(raw, ":")
		op, val, ok2 := strings.Cut(rest, ":")
		switch {
		case !ok1 || !ok2:
			writeError(w, http.StatusBadRequest, "invalid filter "+strconv.Quote(raw)+": expected field:operator:value", "INVALID_ARGUMENT")
			return
		case field != "system_id" && field != other:
			writeError(w, http.StatusBadRequest, "invalid filter field "+strconv.Quote(field)+": valid filter fields are system_id and "+other, "INVALID_ARGUMENT")
			return
		case op == "eq":
			conds = append(conds, cond{field, []string{val}})
		case op == "in":
			conds = append(conds, cond{field, strings.Split(val, "|")})
		default:
			writeError(w, http.StatusBadRequest, "invalid filter operator "+strconv.Quote(op)+": only eq and in are supported", "INVALID_ARGUMENT")
			return
		}
	}
	var sortKeys []sortKey
	for _, f := range strings.Split(v.Get("sort"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			k := sortKey{field: strings.TrimPrefix(f, "-"), desc: strings.HasPrefix(f, "-")}
			sortKeys = append(sortKeys, k)
		}
	}
	s.mu.Lock()
	var rows []record
	ids := s.sysIDs
	for _, c := range conds {
		if c.field == "system_id" {
			ids = nil
			for _, id := range c.vals {
				if _, ok := s.insights[table][id]; ok && !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			slices.Sort(ids)
		}
	}
	for _, id := range ids {
	row:
		for _, rec := range s.insights[table][id] {
			for _, c := range conds {
				if !slices.Contains(c.vals, strings.TrimSpace(toString(rec[c.field]))) {
					continue row
				}
			}
			rows = append(rows, maps.Clone(rec))
		}
	}
	s.mu.Unlock()
	if len(sortKeys) > 0 {
		slices.SortStableFunc(rows, func(a, b record) int {
			for _, k := range sortKeys {
				c := compareAny(a[k.field], b[k.field])
				if k.desc {
					c = -c
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
	page := []record{}
	if skip < len(rows) {
		page = rows[skip:min(skip+limit, len(rows))]
	}
	writeJSON(w, http.StatusOK, page)
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
