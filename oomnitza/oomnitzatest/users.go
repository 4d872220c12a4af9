package oomnitzatest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) newUserID() string {
	s.seq++
	sum := sha256.Sum256([]byte(strconv.FormatInt(s.seq, 10)))
	// 8 hex digits of sequence keep ids in creation order; 24 more look random.
	return fmt.Sprintf("%08x", s.seq) + hex.EncodeToString(sum[:12])
}

func uniqueKey(v any) string {
	if str, ok := v.(string); ok {
		return strings.ToLower(strings.TrimSpace(str))
	}
	return fmt.Sprint(v)
}

// checkWrite validates body for a create (existing == nil) or an update
// and returns the converted values and every problem found.
// writeHeaders are the request headers that change how a write is
// checked.
type writeHeaders struct {
	allowUnknown bool // Oomnitza-Allow-Unknown-Meta-Fields: 1
	ignoreMeta   bool // Oomnitza-Ignore-Meta-Restriction: 1
	legacy       bool // AddLegacyRecord: unique fields not checked
}

func headersOf(r *http.Request) writeHeaders {
	return writeHeaders{
		allowUnknown: r.Header.Get("Oomnitza-Allow-Unknown-Meta-Fields") == "1",
		ignoreMeta:   r.Header.Get("Oomnitza-Ignore-Meta-Restriction") == "1",
	}
}

func (s *Server) checkWrite(body map[string]any, existing map[string]any, h writeHeaders) (map[string]any, []string) {
	unknown := "unknown field (send Oomnitza-Allow-Unknown-Meta-Fields: 1 to ignore it)"
	if h.allowUnknown {
		unknown = ""
	}
	vals, errs := convertBody(body, s.field, unknown, h.ignoreMeta)
	if r, ok := vals["role"]; ok && r != nil {
		if _, known := s.roles[int(r.(int64))]; !known {
			errs = append(errs, fmt.Sprintf("role: %v is not a role of this instance; valid role ids: %s", r, s.roleList()))
		}
	}
	if existing == nil {
		for _, f := range s.fields {
			if f.Mandatory && !f.ReadOnly && vals[f.ExternalID] == nil {
				if _, reported := body[f.ExternalID]; !reported {
					errs = append(errs, fmt.Sprintf("%s: is mandatory", f.ExternalID))
				}
			}
		}
	}
	selfID := ""
	if existing != nil {
		selfID, _ = existing["user_id"].(string)
	}
	for _, f := range s.fields {
		v, ok := vals[f.ExternalID]
		if !f.Unique || !ok || v == nil || v == "" || h.legacy {
			continue
		}
		if owner, taken := s.uniqueIdx[f.ExternalID][uniqueKey(v)]; taken && owner != selfID {
			errs = append(errs, fmt.Sprintf("%s: value %q already exists; the field must be unique", f.ExternalID, fmt.Sprint(v)))
		}
	}
	return vals, errs
}

func (s *Server) index(rec map[string]any, add bool) {
	id := rec["user_id"].(string)
	for _, f := range s.fields {
		v := rec[f.ExternalID]
		if !f.Unique || v == nil || v == "" {
			continue
		}
		m := s.uniqueIdx[f.ExternalID]
		if m == nil {
			m = map[string]string{}
			s.uniqueIdx[f.ExternalID] = m
		}
		if add {
			m[uniqueKey(v)] = id
		} else if m[uniqueKey(v)] == id {
			delete(m, uniqueKey(v))
		}
	}
}

func (s *Server) createLocked(body map[string]any, h writeHeaders) (map[string]any, []string) {
	vals, errs := s.checkWrite(body, nil, h)
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now().Unix()
	rec := map[string]any{"suspended": false, "email_subscription": true}
	for k, v := range vals {
		rec[k] = v
	}
	rec["user_id"] = s.newUserID()
	rec["uid"] = s.seq
	rec["creation_date"], rec["change_date"] = now, now
	rec["created_by"], rec["changed_by"] = "api", "api"
	rec["version"] = "1"
	s.users[rec["user_id"].(string)] = rec
	s.order = append(s.order, rec["user_id"].(string))
	s.index(rec, true)
	return rec, nil
}

// present returns a record as the API shows it: every declared field
// (null when empty), or only fields plus user_id.
func (s *Server) present(rec map[string]any, fields []string) map[string]any {
	if len(fields) > 0 {
		out := make(map[string]any, len(fields)+1)
		out["user_id"] = rec["user_id"]
		for _, f := range fields {
			out[f] = rec[f]
		}
		return out
	}
	out := make(map[string]any, len(s.fields))
	for _, f := range s.fields {
		out[f.ExternalID] = rec[f.ExternalID]
	}
	return out
}

// identityFields are set by the server and never written, whatever the
// headers say.
var identityFields = map[string]bool{"user_id": true, "uid": true, "saas_id": true, "equipment_id": true}

// convertBody converts body's values for the fields lookup knows. A
// non-editable field is refused, naming it, unless ignoreMeta (the
// Oomnitza-Ignore-Meta-Restriction header) lets the value be stored; the
// record's identity is never written. An unknown key is reported as
// "key: unknown" when unknown is not empty, and ignored otherwise.
func convertBody(body map[string]any, lookup func(string) *FieldSpec, unknown string, ignoreMeta bool) (map[string]any, []string) {
	vals := map[string]any{}
	var errs []string
	for _, k := range sortedKeys(body) {
		f := lookup(k)
		if f == nil {
			if unknown != "" {
				errs = append(errs, k+": "+unknown)
			}
			continue
		}
		switch {
		case identityFields[k]:
			if body[k] != nil {
				errs = append(errs, k+": is set by Oomnitza and cannot be written")
			}
			continue
		case f.ReadOnly && !ignoreMeta:
			errs = append(errs, k+": is not editable (send Oomnitza-Ignore-Meta-Restriction: 1 to write it)")
			continue
		}
		v, err := f.convert(body[k])
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		vals[k] = v
	}
	return vals, errs
}

// bodyOr400 reads a JSON object body, answering 400 when it is not one.
func bodyOr400(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	body, err := readBody(r)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, "body must be a JSON object")
		return nil, false
	}
	return body, true
}

func readBody(r *http.Request) (map[string]any, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return decodeObject(b)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	body, ok := bodyOr400(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, errs := s.createLocked(body, headersOf(r))
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	writeJSON(w, http.StatusOK, s.present(rec, nil))
}

func (s *Server) lookupUser(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	rec, ok := s.users[r.PathValue("ident")]
	if !ok {
		writeErrors(w, http.StatusNotFound, "User not found")
	}
	return rec, ok
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.lookupUser(w, r); ok {
		writeJSON(w, http.StatusOK, s.present(rec, nil))
	}
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	body, ok := bodyOr400(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookupUser(w, r)
	if !ok {
		return
	}
	vals, errs := s.checkWrite(body, rec, headersOf(r))
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	s.index(rec, false)
	for k, v := range vals {
		rec[k] = v
	}
	rec["change_date"] = s.now().Unix()
	if v, err := strconv.Atoi(fmt.Sprint(rec["version"])); err == nil {
		rec["version"] = strconv.Itoa(v + 1)
	}
	s.index(rec, true)
	writeJSON(w, http.StatusOK, s.present(rec, nil))
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookupUser(w, r)
	if !ok {
		return
	}
	id := rec["user_id"].(string)
	s.index(rec, false)
	delete(s.users, id)
	if i := slices.Index(s.order, id); i >= 0 {
		s.order = slices.Delete(s.order, i, i+1)
	}
	for sid, su := range s.saasUsers {
		if su.userID == id {
			delete(s.saasUsers, sid)
		}
	}
	if s.deleteWith == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, s.present(rec, nil))
}

// listQuery is a parsed limit/skip/sortby/fields/filter query.
type listQuery struct {
	limit, skip int
	sortField   *FieldSpec
	desc        bool
	fields      []string
	filter      cond
}

func parseList(r *http.Request, lookup func(string) *FieldSpec) (*listQuery, error) {
	v := r.URL.Query()
	q := &listQuery{limit: 100}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("limit: %q is not a positive integer", s)
		}
		q.limit = n
	}
	if s := v.Get("skip"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("skip: %q is not a non-negative integer", s)
		}
		q.skip = n
	}
	if s := strings.TrimSpace(v.Get("sortby")); s != "" {
		parts := strings.Fields(s)
		if len(parts) > 2 || len(parts) == 2 && !strings.EqualFold(parts[1], "asc") && !strings.EqualFold(parts[1], "desc") {
			return nil, fmt.Errorf("sortby: %q is not '<field> asc|desc'", s)
		}
		if q.sortField = lookup(parts[0]); q.sortField == nil {
			return nil, fmt.Errorf("sortby: unknown field %q", parts[0])
		}
		q.desc = len(parts) == 2 && strings.EqualFold(parts[1], "desc")
	}
	if s := v.Get("fields"); s != "" {
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if lookup(f) == nil {
				return nil, fmt.Errorf("fields: unknown field %q", f)
			}
			q.fields = append(q.fields, f)
		}
	}
	if s := v.Get("filter"); s != "" {
		c, err := parseFilter(s, lookup)
		if err != nil {
			return nil, fmt.Errorf("filter: %v", err)
		}
		q.filter = c
	}
	return q, nil
}

// page applies the query to records in their natural order.
func (q *listQuery) page(recs []map[string]any) (int, []map[string]any) {
	if q.filter != nil {
		kept := recs[:0:0]
		for _, r := range recs {
			if q.filter.eval(r) {
				kept = append(kept, r)
			}
		}
		recs = kept
	}
	if q.sortField != nil {
		recs = slices.Clone(recs)
		id := q.sortField.ExternalID
		slices.SortStableFunc(recs, func(a, b map[string]any) int {
			c := compareForSort(a[id], b[id])
			if q.desc {
				return -c
			}
			return c
		})
	}
	if q.skip >= len(recs) {
		return len(recs), nil
	}
	return len(recs), recs[q.skip:min(q.skip+q.limit, len(recs))]
}

func compareForSort(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	if c, ok := compare(a, b); ok {
		return c
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	q, err := parseList(r, s.field)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	recs := s.candidates(q.filter)
	total, page := q.page(recs)
	out := make([]map[string]any, len(page))
	for i, rec := range page {
		out[i] = s.present(rec, q.fields)
	}
	s.mu.Unlock()
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	writeJSON(w, http.StatusOK, out)
}

// candidates returns the records a filter can match, in list order: for
// an eq or in on user_id or a unique field, only the indexed ones (as a
// database would use its index; the filter is still evaluated on them),
// else every record.
func (s *Server) candidates(filter cond) []map[string]any {
	if n, ok := filter.(*cmpNode); ok && (n.op == "eq" || n.op == "in") && (n.field.Unique || n.field.ExternalID == "user_id") {
		var out []map[string]any
		seen := map[string]bool{}
		for _, v := range n.vals {
			id := ""
			if n.field.ExternalID == "user_id" {
				id = fmt.Sprint(v)
			} else {
				id = s.uniqueIdx[n.field.ExternalID][uniqueKey(v)]
			}
			if rec := s.users[id]; rec != nil && !seen[id] {
				seen[id] = true
				out = append(out, rec)
			}
		}
		slices.SortFunc(out, func(a, b map[string]any) int { return cmp.Compare(toInt64(a["uid"]), toInt64(b["uid"])) })
		return out
	}
	recs := make([]map[string]any, len(s.order))
	for i, id := range s.order {
		recs[i] = s.users[id]
	}
	return recs
}

func toInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func (s *Server) usersMeta(w http.ResponseWriter, _ *http.Request) { writeMeta(w, s.fields, "users") }

// writeMeta answers a module's meta endpoint: each field's metadata by
// external id, in the shape oomnitza-api.md documents.
func writeMeta(w http.ResponseWriter, fields []*FieldSpec, module string) {
	out := make(map[string]any, len(fields))
	for i, f := range fields {
		var dropdown []map[string]string
		for _, v := range f.Dropdown {
			dropdown = append(dropdown, map[string]string{"key": v, "value": v, "help_text": ""})
		}
		out[f.ExternalID] = map[string]any{
			"internal_id": strings.ToUpper(f.ExternalID), "uid": i + 1, "label": f.Label, "belongs_to": module,
			"data_type": string(f.Type), "subtype": nil, "length": fieldLength(f.Type),
			"editable": flagString(!f.ReadOnly), "hardcode": "0", "optional": flagString(!f.Mandatory),
			"display_order": strconv.Itoa(i + 1), "default_value": nil, "unique": flagString(f.Unique),
			"searchhelp": dropdown, "searchhelp_type": nil, "help_text": nil, "dependencies": nil,
			"flags": map[string]any{}, "dropdown_help_text_enabled": "0",
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func fieldLength(t FieldType) any {
	switch t {
	case TypeString:
		return 256
	case TypeText:
		return 1024
	case TypeInteger:
		return 20
	}
	return nil
}

// roleList names the instance's roles in id order, e.g. "1 (Super
// Administrator), 25 (Employee)".
func (s *Server) roleList() string {
	ids := make([]int, 0, len(s.roles))
	for id := range s.roles {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%d (%s)", id, s.roles[id])
	}
	return strings.Join(parts, ", ")
}
