package jumpcloud_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
)

func TestTimestampDecoding(t *testing.T) {
	for in, want := range map[string]time.Time{
		`"2024-05-01T12:34:56.789Z"`:      time.Date(2024, 5, 1, 12, 34, 56, 789e6, time.UTC),
		`"2024-05-01T12:34:56Z"`:          time.Date(2024, 5, 1, 12, 34, 56, 0, time.UTC),
		`"2024-05-01T14:34:56.5+02:00"`:   time.Date(2024, 5, 1, 12, 34, 56, 5e8, time.UTC),
		`"2020-01-01T02:00:00"`:           time.Date(2020, 1, 1, 2, 0, 0, 0, time.UTC),
		`"2021-10-24"`:                    time.Date(2021, 10, 24, 0, 0, 0, 0, time.UTC),
		`"2024-05-01T12:34:56.789\u005a"`: time.Date(2024, 5, 1, 12, 34, 56, 789e6, time.UTC),
	} {
		var ts jumpcloud.Timestamp
		require.NoError(t, json.Unmarshal([]byte(in), &ts), in)
		assert.True(t, want.Equal(ts.Time), "%s: got %s", in, ts)
	}
	for _, in := range []string{`null`, `""`} {
		var ts jumpcloud.Timestamp
		require.NoError(t, json.Unmarshal([]byte(in), &ts), in)
		assert.True(t, ts.IsZero())
		b, _ := json.Marshal(ts)
		assert.Equal(t, "null", string(b))
		assert.Equal(t, "", ts.String())
	}
	var ts jumpcloud.Timestamp
	assert.EqualError(t, json.Unmarshal([]byte(`"yesterday"`), &ts), `jumpcloud: "yesterday" is not an RFC3339 date`)
	assert.EqualError(t, json.Unmarshal([]byte(`17`), &ts), `jumpcloud: date 17 is not a string`)
	b, _ := json.Marshal(jumpcloud.Timestamp{Time: time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("x", 3600))})
	assert.Equal(t, `"2024-05-01T11:00:00.000Z"`, string(b), "written in UTC with milliseconds, as JumpCloud does")

	var u jumpcloud.User
	require.NoError(t, json.Unmarshal([]byte(`{"_id":"x","alternateEmail":null,"account_locked_date":null,"manager":null,
		"unix_uid":null,"mfa":null,"attributes":null,"created":"2024-05-01T12:34:56Z"}`), &u))
	assert.Empty(t, u.AlternateEmail)
	assert.Nil(t, u.MFA)
	assert.Equal(t, 2024, u.Created.Year())
}
