package oomnitza

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	emailrule "github.com/jcoom/jcoom/internal/email"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/safecreate"
	"github.com/jcoom/jcoom/internal/transport"
)

// UsersService manages People records: /api/v3/users.
type UsersService struct{ client *Client }

// UserPage is one page of users. Total is the X-Total-Count header, or -1
// when the server did not send it.
type UserPage struct {
	Total int
	Users []*User
}

// ValidateID checks a user id before it is put in a URL path.
func ValidateID(id string) error {
	if err := validateIdent("user", id); err != nil {
		return err
	}
	for _, route := range siblingRoutes {
		if strings.EqualFold(id, route) {
			return fmt.Errorf("oomnitza: user id %q names the route /api/v3/users/%s, not a user", id, route)
		}
	}
	return nil
}

// validateIdent checks an id of a kind of record ("user", "asset") before
// it is put in a URL path: one segment, no dot segments, no character
// that would change the path or the query.
func validateIdent(kind, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("oomnitza: %s id is empty", kind)
	case len(id) > 256:
		return fmt.Errorf("oomnitza: %s id %.20q... is longer than 256 characters", kind, id)
	case id == "." || id == "..":
		return fmt.Errorf("oomnitza: %s id %q is a path dot segment, not an id", kind, id)
	case strings.ContainsFunc(id, unicode.IsControl):
		return fmt.Errorf("oomnitza: %s id %q contains a control character", kind, id)
	case strings.ContainsFunc(id, unicode.IsSpace) || strings.ContainsAny(id, "/?#%\\"):
		return fmt.Errorf("oomnitza: %s id %q contains a character not allowed in an id ('/', '?', '#', '%%', '\\' or white space)", kind, id)
	}
	return nil
}

// siblingRoutes are the paths beside /api/v3/users/{ident} that an id
// must never reach.
var siblingRoutes = []string{"meta", "savedsearches"}

func userPath(id string) (string, error) {
	if err := ValidateID(id); err != nil {
		return "", err
	}
	return "/api/v3/users/" + url.PathEscape(id), nil
}

// List fetches one page.
func (s *UsersService) List(ctx context.Context, opts *ListOptions) (*UserPage, error) {
	q, err := opts.values()
	if err != nil {
		return nil, err
	}
	var users userList
	resp, err := s.client.do(ctx, http.MethodGet, "/api/v3/users", q, nil, &users)
	if err != nil {
		return nil, err
	}
	if users == nil {
		// An empty body or null: not an empty page, which is [].
		return nil, transport.UnexpectedReply("oomnitza", http.MethodGet, "/api/v3/users", "the reply is not a list of users")
	}
	return &UserPage{Total: totalCount(resp), Users: users}, nil
}

func totalCount(resp *transport.Response) int {
	if n, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-Total-Count"))); err == nil && n >= 0 {
		return n
	}
	return -1
}

// All iterates over every user matching opts, lazily: no request is made
// until the sequence is ranged. Each range starts again from opts.Skip and
// opts is never modified. The first error is yielded once and ends the
// sequence; a user is never yielded twice.
func (s *UsersService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*User, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = DefaultPageSize
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "user_id") {
		// Without its key a user cannot be told from the next one.
		o.Fields = append(o.Fields, "user_id")
	}
	if _, err := o.values(); err != nil {
		return func(yield func(*User, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[*User]{
		What:  "oomnitza: users",
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(u *User) string { return u.UserID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*User], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			p, err := s.List(ctx, &po)
			if err != nil {
				return paging.Page[*User]{}, err
			}
			return paging.Page[*User]{Items: p.Users, Total: p.Total}, nil
		},
	})
}

// Get fetches one user by id.
func (s *UsersService) Get(ctx context.Context, id string) (*User, error) {
	path, err := userPath(id)
	if err != nil {
		return nil, err
	}
	var u User
	if _, err := s.client.do(ctx, http.MethodGet, path, nil, nil, &u); err != nil {
		return nil, err
	}
	if err := sameUser(http.MethodGet, path, id, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// sameUser checks that a reply about the user id is that user: an error
// object, an empty body or somebody else's record is no success.
func sameUser(method, path, id string, u *User) error {
	switch {
	case u.UserID == "":
		return transport.UnexpectedReply("oomnitza", method, path, "the reply holds no user (no user_id)")
	case u.UserID != id:
		return transport.UnexpectedReply("oomnitza", method, path, "asked for user %q, the reply is user %q", id, u.UserID)
	}
	return nil
}

// GetByUsername returns the user with this username (exact, after
// trimming). None is a *MatchError matching ErrNotFound; several,
// ErrMultipleMatches.
func (s *UsersService) GetByUsername(ctx context.Context, username string) (*User, error) {
	return s.GetByField(ctx, "username", strings.TrimSpace(username))
}

// GetByEmail returns the user with this email. Emails compare
// case-insensitively after trimming, in both clients: the look-up asks for
// the address as given and in lower case, and keeps the users whose email
// folds to the same address.
func (s *UsersService) GetByEmail(ctx context.Context, email string) (*User, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, errors.New("oomnitza: look up by email: value is empty")
	}
	page, err := s.List(ctx, &ListOptions{Limit: 100, Filter: In("email", emailrule.Forms(email)...)})
	if err != nil {
		return nil, err
	}
	found := emailrule.Keep(page.Users, func(u *User) string { return u.Email }, email)
	if len(found) != 1 {
		return nil, &MatchError{API: "oomnitza", What: "user", Field: "email", Value: email, Count: len(found)}
	}
	return found[0], nil
}

// GetByField returns the one user whose field (any external id, custom
// fields such as jump_cloud_user_id included) equals value exactly. None
// is a *MatchError matching ErrNotFound; several, ErrMultipleMatches.
func (s *UsersService) GetByField(ctx context.Context, field string, value any) (*User, error) {
	if !fieldNamePattern.MatchString(field) {
		return nil, fmt.Errorf("oomnitza: look up by field: %q is not a field external id", field)
	}
	if value == nil || value == "" {
		return nil, fmt.Errorf("oomnitza: look up by %s: value is empty", field)
	}
	page, err := s.List(ctx, &ListOptions{Limit: 2, Filter: Eq(field, value)})
	if err != nil {
		return nil, err
	}
	count := len(page.Users)
	if page.Total > count {
		count = page.Total
	}
	if count != 1 {
		return nil, &MatchError{API: "oomnitza", What: "user", Field: field, Value: fmt.Sprint(value), Count: count}
	}
	return page.Users[0], nil
}

// Create adds a user from a record keyed by field external id. Oomnitza
// needs at least username (usually the email) and role. When the outcome
// of the POST is unknown (timeout, reset after sending, 5xx), Create looks
// the user up by username before sending again, so a lost response never
// creates a duplicate. A user found that way must be the one sent (same
// email, first and last name); otherwise it is somebody else's and Create
// returns an *ExistingRecordError (ErrConflict) naming its id, never that
// user. A value that breaks a unique field is an error
// matching ErrConflict.
func (s *UsersService) Create(ctx context.Context, rec Record) (*User, error) {
	if err := validateRecord(rec, "create user"); err != nil {
		return nil, err
	}
	username := recordString(rec, "username")
	if username == "" {
		return nil, errors.New("oomnitza: create user: username is empty; Oomnitza identifies people by username (usually the email)")
	}
	if raw, _ := rec["username"].(string); raw != username {
		// Normalised once: what is sent is what the look-up after a lost
		// reply searches for.
		rec = maps.Clone(rec)
		rec["username"] = username
	}
	return safecreate.Run(ctx, safecreate.Spec[*User]{
		What:     fmt.Sprintf("oomnitza: create user %q", username),
		Attempts: 4,
		Send: func(ctx context.Context) (*User, error) {
			var u User
			if _, err := s.client.do(ctx, http.MethodPost, "/api/v3/users", nil, rec, &u); err != nil {
				return nil, err
			}
			if u.UserID == "" {
				// Maybe created, maybe not: safe create looks it up.
				return nil, transport.UnexpectedReply("oomnitza", http.MethodPost, "/api/v3/users", "the reply holds no user (no user_id)")
			}
			return &u, nil
		},
		Lookup: func(ctx context.Context) (*User, bool, error) {
			return safecreate.Found(s.GetByUsername(ctx, username))
		},
		Classify: safecreate.Classify,
		Mismatch: func(u *User) string {
			return safecreate.Differences(
				safecreate.Pair{Name: "email", Sent: recordString(rec, "email"), Found: u.Email, Fold: true},
				safecreate.Pair{Name: "first_name", Sent: recordString(rec, "first_name"), Found: u.FirstName},
				safecreate.Pair{Name: "last_name", Sent: recordString(rec, "last_name"), Found: u.LastName})
		},
		ID: func(u *User) string { return u.UserID },
	})
}

// Update changes the fields in rec (PATCH) and returns the user.
func (s *UsersService) Update(ctx context.Context, id string, rec Record) (*User, error) {
	path, err := userPath(id)
	if err != nil {
		return nil, err
	}
	if err := validateRecord(rec, "update user"); err != nil {
		return nil, err
	}
	if len(rec) == 0 {
		return nil, fmt.Errorf("oomnitza: update user %q: record is empty; nothing to change", id)
	}
	// The record sets absolute values, so sending it twice is sending it
	// once: a PATCH that fails in transit is retried like a PUT.
	var u User
	if _, err := s.client.doIdempotent(ctx, http.MethodPatch, path, nil, rec, &u); err != nil {
		return nil, err
	}
	if err := sameUser(http.MethodPatch, path, id, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Delete removes (archives) a user. Both 200 and 204 count as success.
func (s *UsersService) Delete(ctx context.Context, id string) error {
	path, err := userPath(id)
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, http.MethodDelete, path, nil, nil, nil)
	return err
}
