package jumpcloud

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/google/go-querystring/query"
)

// MaxLimit is the largest page JumpCloud returns; a larger limit is a 400.
const MaxLimit = 100

// ListOptions selects, orders and pages a list. The zero value lists
// everything sorted by _id (stable paging, as JumpCloud recommends).
type ListOptions struct {
	// Limit is the page size, 1 to 100 (0: the API default of 10 for
	// List, 100 for All).
	Limit int `url:"limit,omitempty"`
	// Skip is the offset of the first record.
	Skip int `url:"skip,omitempty"`
	// Sort lists fields, "-" prefixed for descending. Default: _id.
	Sort []string `url:"sort,space,omitempty"`
	// Fields limits the returned fields (_id is always returned).
	Fields []string `url:"fields,space,omitempty"`
	// Filter conditions are ANDed.
	Filter Filters `url:"filter,omitempty"`
	// Concurrency, for All only: with a value above 1, pages after the
	// first are fetched that many at a time once totalCount is known.
	// Results keep their order and duplicates are dropped.
	Concurrency int `url:"-"`
}

func (o *ListOptions) values(fields *fieldSet) (url.Values, error) {
	if o == nil {
		o = &ListOptions{}
	}
	if err := fields.checkAll(o.Filter); err != nil {
		return nil, err
	}
	if o.Limit < 0 || o.Limit > MaxLimit {
		return nil, fmt.Errorf("jumpcloud: ListOptions.Limit is %d; JumpCloud accepts 1 to %d", o.Limit, MaxLimit)
	}
	if o.Skip < 0 {
		return nil, fmt.Errorf("jumpcloud: ListOptions.Skip is %d; want 0 or more", o.Skip)
	}
	if o.Concurrency < 0 || o.Concurrency > 32 {
		return nil, fmt.Errorf("jumpcloud: ListOptions.Concurrency is %d; want 0 to 32", o.Concurrency)
	}
	for _, f := range slices.Concat(o.Sort, o.Fields) {
		if f == "" || strings.ContainsAny(f, " \t\r\n,") {
			return nil, fmt.Errorf("jumpcloud: ListOptions field name %q is empty or contains a separator", f)
		}
	}
	c := *o
	if len(c.Sort) == 0 {
		c.Sort = []string{"_id"}
	}
	v, err := query.Values(c)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// clone returns a deep copy so that iterators never change the caller's options.
func (o *ListOptions) clone() ListOptions {
	if o == nil {
		return ListOptions{}
	}
	c := *o
	c.Sort = slices.Clone(o.Sort)
	c.Fields = slices.Clone(o.Fields)
	c.Filter = slices.Clone(o.Filter)
	return c
}
