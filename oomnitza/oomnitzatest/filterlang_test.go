package oomnitzatest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

func testLookup() func(string) *FieldSpec {
	fields := map[string]*FieldSpec{}
	for _, f := range StandardFields() {
		f := f
		fields[f.ExternalID] = &f
	}
	fields["cost"] = &FieldSpec{ExternalID: "cost", Type: TypeDecimal}
	fields["start"] = &FieldSpec{ExternalID: "start", Type: TypeDate}
	return func(id string) *FieldSpec { return fields[id] }
}

func TestFilterLanguage(t *testing.T) {
	rec := map[string]any{"username": "ada@acme.com", "email": "Ada@Acme.com", "role": int64(25), "suspended": false,
		"cost": 12.5, "start": int64(1714521600), "position": nil, "first_name": `O'Brien "Ada"`}
	cases := map[string]bool{
		`username eq "ada@acme.com"`:                         true,
		`username EQ 'ada@acme.com'`:                         true,
		`username = "ada@acme.com"`:                          true,
		`email eq "ada@acme.com"`:                            false, // case-sensitive
		`username ne "x"`:                                    true,
		`role gt 24 AND role lt 26`:                          true,
		`role >= 25 and role <= 25`:                          true,
		`role in [1, 25]`:                                    true,
		`role IN (1, 2)`:                                     false,
		`role not in [1, 2]`:                                 true,
		`position is null`:                                   true,
		`position IS NOT NULL`:                               false,
		`suspended eq false`:                                 true,
		`suspended eq "true"`:                                false,
		`username like "%@acme.com"`:                         true,
		`username LIKE "ada_acme%"`:                          true,
		`username like "%@other.com"`:                        false,
		`(role eq 1 or role eq 25) and suspended eq false`:   true,
		`role eq 1 or role eq 25 and suspended eq true`:      false,
		`not (role eq 1)`:                                    true,
		`cost between 10 and 20`:                             true,
		`start gte "2024-05-01"`:                             true,
		`start lt 1714521600`:                                false,
		`first_name eq "O'Brien \"Ada\""`:                    true,
		`first_name eq 'O\'Brien "Ada"'`:                     true,
		`((username eq "ada@acme.com"))`:                     true,
		`username eq "ada@acme.com" Or username eq "nobody"`: true,
	}
	for expr, want := range cases {
		c, err := parseFilter(expr, testLookup())
		require.NoError(t, err, expr)
		assert.Equal(t, want, c.eval(rec), expr)
	}
}

func TestFilterLanguageErrors(t *testing.T) {
	for expr, want := range map[string]string{
		`shoe_size eq 44`:          `unknown field "shoe_size"`,
		`username eq`:              "expected a value",
		`username ~ "x"`:           "unexpected character",
		`username eq "x`:           "unterminated string",
		`(username eq "x"`:         "missing ')'",
		`username eq "x" extra`:    `unexpected "extra"`,
		`role eq "abc"`:            `role is a number field; "abc" is not a number`,
		`username like 5`:          "LIKE needs a quoted pattern",
		`position is "x"`:          "expected NULL after IS",
		`role in [1 2]`:            "expected ',' or ']'",
		`suspended eq "maybe"`:     `suspended is a boolean field`,
		`username eq "a" and`:      "expected a field name",
		`creation_date gt "soon"`:  "neither Unix seconds nor ISO 8601",
		`role between 1 or 2`:      "expected AND in BETWEEN",
		`username foo "x"`:         `unknown operator "foo"`,
		`username eq "x" or or`:    `unknown field "or"`,
		`username eq 1.2.3`:        `"1.2.3" at 12 is not a number`,
		`username eq "x" !`:        "unexpected '!'",
		`(`:                        "expected a field name",
		``:                         "expected a field name",
		`username eq "x" and (1)`:  "expected a field name",
		`username eq "x")`:         `unexpected ")"`,
		`role in 1`:                "expected '[' after IN",
		`role not like "x"`:        `unknown operator "not"`,
		`role eq -`:                `"-" at 8 is not a number`,
		`username eq "x" OR (role`: "",
	} {
		_, err := parseFilter(expr, testLookup())
		require.Error(t, err, expr)
		assert.Contains(t, err.Error(), want, expr)
	}
}

// FuzzFilterBuilderRoundTrip checks that Eq's rendering of any value parses
// in the fake back to exactly that value: quoting can never be escaped.
func FuzzFilterBuilderRoundTrip(f *testing.F) {
	for _, s := range []string{"ada@example.com", `"`, `\`, `\"`, `" or username eq "x`, "%_", "日本🙂", "and or not", ""} {
		f.Add(s)
	}
	lookup := testLookup()
	f.Fuzz(func(t *testing.T, v string) {
		expr, err := oomnitza.And(oomnitza.Eq("email", v), oomnitza.Ne("role", 3)).Expr()
		if err != nil {
			t.Fatal(err)
		}
		c, err := parseFilter(expr, lookup)
		if err != nil {
			t.Fatalf("%q rendered as %q does not parse: %v", v, expr, err)
		}
		and, ok := c.(andNode)
		if !ok || len(and) != 2 {
			t.Fatalf("%q: the value changed the expression's shape: %#v", expr, c)
		}
		eq := and[0].(*cmpNode)
		if eq.op != "eq" || eq.field.ExternalID != "email" || eq.vals[0] != v {
			t.Fatalf("%q: parsed as %s %s %#v", expr, eq.field.ExternalID, eq.op, eq.vals)
		}
		if !c.eval(map[string]any{"email": v, "role": int64(1)}) || c.eval(map[string]any{"email": v + "x", "role": int64(1)}) {
			t.Fatalf("%q does not select exactly the value", expr)
		}
	})
}

// FuzzFakeFilterParser feeds arbitrary text to the fake's parser: errors
// are fine, panics are not.
func FuzzFakeFilterParser(f *testing.F) {
	for _, s := range []string{`username eq "x"`, `(a eq 1) and (b in [1,2])`, `x is not null`, `role between 1 and 2`, `"unterminated`, `not not not role eq 1`} {
		f.Add(s)
	}
	lookup := testLookup()
	rec := map[string]any{"username": "x", "role": int64(1), "cost": 2.5, "suspended": true}
	f.Fuzz(func(t *testing.T, expr string) {
		c, err := parseFilter(expr, lookup)
		if err == nil {
			c.eval(rec)
		}
	})
}

func TestConvertKeepsNumbersExact(t *testing.T) {
	f := &FieldSpec{ExternalID: "n", Type: TypeInteger}
	v, err := f.convert(json.Number("9007199254740993"))
	require.NoError(t, err)
	assert.Equal(t, int64(9007199254740993), v)
}
