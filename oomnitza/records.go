package oomnitza

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/transport"
)

// Records lists users as generic records keyed by field external id, as
// the API sent them (numbers as json.Number), decoded once: the cheap form
// for code that compares field values, such as a sync's index of the
// Oomnitza side. Paging, de-duplication and concurrency are those of All;
// with Fields, user_id is always asked for.
func (s *UsersService) Records(ctx context.Context, opts *ListOptions) iter.Seq2[Record, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = DefaultPageSize
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "user_id") {
		o.Fields = append(o.Fields, "user_id")
	}
	if _, err := o.values(); err != nil {
		return func(yield func(Record, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[Record]{
		What:  "oomnitza: users",
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(r Record) string { id, _ := r["user_id"].(string); return id },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[Record], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			q, err := po.values()
			if err != nil {
				return paging.Page[Record]{}, err
			}
			var page recordList
			resp, err := s.client.do(ctx, http.MethodGet, "/api/v3/users", q, nil, &page)
			if err != nil {
				return paging.Page[Record]{}, err
			}
			if page == nil {
				return paging.Page[Record]{}, transport.UnexpectedReply("oomnitza", http.MethodGet, "/api/v3/users", "the reply is not a list of users")
			}
			return paging.Page[Record]{Items: page, Total: totalCount(resp)}, nil
		},
	})
}

// recordList is a page of users decoded once into records.
type recordList []Record

func (l *recordList) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []Record
	if err := dec.Decode(&out); err != nil {
		return fmt.Errorf("oomnitza: decoding a page of users: %w", err)
	}
	for i, r := range out {
		if r == nil {
			return fmt.Errorf("oomnitza: decoding a page of users: item %d is not an object", i)
		}
	}
	*l = out
	return nil
}
