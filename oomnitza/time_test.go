package oomnitza_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
)

func TestTimeDecoding(t *testing.T) {
	for in, want := range map[string]int64{
		`1714521600`:             1714521600,
		`1714521600.9`:           1714521600,
		`"1714521600"`:           1714521600,
		`"2024-05-01T00:00:00Z"`: 1714521600,
		`"2024-05-01T02:00:00"`:  1714528800,
		`"2024-05-01"`:           1714521600,
	} {
		var tm oomnitza.Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.Equal(t, want, tm.Unix(), in)
		b, err := json.Marshal(tm)
		require.NoError(t, err)
		assert.Equal(t, strconv.FormatInt(want, 10), string(b), "written back as epoch seconds")
	}
	for _, in := range []string{`null`, `""`} {
		var tm oomnitza.Time
		require.NoError(t, json.Unmarshal([]byte(in), &tm), in)
		assert.True(t, tm.IsZero(), in)
		b, _ := json.Marshal(tm)
		assert.Equal(t, "null", string(b))
	}
	var tm oomnitza.Time
	assert.EqualError(t, json.Unmarshal([]byte(`"next week"`), &tm), `oomnitza: date "next week" is neither epoch seconds nor ISO 8601`)
	assert.Equal(t, int64(42), oomnitza.Unix(42).Unix())
}

func TestCustomValuesKeepTheirJSONTypes(t *testing.T) {
	var u oomnitza.User
	require.NoError(t, json.Unmarshal([]byte(`{"user_id":"u1","a":"s","b":12345678901234567890,"c":true,"d":null,
	 "e":[1,{"x":2.5}],"f":{"g":[]},"h":-0.5e3,"i":false,"esc\u0041ped":"v\"q"}`), &u))
	assert.Equal(t, map[string]any{
		"a": "s", "b": json.Number("12345678901234567890"), "c": true, "d": nil,
		"e": []any{json.Number("1"), map[string]any{"x": json.Number("2.5")}}, "f": map[string]any{"g": []any{}},
		"h": json.Number("-0.5e3"), "i": false, "escAped": `v"q`,
	}, u.Custom)
	assert.Equal(t, "12345678901234567890", u.CustomString("b"))
	assert.Equal(t, "", u.CustomString("d"))
	assert.Equal(t, "", u.CustomString("missing"))
	b, err := json.Marshal(u)
	require.NoError(t, err)
	var back oomnitza.User
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, u.Custom, back.Custom)
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
	_, ok := u.Field("nope")
	assert.False(t, ok)
	require.Error(t, json.Unmarshal([]byte(`{"user_id": 5}`), &u), "a known field of the wrong type is an error")
}
