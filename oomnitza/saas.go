package oomnitza

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// SaaSService manages SaaS applications, their users and roles: /api/v3/saas.
type SaaSService struct{ client *Client }

// SaaS is a SaaS application record.
type SaaS struct {
	SaaSID            int     `json:"saas_id,omitempty"`
	SaaSName          string  `json:"saas_name"`
	Linked            string  `json:"linked,omitempty"`
	Category          string  `json:"category,omitempty"`
	UsageStatistic    string  `json:"usage_statistic,omitempty"`
	UsageHistory      string  `json:"usage_history,omitempty"`
	LinkKey           string  `json:"link_key,omitempty"`
	Publisher         string  `json:"publisher,omitempty"`
	URL               string  `json:"url,omitempty"`
	Source            string  `json:"source,omitempty"`
	Ignored           string  `json:"ignored,omitempty"`
	Version           string  `json:"version,omitempty"`
	Visited           int     `json:"visited,omitempty"`
	AvailableLicenses int     `json:"available_licenses,omitempty"`
	TotalLicenses     int     `json:"total_licenses,omitempty"`
	IsInf             bool    `json:"is_inf,omitempty"`
	AnnualSpend       float64 `json:"annual_spend,omitempty"`
	RenewalDate       string  `json:"renewal_date,omitempty"`
	ChangeDate        string  `json:"changedate,omitempty"`
	ChangedBy         string  `json:"changedby,omitempty"`
	CreationDate      string  `json:"creationdate,omitempty"`
	CreatedBy         string  `json:"createdby,omitempty"`
	Hash              bool    `json:"hash,omitempty"`
	Deleted           string  `json:"deleted,omitempty"`
	UID               int     `json:"uid,omitempty"`
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
	RoleID            string `json:"role_id"`
	SaaSID            string `json:"saas_id"`
	Source            int    `json:"source"`
	RoleExternalID    string `json:"role_external_id"`
	RoleExternalLabel string `json:"role_external_label"`
	UsersCount        int    `json:"users_count"`
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
	if _, err := s.client.do(ctx, http.MethodPost, "/api/v3/saas", nil, app, &reply); err != nil {
		return nil, err
	}
	if reply.SaaSID <= 0 {
		return nil, errors.New("oomnitza: create SaaS: the reply carried no saas_id")
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

// Users lists the users assigned to a SaaS application.
func (s *SaaSService) Users(ctx context.Context, saasID int) ([]*SaaSUser, error) {
	path, err := saasPath(saasID, "users")
	if err != nil {
		return nil, err
	}
	var out []*SaaSUser
	if _, err := s.client.do(ctx, http.MethodGet, path, nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// AssignUsers assigns or unassigns users in bulk.
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
	_, err = s.client.do(ctx, http.MethodPost, path, nil, as, nil)
	return err
}

// SetUserExternalID stores the user's id in the external SaaS system
// (for JumpCloud: the JumpCloud user id).
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
	if _, err := s.client.do(ctx, http.MethodPost, path, nil, map[string]string{"user_external_id": externalID}, &reply); err != nil {
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
// do not exist yet are created.
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
	if _, err := s.client.do(ctx, http.MethodPatch, path, nil, body, &reply); err != nil {
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
