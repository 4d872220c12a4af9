package jumpcloud

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"

	emailrule "github.com/jcoom/jcoom/internal/email"
	"github.com/jcoom/jcoom/internal/transport"

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
	if page.Admins == nil {
		return nil, transport.UnexpectedReply("jumpcloud", http.MethodGet, "/api/users", "the reply has no results list")
	}
	return &page, nil
}

// All iterates over every administrator matching opts, with the semantics
// of UsersService.All (lazy, re-iterable, ordered, de-duplicated; nil opts
// lists everyone).
func (s *AdminsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Admin, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = MaxLimit
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "_id") {
		o.Fields = append(o.Fields, "_id")
	}
	if _, err := o.values(adminFilterFields()); err != nil {
		return func(yield func(*Admin, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[*Admin]{
		What:  "jumpcloud: administrators",
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(a *Admin) string { return a.ID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*Admin], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			p, err := s.List(ctx, &po)
			if err != nil {
				return paging.Page[*Admin]{}, err
			}
			return paging.Page[*Admin]{Items: p.Admins, Total: p.TotalCount}, nil
		},
	})
}

// GetByEmail returns the administrator with this email; emails compare
// case-insensitively after trimming, as in UsersService.GetByEmail. It
// pages through all administrators, since the endpoint's filter support
// is undocumented. None is a *MatchError matching ErrNotFound; several,
// ErrMultipleMatches.
func (s *AdminsService) GetByEmail(ctx context.Context, email string) (*Admin, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, fmt.Errorf("jumpcloud: admin look-up: email is empty")
	}
	var found []*Admin
	for a, err := range s.All(ctx, nil) {
		if err != nil {
			return nil, err
		}
		if emailrule.Same(a.Email, email) {
			found = append(found, a)
		}
	}
	if len(found) != 1 {
		return nil, &MatchError{API: "jumpcloud", What: "administrator", Field: "email", Value: email, Count: len(found)}
	}
	return found[0], nil
}
