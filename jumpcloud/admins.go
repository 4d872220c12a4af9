package jumpcloud

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strings"

	"github.com/jcoom/jcoom/internal/paging"
)

// AdminsService reads console administrators: GET /api/users. The endpoint
// is undocumented but used by JumpCloud's own tools; x-org-id is never sent.
type AdminsService struct{ client *Client }

// Admin is a JumpCloud console administrator (userreturn).
type Admin struct {
	ID                  string    `json:"_id"`
	Email               string    `json:"email"`
	Firstname           string    `json:"firstname"`
	Lastname            string    `json:"lastname"`
	Role                string    `json:"role"`
	RoleName            string    `json:"roleName"`
	RoleNames           []string  `json:"roleNames"`
	Organization        string    `json:"organization"`
	Suspended           bool      `json:"suspended"`
	EnableMultiFactor   bool      `json:"enableMultiFactor"`
	TOTPEnrolled        bool      `json:"totpEnrolled"`
	APIKeyAllowed       bool      `json:"apiKeyAllowed"`
	APIKeySet           bool      `json:"apiKeySet"`
	Created             Timestamp `json:"created"`
	APIKeyUpdatedAt     Timestamp `json:"apiKeyUpdatedAt"`
	PasswordUpdatedAt   Timestamp `json:"passwordUpdatedAt"`
	TOTPUpdatedAt       Timestamp `json:"totpUpdatedAt"`
	LastWhatsNewChecked Timestamp `json:"lastWhatsNewChecked"`
	Provider            string    `json:"provider"`
	SessionCount        int       `json:"sessionCount"`
	UsersTimeZone       string    `json:"usersTimeZone"`
}

// AdminPage is one page of administrators.
type AdminPage struct {
	TotalCount int      `json:"totalCount"`
	Admins     []*Admin `json:"results"`
}

// List fetches one page of administrators. Only Limit, Skip, Sort, Fields
// and Filter of opts are used.
func (s *AdminsService) List(ctx context.Context, opts *ListOptions) (*AdminPage, error) {
	q, err := opts.values(adminFilterFields())
	if err != nil {
		return nil, err
	}
	var page AdminPage
	if _, err := s.client.do(ctx, http.MethodGet, "/api/users", q, nil, &page); err != nil {
		return nil, err
	}
	return &page, nil
}

// All iterates over every administrator, with the semantics of UsersService.All.
func (s *AdminsService) All(ctx context.Context) iter.Seq2[*Admin, error] {
	return paging.All(ctx, paging.Spec[*Admin]{
		Limit: MaxLimit,
		Key:   func(a *Admin) string { return a.ID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*Admin], error) {
			p, err := s.List(ctx, &ListOptions{Skip: skip, Limit: limit})
			if err != nil {
				return paging.Page[*Admin]{}, err
			}
			return paging.Page[*Admin]{Items: p.Admins, Total: p.TotalCount}, nil
		},
	})
}

// GetByEmail returns the administrator whose email equals email
// (case-insensitively), or an error matching ErrNotFound. It pages through
// all administrators, since the endpoint's filter support is undocumented.
func (s *AdminsService) GetByEmail(ctx context.Context, email string) (*Admin, error) {
	if email == "" {
		return nil, fmt.Errorf("jumpcloud: admin look-up: email is empty")
	}
	for a, err := range s.All(ctx) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(a.Email, email) {
			return a, nil
		}
	}
	return nil, &Error{StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: "/api/users",
		Message: fmt.Sprintf("no administrator with email %q", email), sentinel: ErrNotFound}
}
