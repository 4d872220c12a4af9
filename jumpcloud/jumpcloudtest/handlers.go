package jumpcloudtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jcoom/jcoom/jumpcloud"
)

type kind int

const (
	kString kind = iota
	kBool
	kInt
	kArray
	kObject
)

// writable lists the fields of systemuserputpost (POST) with their kinds;
// putOnly and postOnly adjust it for systemuserput (PUT).
var writable = map[string]kind{
	"account_locked": kBool, "activated": kBool, "addresses": kArray, "allow_public_key": kBool,
	"alternateEmail": kString, "attributes": kArray, "company": kString, "costCenter": kString,
	"delegatedAuthority": kObject, "department": kString, "description": kString,
	"disableDeviceMaxLoginAttempts": kBool, "displayname": kString, "email": kString,
	"employeeIdentifier": kString, "employeeType": kString, "enable_managed_uid": kBool,
	"enable_user_portal_multifactor": kBool, "external_dn": kString,
	"external_password_expiration_date": kString, "external_source_type": kString,
	"externally_managed": kBool, "firstname": kString, "jobTitle": kString, "lastname": kString,
	"ldap_binding_user": kBool, "location": kString, "managedAppleId": kString, "manager": kString,
	"mfa": kObject, "middlename": kString, "password": kString, "password_never_expires": kBool,
	"passwordless_sudo": kBool, "phoneNumbers": kArray, "public_key": kString,
	"recoveryEmail": kObject, "relationships": kArray, "restrictedFields": kArray,
	"samba_service_user": kBool, "state": kString, "sudo": kBool, "suspended": kBool,
	"unix_guid": kInt, "unix_uid": kInt, "username": kString, "ssh_keys": kArray,
}

var (
	postOnly = map[string]bool{"activated": true, "passwordless_sudo": true, "recoveryEmail": true}
	putOnly  = map[string]bool{"ssh_keys": true}
)

// newRecord returns a systemuserreturn with every field at its default.
func newRecord() record {
	return record{
		"_id": "", "account_locked": false, "account_locked_date": nil, "activated": false,
		"addresses": []any{}, "allow_public_key": true, "alternateEmail": nil, "attributes": []any{},
		"badLoginAttempts": float64(0), "company": "", "costCenter": "", "created": "",
		"creationSource": "jumpcloud:api", "department": "", "description": "",
		"disableDeviceMaxLoginAttempts": false, "displayname": "", "email": "",
		"employeeIdentifier": nil, "employeeType": "", "enable_managed_uid": false,
		"enable_user_portal_multifactor": false, "external_dn": "",
		"external_password_expiration_date": nil, "external_source_type": "",
		"externally_managed": false, "firstname": "", "jobTitle": "", "lastname": "",
		"ldap_binding_user": false, "location": "", "managedAppleId": "", "manager": nil,
		"mfa": record{"configured": false, "exclusion": false},
		"mfaEnrollment": record{"overallStatus": "NOT_ENROLLED", "pushStatus": "NOT_ENROLLED",
			"totpStatus": "NOT_ENROLLED", "webAuthnStatus": "NOT_ENROLLED"},
		"middlename": "", "organization": "", "password_date": nil, "password_expiration_date": nil,
		"password_expired": false, "password_never_expires": false, "passwordless_sudo": false,
		"phoneNumbers": []any{}, "public_key": "", "relationships": []any{}, "restrictedFields": []any{},
		"samba_service_user": false, "ssh_keys": []any{}, "state": "ACTIVATED", "sudo": false,
		"suspended": false, "totp_enabled": false, "unix_guid": float64(0), "unix_uid": float64(0),
		"username": "",
	}
}

// badRequest answers a body that breaks the schema with the spec's
// ErrorDetails: {code, message, status, details}.
func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, record{"code": http.StatusBadRequest, "message": msg, "status": "INVALID_ARGUMENT", "details": []any{}})
}

// writeMessage answers with a message-only body, the shape real 400s for
// request parameters take ({"message": "Bad Request: ..."}).
func writeMessage(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, record{"message": msg})
}

// alreadyExists answers a duplicate username or email: 400 with the
// message-only body JumpCloud sends ({"message": "Already Exists"}).
func alreadyExists(w http.ResponseWriter) {
	writeMessage(w, http.StatusBadRequest, "Already Exists")
}

// decodeBody reads a JSON object body (at most 1 MiB).
func decodeBody(w http.ResponseWriter, r *http.Request, allowEmpty bool) (record, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		badRequest(w, "Bad Request: unreadable body")
		return nil, false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		if allowEmpty {
			return record{}, true
		}
		badRequest(w, "Bad Request: body is required")
		return nil, false
	}
	var body record
	if err := json.Unmarshal(b, &body); err != nil || body == nil {
		badRequest(w, "Bad Request: body must be a JSON object")
		return nil, false
	}
	return body, true
}

// checkFields validates body against the writable schema for the method.
func checkFields(body record, post bool) error {
	for k, v := range body {
		kd, ok := writable[k]
		if !ok || (post && putOnly[k]) || (!post && postOnly[k]) {
			continue // read-only and unknown fields are ignored, as the API does
		}
		if v == nil {
			continue
		}
		var good bool
		switch kd {
		case kString:
			s, isStr := v.(string)
			good = isStr
			limit := 1024
			if k == "employeeIdentifier" {
				limit = 256
			}
			if isStr && len(s) > limit {
				return badRequestf("%s is longer than %d characters", k, limit)
			}
		case kBool:
			_, good = v.(bool)
		case kInt:
			f, isNum := v.(float64)
			good = isNum && f == float64(int64(f)) && f >= 1
		case kArray:
			_, good = v.([]any)
		case kObject:
			_, good = v.(map[string]any)
		}
		if !good {
			return badRequestf("invalid value for %s", k)
		}
	}
	return nil
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, s.present, func() ([]string, func(string) record) {
		return s.ids, func(id string) record { return s.users[id] }
	})
}

// serveList answers a v1 list request with {totalCount, results}. source
// runs under the lock and returns ids in _id order and a record getter;
// present, if set, shapes each record of the page for the reply.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, present func(record) record, source func() ([]string, func(string) record)) {
	if r.URL.Query().Has("search") {
		// The documented search parameter's encoding in a query string is
		// not specified anywhere; rather than return everything, say so.
		writeMessage(w, http.StatusBadRequest, "Bad Request: the search parameter is not supported by this fake; use POST /api/search/systemusers")
		return
	}
	q, err := parseListQuery(r.URL.Query(), r.Header.Get("x-eventually-consistent") == "true")
	if err != nil {
		writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	ids, get := source()
	// Filters and sort see the record as the API returns it (admin
	// object and derived flags included).
	shown := get
	if present != nil {
		shown = func(id string) record { return present(get(id)) }
	}
	total, page := q.apply(ids, shown)
	results := make([]record, len(page))
	for i, rec := range page {
		results[i] = q.project(rec)
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, record{"totalCount": total, "results": results})
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (record, bool) {
	id := r.PathValue("id")
	if err := jumpcloud.ValidateID(id); err != nil {
		badRequest(w, "Bad Request: invalid object id "+strconv.Quote(id))
		return nil, false
	}
	rec, ok := s.users[id]
	if !ok {
		writeError(w, http.StatusNotFound, "User not found", "NOT_FOUND")
		return nil, false
	}
	return rec, true
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	q, err := parseListQuery(r.URL.Query(), r.Header.Get("x-eventually-consistent") == "true")
	if err != nil {
		writeMessage(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, q.project(s.present(rec)))
}

// taken reports whether another user has this username or email.
func (s *Server) taken(field, value, exceptID string) bool {
	for id, rec := range s.users {
		if id == exceptID {
			continue
		}
		if v, _ := rec[field].(string); strings.EqualFold(v, value) {
			return true
		}
	}
	return false
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	body, ok := decodeBody(w, r, false)
	if !ok {
		return
	}
	if err := checkFields(body, true); err != nil {
		badRequest(w, err.Error())
		return
	}
	username, _ := body["username"].(string)
	email, _ := body["email"].(string)
	if strings.TrimSpace(username) == "" || strings.TrimSpace(email) == "" {
		badRequest(w, "Bad Request: username and email are required")
		return
	}
	if !strings.Contains(email, "@") {
		badRequest(w, "Bad Request: email is not a valid email address")
		return
	}
	state := s.defaultSt
	if st, ok := body["state"].(string); ok && st != "" {
		if st != "STAGED" && st != "ACTIVATED" && st != "SUSPENDED" {
			badRequest(w, "Bad Request: state must be one of STAGED, ACTIVATED, SUSPENDED")
			return
		}
		state = st
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taken("username", username, "") || s.taken("email", email, "") {
		alreadyExists(w)
		return
	}
	rec := newRecord()
	for k, v := range body {
		if _, ok := writable[k]; ok && !putOnly[k] && k != "password" {
			rec[k] = v
		}
	}
	rec["_id"] = s.newID()
	rec["created"] = s.stamp()
	rec["organization"] = s.orgID
	s.assignUID(rec)
	rec["state"] = state
	if susp, ok := body["suspended"].(bool); ok && susp {
		rec["state"] = "SUSPENDED"
	}
	rec["suspended"] = rec["state"] == "SUSPENDED"
	if pw, _ := body["password"].(string); pw != "" {
		s.passwords[rec["_id"].(string)] = pw
		rec["password_date"] = s.stamp()
		if _, set := body["activated"]; !set {
			rec["activated"] = true
		}
	}
	if rec["account_locked"] == true {
		rec["account_locked_date"] = s.stamp()
	}
	s.insert(rec)
	writeJSON(w, http.StatusOK, s.present(rec))
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	body, ok := decodeBody(w, r, true) // the body is optional: none changes nothing
	if !ok {
		return
	}
	if err := checkFields(body, false); err != nil {
		badRequest(w, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	id := rec["_id"].(string)
	if st, ok := body["state"]; ok && st != "ACTIVATED" && st != "SUSPENDED" {
		badRequest(w, "Bad Request: state must be one of ACTIVATED, SUSPENDED")
		return
	}
	for _, f := range []string{"username", "email"} {
		if v, ok := body[f]; ok {
			sv, _ := v.(string)
			if strings.TrimSpace(sv) == "" {
				badRequest(w, "Bad Request: "+f+" must not be empty")
				return
			}
			if s.taken(f, sv, id) {
				alreadyExists(w)
				return
			}
		}
	}
	for k, v := range body {
		if _, ok := writable[k]; ok && !postOnly[k] && k != "password" {
			rec[k] = v
		}
	}
	if pw, _ := body["password"].(string); pw != "" {
		s.passwords[id] = pw
		rec["password_date"] = s.stamp()
		rec["password_expired"] = false
		rec["password_expiration_date"] = nil
	}
	// state and suspended move together.
	if st, ok := body["state"].(string); ok {
		rec["suspended"] = st == "SUSPENDED"
	} else if susp, ok := body["suspended"].(bool); ok {
		if susp {
			rec["state"] = "SUSPENDED"
		} else if rec["state"] == "SUSPENDED" {
			rec["state"] = "ACTIVATED"
		}
	}
	if l, ok := body["account_locked"].(bool); ok {
		if l {
			rec["account_locked_date"] = s.stamp()
		} else {
			rec["account_locked_date"] = nil
		}
	}
	writeJSON(w, http.StatusOK, s.present(rec))
}

func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	id := rec["_id"].(string)
	var reports []record
	for _, other := range s.users {
		if other["manager"] == id {
			reports = append(reports, other)
		}
	}
	if len(reports) > 0 {
		if !r.URL.Query().Has("cascade_manager") {
			writeError(w, http.StatusConflict, fmt.Sprintf("User is the manager of %d users; clear their manager first or pass cascade_manager", len(reports)), "FAILED_PRECONDITION")
			return
		}
		for _, o := range reports {
			o["manager"] = nil
		}
	}
	out := s.present(rec)
	delete(s.users, id)
	delete(s.passwords, id)
	for i, v := range s.ids {
		if v == id {
			s.ids = append(s.ids[:i], s.ids[i+1:]...)
			break
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// action runs f on the user under the lock and answers 200 with no body.
func (s *Server) action(w http.ResponseWriter, r *http.Request, f func(rec, body record) error) {
	body, ok := decodeBody(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if err := f(rec, body); err != nil {
		badRequest(w, err.Error())
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request) {
	s.action(w, r, func(rec, _ record) error {
		rec["account_locked"] = false
		rec["account_locked_date"] = nil
		rec["badLoginAttempts"] = float64(0)
		return nil
	})
}

func (s *Server) expireUser(w http.ResponseWriter, r *http.Request) {
	s.action(w, r, func(rec, _ record) error {
		rec["password_expired"] = true
		rec["password_expiration_date"] = s.stamp()
		return nil
	})
}

func (s *Server) resetMFA(w http.ResponseWriter, r *http.Request) {
	s.action(w, r, func(rec, body record) error {
		mfa := record{"configured": false, "exclusion": body["exclusion"] == true}
		if d, ok := body["exclusionDays"]; ok {
			f, isNum := d.(float64)
			if !isNum || f < 1 {
				return badRequestf("exclusionDays must be a number of 1 or more")
			}
			mfa["exclusionDays"] = f
		}
		if u, ok := body["exclusionUntil"].(string); ok {
			mfa["exclusionUntil"] = u
		}
		rec["mfa"] = mfa
		rec["totp_enabled"] = false
		rec["mfaEnrollment"] = record{"overallStatus": "PRE_ENROLLMENT", "pushStatus": "NOT_ENROLLED",
			"totpStatus": "PRE_ENROLLMENT", "webAuthnStatus": "NOT_ENROLLED"}
		return nil
	})
}

func (s *Server) activateUser(w http.ResponseWriter, r *http.Request) {
	s.action(w, r, func(rec, body record) error {
		switch e := body["email"].(type) {
		case nil, bool:
		case string:
			if !strings.Contains(e, "@") {
				return badRequestf("email is not a valid email address")
			}
		default:
			return badRequestf("email must be a boolean or an address")
		}
		if rec["state"] == "STAGED" {
			rec["state"] = "ACTIVATED"
		}
		return nil
	})
}

func (s *Server) listAdmins(w http.ResponseWriter, r *http.Request) {
	s.serveList(w, r, nil, func() ([]string, func(string) record) {
		ids := make([]string, len(s.admins))
		byID := make(map[string]record, len(s.admins))
		for i, a := range s.admins {
			ids[i] = a["_id"].(string)
			byID[ids[i]] = a
		}
		slices.Sort(ids)
		return ids, func(id string) record { return byID[id] }
	})
}
