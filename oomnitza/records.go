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
	return s.client.records(ctx, "/api/v3/users", "user_id", "users", opts)
}

// records lists a module's records; key is its id field.
func (c *Client) records(ctx context.Context, path, key, what string, opts *ListOptions) iter.Seq2[Record, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = DefaultPageSize
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, key) {
		o.Fields = append(o.Fields, key)
	}
	if _, err := o.values(); err != nil {
		return func(yield func(Record, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[Record]{
		What:  "oomnitza: " + what,
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(r Record) string { id, _ := r[key].(string); return id },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[Record], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			q, err := po.values()
			if err != nil {
				return paging.Page[Record]{}, err
			}
			page := recordList{what: what}
			resp, err := c.do(ctx, http.MethodGet, path, q, nil, &page)
			if err != nil {
				return paging.Page[Record]{}, err
			}
			if page.recs == nil {
				return paging.Page[Record]{}, transport.UnexpectedReply("oomnitza", http.MethodGet, path, "the reply is not a list of %s", what)
			}
			return paging.Page[Record]{Items: page.recs, Total: totalCount(resp)}, nil
		},
	})
}

// recordList is a page of records decoded once.
type recordList struct {
	what string
	recs []Record
}

func (l *recordList) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []Record
	if err := dec.Decode(&out); err != nil {
		return fmt.Errorf("oomnitza: decoding a page of %s: %w", l.what, err)
	}
	for i, r := range out {
		if r == nil {
			return fmt.Errorf("oomnitza: decoding a page of %s: item %d is not an object", l.what, i)
		}
	}
	l.recs = out
	return nil
}
