package jumpcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"regexp"
	"slices"
	"strings"

	emailrule "github.com/jcoom/jcoom/internal/email"
	"github.com/jcoom/jcoom/internal/transport"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/safecreate"
)

// UsersService manages system users: /api/systemusers.
type UsersService struct{ client *Client }

// UserPage is one page of users with the server's total count.
type UserPage struct {
	TotalCount int     `json:"totalCount"`
	Users      []*User `json:"results"`
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

// ValidateID checks that id is a JumpCloud object id (24 lower-case hex).
func ValidateID(id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("jumpcloud: user id %q is not a JumpCloud id (24 lower-case hex characters)", id)
	}
	return nil
}

func userPath(id string, action ...string) (string, error) {
	if err := ValidateID(id); err != nil {
		return "", err
	}
	p := "/api/systemusers/" + id
	for _, a := range action {
		p += "/" + a
	}
	return p, nil
}

// List fetches one page. See ListOptions for defaults.
func (s *UsersService) List(ctx context.Context, opts *ListOptions) (*UserPage, error) {
	q, err := opts.values(userFilterFields())
	if err != nil {
		return nil, err
	}
	var page UserPage
	if _, err := s.client.do(ctx, http.MethodGet, "/api/systemusers", q, nil, ownedPage{&page}); err != nil {
		return nil, err
	}
	if page.Users == nil {
		// An error object or an empty body: not an empty page, which
		// carries "results": [].
		return nil, transport.UnexpectedReply("jumpcloud", http.MethodGet, "/api/systemusers", "the reply has no results list")
	}
	return &page, nil
}

// All iterates over every user matching opts, page by page, lazily: no
// request is made until the sequence is ranged. Each range starts again
// from opts.Skip, and opts is never modified. The first error is yielded
// once and ends the sequence. Users keep the sort order (_id by default)
// and a user is never yielded twice.
func (s *UsersService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*User, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = MaxLimit
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "_id") {
		o.Fields = append(o.Fields, "_id")
	}
	if _, err := o.values(userFilterFields()); err != nil {
		return func(yield func(*User, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[*User]{
		What:  "jumpcloud: systemusers",
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(u *User) string { return u.ID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*User], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			p, err := s.List(ctx, &po)
			if err != nil {
				return paging.Page[*User]{}, err
			}
			return paging.Page[*User]{Items: p.Users, Total: p.TotalCount}, nil
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
	case u.ID == "":
		return transport.UnexpectedReply("jumpcloud", method, path, "the reply holds no user (no _id)")
	case u.ID != id:
		return transport.UnexpectedReply("jumpcloud", method, path, "asked for user %s, the reply is user %s", id, u.ID)
	}
	return nil
}

// GetByEmail returns the user with this email. Emails compare
// case-insensitively after trimming, in both clients and for
// administrators. JumpCloud's filter is case-sensitive, so the look-up
// asks for the address as given and in lower case (JumpCloud's usual
// form) and keeps the users whose email folds to the same address. None
// is a *MatchError matching ErrNotFound; several, ErrMultipleMatches.
func (s *UsersService) GetByEmail(ctx context.Context, email string) (*User, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, errors.New("jumpcloud: look up by email: value is empty")
	}
	page, err := s.List(ctx, &ListOptions{Limit: MaxLimit, Filter: Filters{In("email", emailrule.Forms(email)...)}})
	if err != nil {
		return nil, err
	}
	return one(emailrule.Keep(page.Users, func(u *User) string { return u.Email }, email), "email", email)
}

// GetByUsername returns the user with this username (exact, as JumpCloud
// compares). None is a *MatchError matching ErrNotFound; several,
// ErrMultipleMatches.
func (s *UsersService) GetByUsername(ctx context.Context, username string) (*User, error) {
	username = strings.TrimSpace(username)
	if username == "" {
		return nil, errors.New("jumpcloud: look up by username: value is empty")
	}
	page, err := s.List(ctx, &ListOptions{Limit: 2, Filter: Filters{Eq("username", username)}})
	if err != nil {
		return nil, err
	}
	if page.TotalCount > len(page.Users) {
		return nil, &MatchError{API: "jumpcloud", What: "user", Field: "username", Value: username, Count: page.TotalCount}
	}
	return one(page.Users, "username", username)
}

func one(found []*User, field, value string) (*User, error) {
	if len(found) == 1 {
		return found[0], nil
	}
	return nil, &MatchError{API: "jumpcloud", What: "user", Field: field, Value: value, Count: len(found)}
}

// Create adds a user. It is safe against lost responses: when the outcome
// of a POST is unknown (a timeout, a connection reset after sending, a 5xx),
// it looks the user up by username before sending again, so a lost
// response never creates a duplicate. A user found that way must be the
// one sent (same email, first and last name); otherwise it is somebody
// else's and Create returns an *ExistingRecordError (ErrConflict) naming
// its id, never that user. A 429 waits for the client's pause
// gate and sends again. A duplicate username or email is an error matching
// ErrConflict.
func (s *UsersService) Create(ctx context.Context, req *UserCreateRequest) (*User, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	return safecreate.Run(ctx, safecreate.Spec[*User]{
		What:     fmt.Sprintf("jumpcloud: create user %q", req.Username),
		Attempts: 4,
		Send: func(ctx context.Context) (*User, error) {
			var u User
			if _, err := s.client.do(ctx, http.MethodPost, "/api/systemusers", nil, req, &u); err != nil {
				return nil, err
			}
			if ValidateID(u.ID) != nil {
				// Maybe created, maybe not: safe create looks it up.
				return nil, transport.UnexpectedReply("jumpcloud", http.MethodPost, "/api/systemusers", "the reply holds no user id (_id %q)", u.ID)
			}
			return &u, nil
		},
		Lookup: func(ctx context.Context) (*User, bool, error) {
			return safecreate.Found(s.GetByUsername(ctx, req.Username))
		},
		Classify: safecreate.Classify,
		Mismatch: func(u *User) string {
			return safecreate.Differences(
				safecreate.Pair{Name: "email", Sent: req.Email, Found: u.Email, Fold: true},
				safecreate.Pair{Name: "firstname", Sent: req.Firstname, Found: u.Firstname},
				safecreate.Pair{Name: "lastname", Sent: req.Lastname, Found: u.Lastname})
		},
		ID: func(u *User) string { return u.ID },
	})
}

// Update changes the fields set in req (PUT, partial) and returns the user.
func (s *UsersService) Update(ctx context.Context, id string, req *UserUpdateRequest) (*User, error) {
	path, err := userPath(id)
	if err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	var u User
	if _, err := s.client.do(ctx, http.MethodPut, path, nil, req, &u); err != nil {
		return nil, err
	}
	if err := sameUser(http.MethodPut, path, id, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// DeleteOptions tunes Delete.
type DeleteOptions struct {
	// CascadeManager clears the manager attribute of the user's direct
	// reports first (otherwise deleting a manager can fail with 409).
	CascadeManager bool
}

// Delete removes a user and returns it as it was. When an attempt's reply
// was lost and the retry finds the user gone (404), the delete happened:
// Delete succeeds and the user returned carries only its ID.
func (s *UsersService) Delete(ctx context.Context, id string, opts *DeleteOptions) (*User, error) {
	path, err := userPath(id)
	if err != nil {
		return nil, err
	}
	var q map[string][]string
	if opts != nil && opts.CascadeManager {
		q = map[string][]string{"cascade_manager": {"null"}}
	}
	var u User
	resp, err := s.client.do(ctx, http.MethodDelete, path, q, nil, &u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		// Gone after an attempt whose reply was lost (see transport).
		if err := json.Unmarshal([]byte(`{"_id":"`+id+`"}`), &u); err != nil {
			return nil, err
		}
		return &u, nil
	}
	if err := sameUser(http.MethodDelete, path, id, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Unlock clears a locked account (POST /systemusers/{id}/unlock).
func (s *UsersService) Unlock(ctx context.Context, id string) error {
	return s.action(ctx, id, nil, "unlock")
}

// ExpirePassword expires the user's password (POST /systemusers/{id}/expire).
func (s *UsersService) ExpirePassword(ctx context.Context, id string) error {
	return s.action(ctx, id, nil, "expire")
}

// ResetMFARequest configures ResetMFA. The zero value resets TOTP without
// an exclusion period.
type ResetMFARequest struct {
	Exclusion      bool      `json:"exclusion"`
	ExclusionDays  int       `json:"exclusionDays,omitempty"`
	ExclusionUntil Timestamp `json:"exclusionUntil,omitzero"`
}

// ResetMFA resets the user's TOTP and starts an enrollment period.
func (s *UsersService) ResetMFA(ctx context.Context, id string, req *ResetMFARequest) error {
	if req == nil {
		req = &ResetMFARequest{}
	}
	if req.ExclusionDays < 0 {
		return fmt.Errorf("jumpcloud: ResetMFA: exclusionDays is %d; want 1 or more (or 0 to omit)", req.ExclusionDays)
	}
	return s.action(ctx, id, req, "resetmfa")
}

// ActivateRequest selects the activation email: nil or a nil Email sends
// the default, SendEmail(false) sends none, EmailTo(addr) sends to addr.
type ActivateRequest struct {
	Email any `json:"email,omitempty"`
}

// SendEmail returns an ActivateRequest that sends (or not) the default email.
func SendEmail(send bool) *ActivateRequest { return &ActivateRequest{Email: send} }

// EmailTo returns an ActivateRequest that sends the email to addr.
func EmailTo(addr string) *ActivateRequest { return &ActivateRequest{Email: addr} }

// Activate moves a STAGED user to ACTIVATED (POST /systemusers/{id}/state/activate).
func (s *UsersService) Activate(ctx context.Context, id string, req *ActivateRequest) error {
	if req == nil {
		req = &ActivateRequest{}
	}
	switch e := req.Email.(type) {
	case nil, bool:
	case string:
		if !looksLikeEmail(e) {
			return fmt.Errorf("jumpcloud: Activate: email %q is not an email address", e)
		}
	default:
		return fmt.Errorf("jumpcloud: Activate: email must be a bool or an address, got %T", e)
	}
	return s.action(ctx, id, req, "state", "activate")
}

func (s *UsersService) action(ctx context.Context, id string, body any, action ...string) error {
	path, err := userPath(id, action...)
	if err != nil {
		return err
	}
	// These actions converge (unlocking twice is unlocking once), so the
	// transport may retry them like a PUT.
	_, err = s.client.doIdempotent(ctx, http.MethodPost, path, nil, body, nil)
	return err
}
