package oomnitza

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"strings"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/transport"
)

// SaaSService manages SaaS applications, their users and roles: /api/v3/saas.
type SaaSService struct{ client *Client }

// SaaS is a SaaS application record. Dates are Oomnitza dates (epoch
// seconds on the wire, like user dates).
type SaaS struct {
	SaaSID            int     `json:"saas_id"`
	SaaSName          string  `json:"saas_name"`
	Linked            string  `json:"linked"`
	Category          string  `json:"category"`
	UsageStatistic    string  `json:"usage_statistic"`
	UsageHistory      string  `json:"usage_history"`
	LinkKey           string  `json:"link_key"`
	Publisher         string  `json:"publisher"`
	URL               string  `json:"url"`
	Source            string  `json:"source"`
	Ignored           string  `json:"ignored"`
	Version           string  `json:"version"`
	Visited           int     `json:"visited"`
	AvailableLicenses int     `json:"available_licenses"`
	TotalLicenses     int     `json:"total_licenses"`
	IsInf             bool    `json:"is_inf"`
	AnnualSpend       float64 `json:"annual_spend"`
	RenewalDate       Time    `json:"renewal_date"`
	ChangeDate        Time    `json:"changedate"`
	ChangedBy         string  `json:"changedby"`
	CreationDate      Time    `json:"creationdate"`
	CreatedBy         string  `json:"createdby"`
	Hash              bool    `json:"hash"`
	Deleted           string  `json:"deleted"`
	UID               int     `json:"uid"`
}

// createBody is what Create sends: the fields the caller set, and none of
// those the server assigns.
func (a *SaaS) createBody() map[string]any {
	body := map[string]any{"saas_name": a.SaaSName}
	set := func(k string, v any, ok bool) {
		if ok {
			body[k] = v
		}
	}
	set("linked", a.Linked, a.Linked != "")
	set("category", a.Category, a.Category != "")
	set("usage_statistic", a.UsageStatistic, a.UsageStatistic != "")
	set("usage_history", a.UsageHistory, a.UsageHistory != "")
	set("link_key", a.LinkKey, a.LinkKey != "")
	set("publisher", a.Publisher, a.Publisher != "")
	set("url", a.URL, a.URL != "")
	set("source", a.Source, a.Source != "")
	set("ignored", a.Ignored, a.Ignored != "")
	set("version", a.Version, a.Version != "")
	set("visited", a.Visited, a.Visited != 0)
	set("available_licenses", a.AvailableLicenses, a.AvailableLicenses != 0)
	set("total_licenses", a.TotalLicenses, a.TotalLicenses != 0)
	set("is_inf", a.IsInf, a.IsInf)
	set("annual_spend", a.AnnualSpend, a.AnnualSpend != 0)
	set("renewal_date", a.RenewalDate, !a.RenewalDate.IsZero())
	set("hash", a.Hash, a.Hash)
	return body
}

// SaaSUser is a user assigned to a SaaS application ("SaaS assigned User").
type SaaSUser struct {
	// SaaSUserID identifies the SaaS-user record for activation; not every
	// Oomnitza version returns it.
	SaaSUserID     string       `json:"saas_user_id,omitempty"`
	UserID         string       `json:"user_id"`
	Username       string       `json:"username"`
	Email          string       `json:"email"`
	FullName       string       `json:"full_name"`
	LastVisit      Time         `json:"last_visit,omitzero"`
	OldUsage       bool         `json:"old_usage"`
	MediaURL       string       `json:"media_url"`
	ContractID     string       `json:"contract_id"`
	Roles          SaaSUserRole `json:"roles"`
	UserExternalID string       `json:"user_external_id"`
}

// SaaSUserRole is the role of a SaaS user.
type SaaSUserRole struct {
	RoleID            string `json:"role_id"`
	RoleExternalID    string `json:"role_external_id"`
	RoleExternalLabel string `json:"role_external_label"`
}

// SaaSRole is a role defined for a SaaS application.
type SaaSRole struct {
	RoleID string `json:"role_id"`
	// SaaSID is the application's id; the API sends it as a string here
	// and as an integer on SaaS records, and both decode to an int.
	SaaSID            int    `json:"saas_id"`
	Source            int    `json:"source"`
	RoleExternalID    string `json:"role_external_id"`
	RoleExternalLabel string `json:"role_external_label"`
	UsersCount        int    `json:"users_count"`
}

// UnmarshalJSON accepts saas_id as a string or a number.
func (r *SaaSRole) UnmarshalJSON(b []byte) error {
	type alias SaaSRole
	var w struct {
		alias
		SaaSID flexInt `json:"saas_id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("oomnitza: decoding SaaS role: %w", err)
	}
	*r = SaaSRole(w.alias)
	r.SaaSID = int(w.SaaSID)
	return nil
}

// RoleRef names a role by its id in the external system, with an optional label.
type RoleRef struct {
	ExternalID string `json:"role_external_id"`
	Label      string `json:"role_external_label,omitempty"`
}

// Assignment assigns (or unassigns) an Oomnitza user to a SaaS application.
type Assignment struct {
	UserID string `json:"user_id"`
	Assign bool   `json:"assign"`
}

func saasPath(id int, rest ...string) (string, error) {
	if id <= 0 {
		return "", fmt.Errorf("oomnitza: SaaS id %d is not valid; want a positive id", id)
	}
	p := "/api/v3/saas/" + strconv.Itoa(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p, nil
}

// List fetches SaaS applications (limit, skip, sortby and filter apply).
func (s *SaaSService) List(ctx context.Context, opts *ListOptions) ([]*SaaS, error) {
	q, err := opts.values()
	if err != nil {
		return nil, err
	}
	var out []*SaaS
	if _, err := s.client.do(ctx, http.MethodGet, "/api/v3/saas", q, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Get fetches one SaaS application.
func (s *SaaSService) Get(ctx context.Context, id int) (*SaaS, error) {
	path, err := saasPath(id)
	if err != nil {
		return nil, err
	}
	var out SaaS
	if _, err := s.client.do(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return nil, err
	}
	if out.SaaSID != id {
		return nil, transport.UnexpectedReply("oomnitza", http.MethodGet, path, "asked for SaaS %d, the reply is SaaS %d", id, out.SaaSID)
	}
	return &out, nil
}

// Create adds a SaaS application (names must be unique) and returns it
// with its new id.
func (s *SaaSService) Create(ctx context.Context, app *SaaS) (*SaaS, error) {
	if app == nil || strings.TrimSpace(app.SaaSName) == "" {
		return nil, errors.New("oomnitza: create SaaS: saas_name is empty")
	}
	var reply struct {
		SaaSID flexInt `json:"saas_id"`
	}
	if _, err := s.client.do(ctx, http.MethodPost, "/api/v3/saas", nil, app.createBody(), &reply); err != nil {
		return nil, err
	}
	if reply.SaaSID <= 0 {
		return nil, transport.UnexpectedReply("oomnitza", http.MethodPost, "/api/v3/saas", "the reply carries no saas_id")
	}
	out := *app
	out.SaaSID = int(reply.SaaSID)
	return &out, nil
}

// Update changes the fields in rec (PATCH) and returns the application.
func (s *SaaSService) Update(ctx context.Context, id int, rec Record) (*SaaS, error) {
	path, err := saasPath(id)
	if err != nil {
		return nil, err
	}
	if err := validateRecord(rec, "update SaaS"); err != nil {
		return nil, err
	}
	var out SaaS
	if _, err := s.client.do(ctx, http.MethodPatch, path, nil, rec, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SaaSUserPage is one page of a SaaS application's users.
type SaaSUserPage struct {
	// Total is the X-Total-Count header, or -1 when the server sent none.
	Total int
	Users []*SaaSUser
}

// ListUsers fetches one page of the users assigned to a SaaS application
// (limit and skip of opts apply).
func (s *SaaSService) ListUsers(ctx context.Context, saasID int, opts *ListOptions) (*SaaSUserPage, error) {
	path, err := saasPath(saasID, "users")
	if err != nil {
		return nil, err
	}
	var page ListOptions
	if opts != nil {
		page = ListOptions{Limit: opts.Limit, Skip: opts.Skip}
	}
	q, err := page.values()
	if err != nil {
		return nil, err
	}
	var out []*SaaSUser
	resp, err := s.client.do(ctx, http.MethodGet, path, q, nil, &out)
	if err != nil {
		return nil, err
	}
	return &SaaSUserPage{Total: totalCount(resp), Users: out}, nil
}

// Users iterates over the users assigned to a SaaS application, page by
// page, lazily, like UsersService.All. A server that ignores limit and
// answers with every user at once is read as one complete page.
func (s *SaaSService) Users(ctx context.Context, saasID int) iter.Seq2[*SaaSUser, error] {
	if _, err := saasPath(saasID, "users"); err != nil {
		return func(yield func(*SaaSUser, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[*SaaSUser]{
		What:  fmt.Sprintf("oomnitza: saas %d users", saasID),
		Limit: DefaultPageSize,
		Key:   func(u *SaaSUser) string { return u.UserID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*SaaSUser], error) {
			p, err := s.ListUsers(ctx, saasID, &ListOptions{Skip: skip, Limit: limit})
			if err != nil {
				return paging.Page[*SaaSUser]{}, err
			}
			return paging.Page[*SaaSUser]{Items: p.Users, Total: p.Total}, nil
		},
	})
}

// AssignUsers assigns or unassigns users in bulk. Each assignment sets
// an absolute state, so the request is retried like a PUT.
func (s *SaaSService) AssignUsers(ctx context.Context, saasID int, as ...Assignment) error {
	path, err := saasPath(saasID, "users")
	if err != nil {
		return err
	}
	if len(as) == 0 {
		return errors.New("oomnitza: assign SaaS users: no assignments")
	}
	for _, a := range as {
		if err := ValidateID(a.UserID); err != nil {
			return err
		}
	}
	_, err = s.client.doIdempotent(ctx, http.MethodPost, path, nil, as, nil)
	return err
}

// SetUserExternalID stores the user's id in the external SaaS system
// (for JumpCloud: the JumpCloud user id). It sets a value, so the request
// is retried like a PUT.
func (s *SaaSService) SetUserExternalID(ctx context.Context, saasID int, userID, externalID string) error {
	if err := ValidateID(userID); err != nil {
		return err
	}
	if externalID == "" {
		return errors.New("oomnitza: set SaaS user external id: external id is empty")
	}
	path, err := saasPath(saasID, "users", userID)
	if err != nil {
		return err
	}
	var reply struct {
		Errors []string `json:"errors"`
	}
	if _, err := s.client.doIdempotent(ctx, http.MethodPost, path, nil, map[string]string{"user_external_id": externalID}, &reply); err != nil {
		return err
	}
	if len(reply.Errors) > 0 {
		return &ItemError{Op: "set SaaS user external id", Failures: map[string]string{userID: strings.Join(reply.Errors, "; ")}}
	}
	return nil
}

// Roles lists the roles of a SaaS application.
func (s *SaaSService) Roles(ctx context.Context, saasID int) ([]*SaaSRole, error) {
	path, err := saasPath(saasID, "roles")
	if err != nil {
		return nil, err
	}
	var out []*SaaSRole
	if _, err := s.client.do(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// CreateRole adds a role with the given label.
func (s *SaaSService) CreateRole(ctx context.Context, saasID int, label string) (*SaaSRole, error) {
	path, err := saasPath(saasID, "roles")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(label) == "" {
		return nil, errors.New("oomnitza: create SaaS role: label is empty")
	}
	var out SaaSRole
	if _, err := s.client.do(ctx, http.MethodPost, path, nil, map[string]string{"role_external_label": label}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// SetUserRoles replaces a user's roles in the SaaS application; roles that
// do not exist yet are created. It overwrites the list, so the request is
// retried like a PUT.
func (s *SaaSService) SetUserRoles(ctx context.Context, saasID int, userID string, roles ...RoleRef) error {
	if err := ValidateID(userID); err != nil {
		return err
	}
	path, err := saasPath(saasID, "roles", "users")
	if err != nil {
		return err
	}
	for _, r := range roles {
		if r.ExternalID == "" {
			return errors.New("oomnitza: set SaaS user roles: a role has an empty external id")
		}
	}
	if roles == nil {
		roles = []RoleRef{}
	}
	var reply struct {
		Errors []string `json:"errors"`
	}
	body := map[string]any{"users": userID, "roles": roles}
	if _, err := s.client.doIdempotent(ctx, http.MethodPatch, path, nil, body, &reply); err != nil {
		return err
	}
	if len(reply.Errors) > 0 {
		return &ItemError{Op: "set SaaS user roles", Failures: map[string]string{userID: strings.Join(reply.Errors, "; ")}}
	}
	return nil
}

// SaaSUsersService activates and deactivates SaaS-user records.
type SaaSUsersService struct{ client *Client }

// Activate marks SaaS-user records active. Per-record failures are an *ItemError.
func (s *SaaSUsersService) Activate(ctx context.Context, saasUserIDs ...string) error {
	return s.set(ctx, "activate", saasUserIDs)
}

// Deactivate marks SaaS-user records inactive. Per-record failures are an *ItemError.
func (s *SaaSUsersService) Deactivate(ctx context.Context, saasUserIDs ...string) error {
	return s.set(ctx, "deactivate", saasUserIDs)
}

func (s *SaaSUsersService) set(ctx context.Context, action string, ids []string) error {
	if len(ids) == 0 {
		return fmt.Errorf("oomnitza: %s SaaS users: no ids", action)
	}
	for _, id := range ids {
		if id == "" {
			return fmt.Errorf("oomnitza: %s SaaS users: an id is empty", action)
		}
	}
	var reply []struct {
		SaaSUserID string          `json:"saas_user_id"`
		Error      json.RawMessage `json:"error"`
	}
	body := map[string][]string{"saas_user_ids": ids}
	if _, err := s.client.do(ctx, http.MethodPatch, "/api/v3/saas_users/"+action, nil, body, &reply); err != nil {
		return err
	}
	failed := map[string]string{}
	for _, r := range reply {
		var msg string
		if len(r.Error) > 0 && string(r.Error) != "null" {
			if json.Unmarshal(r.Error, &msg) != nil {
				msg = string(r.Error)
			}
		}
		if msg != "" {
			failed[r.SaaSUserID] = msg
		}
	}
	if len(failed) > 0 {
		return &ItemError{Op: action + " SaaS users", Failures: failed}
	}
	return nil
}

// GetByName returns the SaaS application with exactly this name. None is
// a *MatchError matching ErrNotFound; several, ErrMultipleMatches.
func (s *SaaSService) GetByName(ctx context.Context, name string) (*SaaS, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("oomnitza: look up SaaS by name: name is empty")
	}
	apps, err := s.List(ctx, &ListOptions{Filter: Eq("saas_name", name)})
	if err != nil {
		return nil, err
	}
	var found []*SaaS
	for _, a := range apps {
		if a.SaaSName == name {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		return nil, &MatchError{API: "oomnitza", What: "SaaS", Field: "saas_name", Value: name, Count: len(found)}
	}
	return found[0], nil
}

// Ensure returns the SaaS application with this name, creating it when
// there is none. A create that fails (a lost reply, or the name taken
// meanwhile) is followed by another look-up, so no second application
// with the name is made.
func (s *SaaSService) Ensure(ctx context.Context, name string) (app *SaaS, created bool, err error) {
	app, err = s.GetByName(ctx, name)
	if !errors.Is(err, ErrNotFound) {
		return app, false, err
	}
	app, createErr := s.Create(ctx, &SaaS{SaaSName: name})
	if createErr == nil {
		return app, true, nil
	}
	if app, err = s.GetByName(ctx, name); err != nil {
		return nil, false, fmt.Errorf("oomnitza: create SaaS %q: %w", name, createErr)
	}
	return app, false, nil
}
