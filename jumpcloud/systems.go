package jumpcloud

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"reflect"
	"slices"
	"sync"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/transport"
)

// SystemsService reads devices: /api/systems (API v1). It lists and gets;
// changing or deleting a device (which uninstalls its agent) is not a
// sync's business and is not offered.
type SystemsService struct{ client *Client }

// SystemPage is one page of systems with the server's total count.
type SystemPage struct {
	TotalCount int       `json:"totalCount"`
	Systems    []*System `json:"results"`
}

var systemFilterFields = sync.OnceValue(func() *fieldSet { return fieldsOf(reflect.TypeFor[System](), "system") })

// ValidateSystemID checks that id is a JumpCloud system id (24 lower-case
// hex), before it is put in a URL path or a filter.
func ValidateSystemID(id string) error {
	if !idPattern.MatchString(id) {
		return fmt.Errorf("jumpcloud: system id %q is not a JumpCloud id (24 lower-case hex characters)", id)
	}
	return nil
}

// List fetches one page of systems. Limit is 1 to 100 (the API default is
// 10); filters are checked against the system object's fields.
func (s *SystemsService) List(ctx context.Context, opts *ListOptions) (*SystemPage, error) {
	q, err := opts.values(systemFilterFields())
	if err != nil {
		return nil, err
	}
	var page SystemPage
	if _, err := s.client.do(ctx, http.MethodGet, "/api/systems", q, nil, &page); err != nil {
		return nil, err
	}
	if page.Systems == nil {
		return nil, transport.UnexpectedReply("jumpcloud", http.MethodGet, "/api/systems", "the reply has no results list")
	}
	return &page, nil
}

// All iterates over every system matching opts with the semantics of
// UsersService.All: lazy, re-iterable, sorted by _id, pages fetched
// Concurrency at a time, a system never yielded twice, the first error
// yielded once.
func (s *SystemsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*System, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = MaxLimit
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "_id") {
		o.Fields = append(o.Fields, "_id")
	}
	if _, err := o.values(systemFilterFields()); err != nil {
		return func(yield func(*System, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[*System]{
		What:  "jumpcloud: systems",
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(sys *System) string { return sys.ID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*System], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			p, err := s.List(ctx, &po)
			if err != nil {
				return paging.Page[*System]{}, err
			}
			return paging.Page[*System]{Items: p.Systems, Total: p.TotalCount}, nil
		},
	})
}

// Records lists the systems matching opts in their wire form (see
// RecordListing): what a mapping reads.
func (s *SystemsService) Records(ctx context.Context, opts *ListOptions) *RecordListing {
	return s.client.records(ctx, "/api/systems", "systems", "systems", systemFilterFields(), opts)
}

// Get fetches one system by id. A system that does not exist is an
// *APIError matching ErrNotFound.
func (s *SystemsService) Get(ctx context.Context, id string) (*System, error) {
	if err := ValidateSystemID(id); err != nil {
		return nil, err
	}
	path := "/api/systems/" + id
	var sys System
	if _, err := s.client.do(ctx, http.MethodGet, path, nil, nil, &sys); err != nil {
		return nil, err
	}
	switch {
	case sys.ID == "":
		return nil, transport.UnexpectedReply("jumpcloud", http.MethodGet, path, "the reply holds no system (no _id)")
	case sys.ID != id:
		return nil, transport.UnexpectedReply("jumpcloud", http.MethodGet, path, "asked for system %s, the reply is system %s", id, sys.ID)
	}
	return &sys, nil
}
