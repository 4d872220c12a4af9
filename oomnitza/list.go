package oomnitza

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	querystring "github.com/google/go-querystring/query"
)

// DefaultPageSize is the page size All uses when ListOptions.Limit is 0.
const DefaultPageSize = 100

// ListOptions selects, orders and pages a list.
type ListOptions struct {
	// Limit is the page size; 0 lets the server choose (All uses 100).
	Limit int `url:"limit,omitempty"`
	// Skip is the offset of the first record.
	Skip int `url:"skip,omitempty"`
	// Sort is a field external id, "-" prefixed for descending; sent as
	// sortby=<field> asc|desc.
	Sort string `url:"-"`
	// Fields limits the returned fields (fewer bytes, less memory).
	Fields []string `url:"fields,comma,omitempty"`
	// Filter is a typed filter expression (Eq, And, Or, ...).
	Filter Filter `url:"-"`
	// Concurrency, for All only: above 1, pages after the first are
	// fetched that many at a time once X-Total-Count is known.
	Concurrency int `url:"-"`
}

// query is what goes on the wire: ListOptions with sortby and filter
// rendered.
type query struct {
	ListOptions
	SortBy string `url:"sortby,omitempty"`
	Filter string `url:"filter,omitempty"`
}

func (o *ListOptions) values() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	if o.Limit < 0 {
		return nil, fmt.Errorf("oomnitza: ListOptions.Limit is %d; want 0 or more", o.Limit)
	}
	if o.Skip < 0 {
		return nil, fmt.Errorf("oomnitza: ListOptions.Skip is %d; want 0 or more", o.Skip)
	}
	if o.Concurrency < 0 || o.Concurrency > 32 {
		return nil, fmt.Errorf("oomnitza: ListOptions.Concurrency is %d; want 0 to 32", o.Concurrency)
	}
	q := query{ListOptions: *o}
	if o.Sort != "" {
		field, dir := strings.TrimPrefix(o.Sort, "-"), "asc"
		if strings.HasPrefix(o.Sort, "-") {
			dir = "desc"
		}
		if !fieldNamePattern.MatchString(field) {
			return nil, fmt.Errorf("oomnitza: ListOptions.Sort %q is not a field external id", o.Sort)
		}
		q.SortBy = field + " " + dir
	}
	for _, f := range o.Fields {
		if !fieldNamePattern.MatchString(f) {
			return nil, fmt.Errorf("oomnitza: ListOptions.Fields: %q is not a field external id", f)
		}
	}
	if !o.Filter.IsZero() {
		expr, err := o.Filter.Expr()
		if err != nil {
			return nil, err
		}
		q.Filter = expr
	}
	return querystring.Values(q)
}

func (o *ListOptions) clone() ListOptions {
	if o == nil {
		return ListOptions{}
	}
	c := *o
	c.Fields = slices.Clone(o.Fields)
	return c
}
