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
		{jumpcloud.In("company", `A|B`, `C\D`), `company:$in:A\|B|C\\D`},
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
