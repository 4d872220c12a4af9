package jumpcloud_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

func TestFilterEncoding(t *testing.T) {
	cases := []struct {
		f    jumpcloud.Filter
		want string
	}{
		{jumpcloud.Eq("email", "ada@example.com"), "email:$eq:ada@example.com"},
		{jumpcloud.Ne("department", "Accounting"), "department:$ne:Accounting"},
		{jumpcloud.Eq("suspended", false), "suspended:$eq:false"},
		{jumpcloud.Gt("unix_uid", 5000), "unix_uid:$gt:5000"},
		{jumpcloud.Gte("badLoginAttempts", int64(3)), "badLoginAttempts:$gte:3"},
		{jumpcloud.Lt("created", time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)), "created:$lt:2024-05-01T12:00:00Z"},
		{jumpcloud.Lte("password_expiration_date", "2021-10-24"), "password_expiration_date:$lte:2021-10-24"},
		{jumpcloud.Eq("description", "a:b:c"), "description:$eq:a:b:c"},
		{jumpcloud.In("state", jumpcloud.StateStaged, jumpcloud.StateSuspended), "state:$in:STAGED|SUSPENDED"},
		{jumpcloud.In("company", `A|B`, `C\D`), `company:$in:A\|B|C\D`},
		{jumpcloud.StartsWith("username", "ad"), "username:$sw:ad"},
		{jumpcloud.Eq("mfa.configured", true), "mfa.configured:$eq:true"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.f.String())
		require.NoError(t, tc.f.Validate())
		back, err := jumpcloud.ParseFilter(tc.f.String())
		require.NoError(t, err, tc.want)
		assert.Equal(t, tc.f, back)
	}
	v := url.Values{}
	require.NoError(t, jumpcloud.Filters{jumpcloud.Eq("a", "1"), jumpcloud.Eq("b", "&x=y")}.EncodeValues("filter", &v))
	assert.Equal(t, "filter=a%3A%24eq%3A1&filter=b%3A%24eq%3A%26x%3Dy", v.Encode(), "values are query-escaped, never spliced")
}

func TestParseFilterErrors(t *testing.T) {
	for in, want := range map[string]string{
		"email":            "is not field:$op:value",
		"email:$eq":        "is not field:$op:value",
		"email:eq:x":       `operator "eq"`,
		":$eq:x":           `filter field ""`,
		"e mail:$eq:x":     `filter field "e mail"`,
		"email:$regex:.*":  `operator "$regex"`,
		"email:$eq:a\x00b": "NUL byte",
	} {
		_, err := jumpcloud.ParseFilter(in)
		require.Error(t, err, in)
		assert.Contains(t, err.Error(), want, in)
	}
}

// FuzzFilterEncoding checks that any valid filter encodes to a string that
// parses back to the same filter, and that no value can change the field
// or the operator.
func FuzzFilterEncoding(f *testing.F) {
	f.Add("email", "$eq", "ada@example.com", "")
	f.Add("state", "$in", "A|B", `C\`)
	f.Add("x.y", "$sw", ":$ne:", "||")
	f.Fuzz(func(t *testing.T, field, op, v1, v2 string) {
		flt := jumpcloud.Filter{Field: field, Op: jumpcloud.Op(op), Values: []string{v1}}
		if flt.Op == jumpcloud.OpIn {
			flt.Values = append(flt.Values, v2)
		}
		if flt.Validate() != nil {
			return
		}
		back, err := jumpcloud.ParseFilter(flt.String())
		if err != nil {
			t.Fatalf("%q: %v", flt.String(), err)
		}
		if back.Field != flt.Field || back.Op != flt.Op || len(back.Values) != len(flt.Values) {
			t.Fatalf("round trip changed %#v into %#v", flt, back)
		}
		for i := range back.Values {
			if back.Values[i] != flt.Values[i] {
				t.Fatalf("value %d: %q became %q", i, flt.Values[i], back.Values[i])
			}
		}
	})
}

func TestFilterValuesAreTyped(t *testing.T) {
	type department string
	s := "ada@example.com"
	ok := []jumpcloud.Filter{
		jumpcloud.Eq("department", department("IT")),
		jumpcloud.Eq("unix_uid", uint16(5000)),
		jumpcloud.Eq("unix_uid", int8(5)),
		jumpcloud.Gt("badLoginAttempts", float32(2)),
	}
	for _, f := range ok {
		require.NoError(t, f.Validate(), f.String())
	}
	assert.Equal(t, "department:$eq:IT", ok[0].String())
	cases := []struct {
		f    jumpcloud.Filter
		want string
	}{
		{jumpcloud.Eq("email", &s), `jumpcloud: filter on "email": a pointer (*string) is not a filter value; pass the value it points to`},
		{jumpcloud.Eq("email", nil), `jumpcloud: filter on "email": nil is not a filter value; to find users without a value, filter on the empty string`},
		{jumpcloud.Eq("email", struct{}{}), `jumpcloud: filter on "email": struct {} is not a filter value; want a string, bool, integer, float, time.Time or Timestamp`},
		{jumpcloud.In("email", "a", []string{"b"}), `jumpcloud: filter on "email": []string is not a filter value; want a string, bool, integer, float, time.Time or Timestamp`},
		{jumpcloud.Eq("$where", "1"), `jumpcloud: filter field "$where" is not a field name (letters, digits, '_', '-', dotted paths; no leading '$')`},
		{jumpcloud.Eq("$or", "1"), `jumpcloud: filter field "$or" is not a field name (letters, digits, '_', '-', dotted paths; no leading '$')`},
	}
	for _, c := range cases {
		assert.EqualError(t, c.f.Validate(), c.want)
	}
}

// Filters that would silently match nobody are refused by List and All,
// before anything is sent.
func TestFiltersAreCheckedAgainstTheSchema(t *testing.T) {
	c, mock := mockClient(t)
	cases := []struct {
		f    jumpcloud.Filter
		want string
	}{
		{jumpcloud.Eq("stat", "ACTIVATED"), `jumpcloud: filter on "stat": the systemuser schema has no field "stat" (did you mean "state"?)`},
		{jumpcloud.Eq("state", "activated"), `jumpcloud: filter on "state": "activated" is not a state; known values: STAGED, ACTIVATED, SUSPENDED (values are case-sensitive) (did you mean "ACTIVATED"?)`},
		{jumpcloud.In("state", jumpcloud.StateActivated, "GONE"), `jumpcloud: filter on "state": "GONE" is not a state; known values: STAGED, ACTIVATED, SUSPENDED (values are case-sensitive)`},
		{jumpcloud.Eq("suspended", "yes"), `jumpcloud: filter on "suspended": value "yes" is not true or false`},
		{jumpcloud.Eq("unix_uid", "many"), `jumpcloud: filter on "unix_uid": value "many" is not an integer`},
		{jumpcloud.Lt("created", "last week"), `jumpcloud: filter on "created": value "last week" is not a date (RFC3339 or YYYY-MM-DD)`},
		{jumpcloud.Eq("email.domain", "x"), `jumpcloud: filter on "email.domain": email is not an object, so it has no field "domain"`},
		{jumpcloud.Eq("mfa", "x"), `jumpcloud: filter on "mfa": mfa is an object or a list; filter on one of its fields, e.g. mfa.<name>, or test it against the empty value (null)`},
		{jumpcloud.StartsWith("suspended", "t"), `jumpcloud: filter on "suspended": $sw (starts with) needs a text field`},
	}
	for _, tc := range cases {
		_, err := c.Users.List(t.Context(), &jumpcloud.ListOptions{Filter: jumpcloud.Filters{tc.f}})
		assert.EqualError(t, err, tc.want)
		for _, err := range c.Users.All(t.Context(), &jumpcloud.ListOptions{Filter: jumpcloud.Filters{tc.f}}) {
			assert.EqualError(t, err, tc.want)
		}
	}
	_, err := c.Admins.List(t.Context(), &jumpcloud.ListOptions{Filter: jumpcloud.Filters{jumpcloud.Eq("roleNam", "x")}})
	assert.EqualError(t, err, `jumpcloud: filter on "roleNam": the administrator schema has no field "roleNam" (did you mean "roleName"?)`)
	assert.Zero(t, mock.GetTotalCallCount(), "nothing was sent")

	// Good filters on nested and dated fields pass.
	for _, f := range []jumpcloud.Filter{jumpcloud.Eq("mfa.configured", true), jumpcloud.Lte("password_expiration_date", "2021-10-24"),
		jumpcloud.Eq("attributes.name", "costCenter"), jumpcloud.StartsWith("state", "ACT")} {
		expect(mock, "GET", "/api/systemusers", 200, `{"totalCount":0,"results":[]}`)
		_, err := c.Users.List(t.Context(), &jumpcloud.ListOptions{Filter: jumpcloud.Filters{f}})
		assert.NoError(t, err, f.String())
	}
}
