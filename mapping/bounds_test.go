package mapping_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/mapping"
)

// aliasBomb is a small mapping file whose aliased lists stand for 10^levels
// sync keys.
func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	fmt.Fprintf(&b, "name: bomb\nsync_keys: *a%d\nfields: []\n", levels-1)
	return b.String()
}

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestYAMLAliasesCannotExpandAFile(t *testing.T) {
	bomb := aliasBomb(9) // 10^9 values in under 1 KiB
	var err error
	bytes := allocated(func() { _, err = mapping.Load(strings.NewReader(bomb)) })
	var le *mapping.LoadError
	require.ErrorAs(t, err, &le)
	assert.Contains(t, err.Error(), "YAML aliases expand the file to more than 100000 values")
	assert.Less(t, bytes, uint64(8<<20), "Load allocated %d bytes for a %d-byte file", bytes, len(bomb))

	// Anchors used sparingly are fine.
	m, err := mapping.Load(strings.NewReader(`name: anchors
sync_keys: [jump_cloud_user_id]
role: 25
fields:
  - {from: _id, to: jump_cloud_user_id, required: true}
  - {from: email, to: [username, email], required: true, transform: &clean [trim, lower]}
  - {from: alternateEmail, to: personal_email, transform: *clean}
`))
	require.NoError(t, err)
	assert.Equal(t, m.Fields[1].Transform, m.Fields[2].Transform)
}

func TestExpressionsAreBounded(t *testing.T) {
	src := mapping.Record{"firstname": "Ada", "lastname": "Lovelace", "attributes": []any{
		map[string]any{"name": "costCenter", "value": "CC-42"}}}
	for _, e := range []string{
		`repeat(repeat("x", 999999), 999999)`,
		`repeat("x", 70000)`,
		`reduce(1..999999, #acc + "x", "")`,
		`reduce(1..99999, #acc + "x", "")`,
		`reduce(1..40, #acc + #acc, "x")`,
		`len(map(1..90000, map(1..90000, 1)))`,
		`len(filter(1..60000, true)) + len(filter(1..60000, true))`,
		`count(1..50000, true) + count(1..50000, true) + count(1..50000, true)`,
		`replace(repeat("x", 60000), "", repeat("y", 60000))`,
		`join(map(1..50000, "abc"), repeat("-", 60000))`,
		`len(concat(1..60000, 1..60000))`,
	} {
		t.Run(e, func(t *testing.T) {
			var err error
			bytes := allocated(func() { _, err = applyOne(t, mapping.Field{Expr: e}, mapping.TypeString, src) })
			require.Error(t, err)
			var ae *mapping.ApplyError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "fields[7] (expr -> out)", ae.Fields[0].Rule, "the error names the field")
			assert.True(t, errors.Is(err, mapping.ErrOverBudget), "%v", err)
			assert.Less(t, bytes, uint64(64<<20), "allocated %d bytes", bytes)
		})
	}
	for e, want := range map[string]any{
		`firstname + " " + lastname`:                            "Ada Lovelace",
		`upper(firstname) + string(1 + 2)`:                      "ADA3",
		`filter(attributes, .name == "costCenter")[0].value`:    "CC-42",
		`join(map(1..3, string(#)), "-")`:                       "1-2-3",
		`replace("a-b-c", "-", "+")`:                            "a+b+c",
		`repeat("ab", 3)`:                                       "ababab",
		`reduce(1..100, #acc + 1, 0) == 100 ? "yes" : "no"`:     "yes",
		`len(map(1..1000, # * 2)) + 1 > 1000 ? lastname : "no"`: "Lovelace",
	} {
		got, err := applyOne(t, mapping.Field{Expr: e}, mapping.TypeString, src)
		require.NoError(t, err, e)
		assert.Equal(t, want, got, e)
	}
	_, err := applyOne(t, mapping.Field{Expr: `"a" + {}`}, mapping.TypeString, src)
	require.Error(t, err, "a bad operand is an error, never a panic")
}

func TestAFilterIsBounded(t *testing.T) {
	m := mapping.Standard().WithRole(25)
	m.Filter = `len(reduce(1..99999, #acc + "x", "")) > 0`
	c, err := m.Compile(standardSchema())
	require.NoError(t, err)
	_, err = c.Match(mapping.Record{"email": "a@example.com"})
	require.ErrorIs(t, err, mapping.ErrOverBudget)
}

func TestRegexReplaceOutputIsCapped(t *testing.T) {
	tr := func(pattern, replace string) mapping.Transform {
		return mapping.Transform{Name: "regex_replace", Args: map[string]any{"pattern": pattern, "replace": replace}}
	}
	value := strings.Repeat("a", 1000)
	var err error
	bytes := allocated(func() {
		_, err = applyOne(t, mapping.Field{From: "department", Transform: []mapping.Transform{tr(`(?:)`, strings.Repeat("y", 100000))}},
			mapping.TypeString, mapping.Record{"department": value})
	})
	require.ErrorIs(t, err, mapping.ErrOverBudget)
	assert.Less(t, bytes, uint64(16<<20), "allocated %d bytes", bytes)
	got, err := applyOne(t, mapping.Field{From: "department", Transform: []mapping.Transform{tr(`(?:)`, "-")}},
		mapping.TypeString, mapping.Record{"department": "abc"})
	require.NoError(t, err)
	assert.Equal(t, "-a-b-c-", got, "the same result as regexp.ReplaceAllString")
}

func TestLoopStepsOverARecordAreBounded(t *testing.T) {
	attrs := make([]any, 1000)
	for i := range attrs {
		attrs[i] = map[string]any{"name": fmt.Sprint("a", i), "value": "v"}
	}
	src := mapping.Record{"attributes": attrs}
	got, err := applyOne(t, mapping.Field{Expr: `string(count(attributes, .value == "v"))`}, mapping.TypeString, src)
	require.NoError(t, err)
	assert.Equal(t, "1000", got)
	_, err = applyOne(t, mapping.Field{Expr: `string(len(filter(attributes, len(filter(attributes, .value == "v")) == 1000)))`}, mapping.TypeString, src)
	require.ErrorIs(t, err, mapping.ErrOverBudget)
	assert.ErrorContains(t, err, "more than 100000 loop steps")
}

// BenchmarkLoadAliasBomb reports what Load costs for a file whose aliases
// stand for 10^9 values: it is refused after one pass over its nodes.
func BenchmarkLoadAliasBomb(b *testing.B) {
	bomb := aliasBomb(9)
	b.ReportAllocs()
	b.ReportMetric(float64(len(bomb)), "file-bytes")
	for b.Loop() {
		if _, err := mapping.Load(strings.NewReader(bomb)); err == nil {
			b.Fatal("the bomb loaded")
		}
	}
}
