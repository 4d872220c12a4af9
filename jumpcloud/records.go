package jumpcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"sync/atomic"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/transport"
)

// RecordListing lists users in their wire form: each user is the JSON
// object the API sent, decoded once into a generic record (what a mapping
// reads), with every member there as sent: false, "", 0, null and fields
// this SDK does not model included; numbers are float64, as User.Record
// gives them. It pages, de-duplicates and fetches concurrently like
// UsersService.All.
type RecordListing struct {
	seq   iter.Seq2[map[string]any, error]
	total atomic.Int64
	read  atomic.Int64
}

// All iterates over the records, lazily; see UsersService.All. Each range
// starts again.
func (l *RecordListing) All() iter.Seq2[map[string]any, error] { return l.seq }

// TotalCount returns the totalCount of the last page read, or -1 before
// the first page. A listing that ended without an error and read exactly
// TotalCount records read everything the server counted.
func (l *RecordListing) TotalCount() int { return int(l.total.Load()) }

// Read returns how many distinct records the last range yielded so far.
func (l *RecordListing) Read() int { return int(l.read.Load()) }

// Records lists the users matching opts in their wire form (see
// RecordListing). It makes no request until the listing is ranged.
func (s *UsersService) Records(ctx context.Context, opts *ListOptions) *RecordListing {
	return s.client.records(ctx, "/api/systemusers", "systemusers", "users", userFilterFields(), opts)
}

// records lists a v1 collection ({totalCount, results}) in wire form.
func (c *Client) records(ctx context.Context, path, what, noun string, fields *fieldSet, opts *ListOptions) *RecordListing {
	l := &RecordListing{}
	l.total.Store(-1)
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = MaxLimit
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "_id") {
		o.Fields = append(o.Fields, "_id")
	}
	if _, err := o.values(fields); err != nil {
		l.seq = func(yield func(map[string]any, error) bool) { yield(nil, err) }
		return l
	}
	inner := paging.All(ctx, paging.Spec[map[string]any]{
		What:  "jumpcloud: " + what,
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(r map[string]any) string { id, _ := r["_id"].(string); return id },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[map[string]any], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			q, err := po.values(fields)
			if err != nil {
				return paging.Page[map[string]any]{}, err
			}
			page := recordPage{what: noun}
			if _, err := c.do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
				return paging.Page[map[string]any]{}, err
			}
			if page.Results == nil {
				return paging.Page[map[string]any]{}, transport.UnexpectedReply("jumpcloud", http.MethodGet, path, "the reply has no results list")
			}
			l.total.Store(int64(page.TotalCount))
			return paging.Page[map[string]any]{Items: page.Results, Total: page.TotalCount}, nil
		},
	})
	l.seq = func(yield func(map[string]any, error) bool) {
		l.read.Store(0)
		for r, err := range inner {
			if err == nil {
				l.read.Add(1)
			}
			if !yield(r, err) {
				return
			}
		}
	}
	return l
}

// recordPage is a page of records decoded once into generic records.
type recordPage struct {
	what       string // "users", "systems": for errors
	TotalCount int
	Results    []map[string]any
}

func (p *recordPage) UnmarshalJSON(b []byte) error {
	var w struct {
		TotalCount int              `json:"totalCount"`
		Results    []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("jumpcloud: decoding a page of %s: %w", p.what, err)
	}
	for i, r := range w.Results {
		if r == nil {
			return fmt.Errorf("jumpcloud: decoding a page of %s: result %d is not an object", p.what, i)
		}
	}
	p.TotalCount, p.Results = w.TotalCount, w.Results
	return nil
}
