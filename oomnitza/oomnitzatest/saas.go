package oomnitzatest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type saasApp struct {
	rec   map[string]any
	roles []*saasRole
}

type saasRole struct {
	id, externalID, label string
	saasID                int
}

type saasUser struct {
	id         string
	saasID     int
	userID     string
	externalID string
	roleIDs    []string
	active     bool
	lastVisit  int64 // epoch seconds (spec: an integer)
}

// saasSchema types the SaaS fields that filters and writes may use.
func saasSchema() map[string]*FieldSpec {
	m := map[string]*FieldSpec{}
	for _, id := range []string{"saas_name", "linked", "category", "usage_statistic", "usage_history", "link_key",
		"publisher", "url", "source", "ignored", "version", "renewal_date", "changedate", "changedby",
		"creationdate", "createdby", "deleted"} {
		m[id] = &FieldSpec{ExternalID: id, Type: TypeString}
	}
	for _, id := range []string{"saas_id", "visited", "available_licenses", "total_licenses", "uid"} {
		m[id] = &FieldSpec{ExternalID: id, Type: TypeInteger}
	}
	m["annual_spend"] = &FieldSpec{ExternalID: "annual_spend", Type: TypeDecimal}
	m["is_inf"] = &FieldSpec{ExternalID: "is_inf", Type: TypeBoolean}
	m["hash"] = &FieldSpec{ExternalID: "hash", Type: TypeBoolean}
	m["saas_id"].ReadOnly, m["uid"].ReadOnly = true, true
	return m
}

func hexID(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(sum[:16])
}

// SaaSUserActive reports whether a SaaS-user record exists and is active.
func (s *Server) SaaSUserActive(saasUserID string) (active, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	su, ok := s.saasUsers[saasUserID]
	if !ok {
		return false, false
	}
	return su.active, true
}

func (s *Server) lookupSaaS(w http.ResponseWriter, r *http.Request) (*saasApp, bool) {
	id, err := strconv.Atoi(r.PathValue("ident"))
	app := s.saas[id]
	if err != nil || app == nil {
		writeErrors(w, http.StatusNotFound, "SaaS not found")
		return nil, false
	}
	return app, true
}

func (s *Server) checkSaaS(body map[string]any, selfID int) (map[string]any, []string) {
	vals, errs := convertBody(body, func(id string) *FieldSpec { return s.saasFields[id] }, "unknown field", true)
	if name, ok := vals["saas_name"].(string); ok {
		if strings.TrimSpace(name) == "" {
			errs = append(errs, "saas_name: is mandatory")
		}
		for id, app := range s.saas {
			if id != selfID && strings.EqualFold(app.rec["saas_name"].(string), name) {
				errs = append(errs, fmt.Sprintf("saas_name: value %q already exists; SaaS names must be unique", name))
			}
		}
	}
	return vals, errs
}

func (s *Server) listSaaS(w http.ResponseWriter, r *http.Request) {
	q, err := parseList(r, func(id string) *FieldSpec { return s.saasFields[id] })
	if err != nil {
		writeErrors(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	recs := make([]map[string]any, len(s.saasOrder))
	for i, id := range s.saasOrder {
		recs[i] = s.saas[id].rec
	}
	total, page := q.page(recs)
	if page == nil {
		page = []map[string]any{}
	}
	s.mu.Unlock()
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) createSaaS(w http.ResponseWriter, r *http.Request) {
	body, ok := bodyOr400(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := body["saas_name"]; !ok {
		writeErrors(w, http.StatusBadRequest, "saas_name: is mandatory")
		return
	}
	vals, errs := s.checkSaaS(body, 0)
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	s.saasSeq++
	now := s.now().UTC().Format("2006-01-02 15:04:05")
	rec := map[string]any{"saas_id": int64(s.saasSeq), "uid": int64(s.saasSeq), "source": "api", "linked": "0",
		"ignored": "0", "hash": false, "link_key": "", "creationdate": now, "changedate": now, "createdby": "api", "changedby": "api"}
	for k, v := range vals {
		rec[k] = v
	}
	s.saas[s.saasSeq] = &saasApp{rec: rec}
	s.saasOrder = append(s.saasOrder, s.saasSeq)
	writeJSON(w, http.StatusCreated, map[string]string{"saas_id": strconv.Itoa(s.saasSeq)})
}

func (s *Server) getSaaS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if app, ok := s.lookupSaaS(w, r); ok {
		writeJSON(w, http.StatusOK, app.rec)
	}
}

func (s *Server) updateSaaS(w http.ResponseWriter, r *http.Request) {
	body, ok := bodyOr400(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	vals, errs := s.checkSaaS(body, int(app.rec["saas_id"].(int64)))
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	for k, v := range vals {
		app.rec[k] = v
	}
	app.rec["changedate"] = s.now().UTC().Format("2006-01-02 15:04:05")
	writeJSON(w, http.StatusOK, app.rec)
}

func (s *Server) saasUserFor(saasID int, userID string) *saasUser {
	return s.saasUsers[hexID("saas-user", saasID, userID)]
}

// saasUserJSON is a SaaS assigned User as the spec shows it.
func (s *Server) saasUserJSON(app *saasApp, su *saasUser) map[string]any {
	u := s.users[su.userID]
	roles := map[string]any{"role_id": "", "role_external_id": "", "role_external_label": ""}
	for _, role := range app.roles {
		if len(su.roleIDs) > 0 && role.id == su.roleIDs[0] {
			roles = map[string]any{"role_id": role.id, "role_external_id": role.externalID, "role_external_label": role.label}
		}
	}
	return map[string]any{
		"saas_user_id": su.id, "saas_id": su.saasID, "user_id": su.userID, "username": u["username"], "email": u["email"],
		"full_name": u["full_name"], "last_visit": su.lastVisit, "old_usage": false, "media_url": "",
		"contract_id": "", "roles": roles, "user_external_id": su.externalID,
	}
}

// SetSaaSUserLastVisit records a SaaS user's last activity, as the SaaS
// usage collection would; it reports whether the SaaS user exists.
func (s *Server) SetSaaSUserLastVisit(saasUserID string, at time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	su, ok := s.saasUsers[saasUserID]
	if ok {
		su.lastVisit = at.Unix()
	}
	return ok
}

// listAllSaaSUsers answers GET /api/v3/saas_users: the SaaS users of every
// application, narrowed by filter (on user fields, as the spec's example
// shows) and text (a case-insensitive substring of username, email or
// full name).
func (s *Server) listAllSaaSUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	var match cond
	if f := q.Get("filter"); f != "" {
		c, err := parseFilter(f, s.field)
		if err != nil {
			writeErrors(w, http.StatusBadRequest, "filter: "+err.Error())
			return
		}
		match = c
	}
	text := strings.ToLower(q.Get("text"))
	ids := make([]int, 0, len(s.saas))
	for id := range s.saas {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := []map[string]any{}
	for _, id := range ids {
		app := s.saas[id]
		for _, uid := range s.order {
			su := s.saasUserFor(id, uid)
			if su == nil || match != nil && !match.eval(s.users[uid]) {
				continue
			}
			j := s.saasUserJSON(app, su)
			if text != "" && !strings.Contains(strings.ToLower(fmt.Sprint(j["username"], " ", j["email"], " ", j["full_name"])), text) {
				continue
			}
			out = append(out, j)
		}
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(len(out)))
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listSaaSUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	saasID := int(app.rec["saas_id"].(int64))
	out := []map[string]any{}
	for _, uid := range s.order {
		su := s.saasUserFor(saasID, uid)
		if su == nil {
			continue
		}
		out = append(out, s.saasUserJSON(app, su))
	}
	// The spec documents no paging here; like the other v3 lists, the fake
	// honours limit and skip when they are sent and reports the total.
	w.Header().Set("X-Total-Count", strconv.Itoa(len(out)))
	q := r.URL.Query()
	if v := q.Get("skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeErrors(w, http.StatusBadRequest, fmt.Sprintf("skip: %q is not a non-negative integer", v))
			return
		}
		out = out[min(n, len(out)):]
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErrors(w, http.StatusBadRequest, fmt.Sprintf("limit: %q is not a positive integer", v))
			return
		}
		out = out[:min(n, len(out))]
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) assignSaaSUsers(w http.ResponseWriter, r *http.Request) {
	var body []struct {
		UserID string `json:"user_id"`
		Assign *bool  `json:"assign"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeErrors(w, http.StatusBadRequest, "body must be an array of {user_id, assign}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	saasID := int(app.rec["saas_id"].(int64))
	var errs []string
	for _, a := range body {
		if a.Assign == nil {
			errs = append(errs, fmt.Sprintf("user %q: assign is required", a.UserID))
		} else if s.users[a.UserID] == nil {
			errs = append(errs, fmt.Sprintf("user %q: not found", a.UserID))
		}
	}
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	for _, a := range body {
		id := hexID("saas-user", saasID, a.UserID)
		if *a.Assign {
			if s.saasUsers[id] == nil {
				// Assigned now: its last visit starts at the assignment.
				s.saasUsers[id] = &saasUser{id: id, saasID: saasID, userID: a.UserID, active: true, lastVisit: s.now().Unix()}
			}
		} else {
			delete(s.saasUsers, id)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) setSaaSUserExternalID(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	ext, _ := body["user_external_id"].(string)
	if err != nil || ext == "" {
		writeErrors(w, http.StatusBadRequest, "user_external_id: is mandatory")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	su := s.saasUserFor(int(app.rec["saas_id"].(int64)), r.PathValue("user_id"))
	if su == nil {
		writeJSON(w, http.StatusOK, map[string]any{"user_external_id": ext, "errors": []string{"user is not assigned to this SaaS"}})
		return
	}
	su.externalID = ext
	writeJSON(w, http.StatusOK, map[string]any{"user_external_id": ext, "errors": []string{}})
}

func roleJSON(role *saasRole, users int) map[string]any {
	return map[string]any{"role_id": role.id, "saas_id": strconv.Itoa(role.saasID), "source": 1,
		"role_external_id": role.externalID, "role_external_label": role.label, "users_count": users}
}

func (s *Server) listSaaSRoles(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, role := range app.roles {
		out = append(out, roleJSON(role, s.roleUsers(role.id)))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) addRole(app *saasApp, externalID, label string) *saasRole {
	for _, role := range app.roles {
		if role.externalID == externalID {
			if label != "" {
				role.label = label
			}
			return role
		}
	}
	s.roleSeq++
	if label == "" {
		label = externalID
	}
	role := &saasRole{id: hexID("role", s.roleSeq), externalID: externalID, label: label, saasID: int(app.rec["saas_id"].(int64))}
	app.roles = append(app.roles, role)
	return role
}

// roleLabel reads the {"role_external_label": ...} body of a role write,
// answering 400 when it is missing.
func roleLabel(w http.ResponseWriter, r *http.Request) (string, bool) {
	body, err := readBody(r)
	label, _ := body["role_external_label"].(string)
	if err != nil || strings.TrimSpace(label) == "" {
		writeErrors(w, http.StatusBadRequest, "role_external_label: is mandatory")
		return "", false
	}
	return label, true
}

func (s *Server) createSaaSRole(w http.ResponseWriter, r *http.Request) {
	label, ok := roleLabel(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusCreated, roleJSON(s.addRole(app, label, label), 0))
}

func (s *Server) setSaaSUserRoles(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Users string `json:"users"`
		Roles []struct {
			ExternalID string `json:"role_external_id"`
			Label      string `json:"role_external_label"`
		} `json:"roles"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Users == "" || body.Roles == nil {
		writeErrors(w, http.StatusBadRequest, "body must be {users: <user_id>, roles: [{role_external_id, role_external_label}]}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	su := s.saasUserFor(int(app.rec["saas_id"].(int64)), body.Users)
	if su == nil {
		writeJSON(w, http.StatusOK, map[string]any{"role_id": nil, "user_id": body.Users, "errors": []string{"user is not assigned to this SaaS"}})
		return
	}
	su.roleIDs = su.roleIDs[:0]
	for _, rr := range body.Roles {
		if rr.ExternalID == "" {
			writeErrors(w, http.StatusBadRequest, "roles: role_external_id is mandatory")
			return
		}
		su.roleIDs = append(su.roleIDs, s.addRole(app, rr.ExternalID, rr.Label).id)
	}
	writeJSON(w, http.StatusOK, map[string]any{"role_id": strings.Join(su.roleIDs, ","), "user_id": body.Users, "errors": nil})
}

func (s *Server) activateSaaSUsers(active bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			IDs []string `json:"saas_user_ids"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.IDs) == 0 {
			writeErrors(w, http.StatusBadRequest, "saas_user_ids: a non-empty list is mandatory")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		out := make([]map[string]any, len(body.IDs))
		for i, id := range body.IDs {
			res := map[string]any{"saas_user_id": id, "error": nil}
			if su := s.saasUsers[id]; su == nil {
				res["error"] = "SaaS user not found"
			} else {
				su.active = active
			}
			out[i] = res
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// assignSaaSRoles answers POST /api/v3/saas/{ident}/roles/users: every
// listed user gets every listed role (by role_id), in addition to the
// roles they have. Per-pair problems come back in errors, as the spec's
// 200 shape allows.
func (s *Server) assignSaaSRoles(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Users []string `json:"users"`
		Roles []string `json:"roles"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Users) == 0 || len(body.Roles) == 0 {
		writeErrors(w, http.StatusBadRequest, "body must be {users: [<user_id>...], roles: [<role_id>...]}")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	var errs []string
	known := map[string]bool{}
	for _, role := range app.roles {
		known[role.id] = true
	}
	for _, rid := range body.Roles {
		if !known[rid] {
			errs = append(errs, fmt.Sprintf("role %q: not a role of this SaaS", rid))
		}
	}
	for _, uid := range body.Users {
		su := s.saasUserFor(int(app.rec["saas_id"].(int64)), uid)
		if su == nil {
			errs = append(errs, fmt.Sprintf("user %q: not assigned to this SaaS", uid))
			continue
		}
		for _, rid := range body.Roles {
			if known[rid] && !slices.Contains(su.roleIDs, rid) {
				su.roleIDs = append(su.roleIDs, rid)
			}
		}
	}
	if errs == nil {
		errs = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"role_id": strings.Join(body.Roles, ","), "user_id": strings.Join(body.Users, ","), "errors": errs})
}

func (s *Server) lookupRole(w http.ResponseWriter, app *saasApp, id string) (int, bool) {
	for i, role := range app.roles {
		if role.id == id {
			return i, true
		}
	}
	writeErrors(w, http.StatusNotFound, "SaaS role not found")
	return 0, false
}

// updateSaaSRole answers PATCH /api/v3/saas/{ident}/roles/{saas_role_id}.
func (s *Server) updateSaaSRole(w http.ResponseWriter, r *http.Request) {
	label, ok := roleLabel(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	i, ok := s.lookupRole(w, app, r.PathValue("role"))
	if !ok {
		return
	}
	app.roles[i].label = label
	writeJSON(w, http.StatusOK, roleJSON(app.roles[i], s.roleUsers(app.roles[i].id)))
}

// deleteSaaSRole answers DELETE /api/v3/saas/{ident}/roles/{saas_role_id}
// with 204; the spec says it "also deletes user relations".
func (s *Server) deleteSaaSRole(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	i, ok := s.lookupRole(w, app, r.PathValue("role"))
	if !ok {
		return
	}
	id := app.roles[i].id
	app.roles = append(app.roles[:i], app.roles[i+1:]...)
	for _, su := range s.saasUsers {
		su.roleIDs = slices.DeleteFunc(su.roleIDs, func(x string) bool { return x == id })
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) roleUsers(roleID string) int {
	n := 0
	for _, su := range s.saasUsers {
		if slices.Contains(su.roleIDs, roleID) {
			n++
		}
	}
	return n
}

// deleteSaaS answers DELETE /api/v3/saas/{ident} with the deleted
// application (the spec's detail response); its SaaS users go with it.
func (s *Server) deleteSaaS(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app, ok := s.lookupSaaS(w, r)
	if !ok {
		return
	}
	id := int(app.rec["saas_id"].(int64))
	for k, su := range s.saasUsers {
		if su.saasID == id {
			delete(s.saasUsers, k)
		}
	}
	delete(s.saas, id)
	writeJSON(w, http.StatusOK, app.rec)
}
