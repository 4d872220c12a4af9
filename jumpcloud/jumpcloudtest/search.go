package jumpcloudtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// --- SSH keys (GET/POST /systemusers/{id}/sshkeys, DELETE .../{key}) -----

func (s *Server) listSSHKeys(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	keys, _ := rec["ssh_keys"].([]any)
	if keys == nil {
		keys = []any{}
	}
	writeJSON(w, http.StatusOK, keys)
}

func (s *Server) addSSHKey(w http.ResponseWriter, r *http.Request) {
	body, ok := decodeBody(w, r, false)
	if !ok {
		return
	}
	name, _ := body["name"].(string)
	key, _ := body["public_key"].(string)
	if strings.TrimSpace(name) == "" || strings.TrimSpace(key) == "" {
		badRequest(w, "Bad Request: name and public_key are required")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	k := record{"_id": s.newID(), "name": name, "public_key": key, "create_date": s.stamp()}
	keys, _ := rec["ssh_keys"].([]any)
	rec["ssh_keys"] = append(keys, k)
	writeJSON(w, http.StatusOK, k)
}

func (s *Server) deleteSSHKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	keys, _ := rec["ssh_keys"].([]any)
	for i, k := range keys {
		if m, _ := k.(map[string]any); m["_id"] == r.PathValue("key") {
			rec["ssh_keys"] = append(keys[:i:i], keys[i+1:]...)
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	writeError(w, http.StatusNotFound, "SSH key not found", "NOT_FOUND")
}

// --- POST /search/systemusers ---------------------------------------------

// searchBody is the spec's `search` object.
type searchBody struct {
	Filter       map[string]any `json:"filter"`
	SearchFilter *struct {
		SearchTerm any      `json:"searchTerm"`
		Fields     []string `json:"fields"`
	} `json:"searchFilter"`
	Fields string `json:"fields"`
	Skip   *int   `json:"skip"`
	Limit  *int   `json:"limit"`
}

// searchUsers answers the advanced search: the list query parameters
// (limit, skip, sort, fields, filter) apply as on GET /systemusers, and
// the body narrows further. The body's filter is a Mongo-style object, the
// form JumpCloud's examples use (an inference, documented in doc.go):
// {"and"|"or": [objects]}, {field: value} for equality, or {field:
// {"$eq"|"$ne"|"$in"|"$regex": ...}}. searchFilter matches searchTerm (one
// or several) as a case-insensitive substring of any of its fields.
func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		badRequest(w, "Bad Request: unreadable body")
		return
	}
	var body searchBody
	if len(strings.TrimSpace(string(raw))) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			badRequest(w, "Bad Request: body must be a search object: "+err.Error())
			return
		}
	}
	v := r.URL.Query()
	if body.Limit != nil {
		v.Set("limit", fmt.Sprint(*body.Limit))
	}
	if body.Skip != nil {
		v.Set("skip", fmt.Sprint(*body.Skip))
	}
	if body.Fields != "" {
		v.Set("fields", body.Fields)
	}
	q, err := parseListQuery(v, r.Header.Get("x-eventually-consistent") == "true")
	if err != nil {
		writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	match, err := compileSearch(body)
	if err != nil {
		badRequest(w, "Bad Request: "+err.Error())
		return
	}
	s.mu.Lock()
	var ids []string
	for _, id := range s.ids {
		if match(s.present(s.users[id])) {
			ids = append(ids, id)
		}
	}
	total, page := q.apply(ids, func(id string) record { return s.present(s.users[id]) })
	results := make([]record, len(page))
	for i, rec := range page {
		results[i] = q.project(rec)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, record{"totalCount": total, "results": results})
}

func compileSearch(b searchBody) (func(record) bool, error) {
	filter, err := compileFilterObject(b.Filter)
	if err != nil {
		return nil, err
	}
	if b.SearchFilter == nil {
		return filter, nil
	}
	var terms []string
	switch t := b.SearchFilter.SearchTerm.(type) {
	case string:
		terms = []string{t}
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("searchFilter.searchTerm must be a string or a list of strings")
			}
			terms = append(terms, s)
		}
	case nil:
	default:
		return nil, fmt.Errorf("searchFilter.searchTerm must be a string or a list of strings")
	}
	fields := b.SearchFilter.Fields
	if len(fields) == 0 {
		fields = []string{"username", "email", "firstname", "lastname"}
	}
	return func(r record) bool {
		if !filter(r) {
			return false
		}
		for _, t := range terms {
			for _, f := range fields {
				if v, ok := lookup(r, f).(string); ok && strings.Contains(strings.ToLower(v), strings.ToLower(t)) {
					return true
				}
			}
		}
		return len(terms) == 0
	}, nil
}

func compileFilterObject(f map[string]any) (func(record) bool, error) {
	var preds []func(record) bool
	for key, val := range f {
		switch key {
		case "and", "or":
			list, ok := val.([]any)
			if !ok {
				return nil, fmt.Errorf("filter.%s must be a list of objects", key)
			}
			var subs []func(record) bool
			for _, item := range list {
				m, ok := item.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("filter.%s must be a list of objects", key)
				}
				sub, err := compileFilterObject(m)
				if err != nil {
					return nil, err
				}
				subs = append(subs, sub)
			}
			isOr := key == "or"
			preds = append(preds, func(r record) bool {
				for _, p := range subs {
					if p(r) == isOr {
						return isOr
					}
				}
				return !isOr || len(subs) == 0
			})
		default:
			p, err := compileCondition(key, val)
			if err != nil {
				return nil, err
			}
			preds = append(preds, p)
		}
	}
	return allOf(preds), nil
}

func compileCondition(field string, val any) (func(record) bool, error) {
	ops, isOps := val.(map[string]any)
	if !isOps {
		return func(r record) bool { return equalJSON(lookup(r, field), val) }, nil
	}
	var preds []func(record) bool
	for op, arg := range ops {
		switch op {
		case "$eq":
			preds = append(preds, func(r record) bool { return equalJSON(lookup(r, field), arg) })
		case "$ne":
			preds = append(preds, func(r record) bool { return !equalJSON(lookup(r, field), arg) })
		case "$in":
			list, ok := arg.([]any)
			if !ok {
				return nil, fmt.Errorf("filter.%s.$in must be a list", field)
			}
			preds = append(preds, func(r record) bool {
				for _, x := range list {
					if equalJSON(lookup(r, field), x) {
						return true
					}
				}
				return false
			})
		case "$regex":
			pat, ok := arg.(string)
			if !ok {
				return nil, fmt.Errorf("filter.%s.$regex must be a string", field)
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				return nil, fmt.Errorf("filter.%s.$regex: %v", field, err)
			}
			preds = append(preds, func(r record) bool {
				s, ok := lookup(r, field).(string)
				return ok && re.MatchString(s)
			})
		default:
			return nil, fmt.Errorf("filter.%s: operator %q is not supported ($eq, $ne, $in, $regex)", field, op)
		}
	}
	return allOf(preds), nil
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// allOf is the conjunction of preds (true when there are none).
func allOf(preds []func(record) bool) func(record) bool {
	return func(r record) bool {
		for _, p := range preds {
			if !p(r) {
				return false
			}
		}
		return true
	}
}
