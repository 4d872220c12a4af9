package orgsync_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"

	"github.com/jcoom/jcoom/examples/temporal/orgsync"
)

func goodOrg() orgsync.OrgRef {
	return orgsync.OrgRef{
		Name: "acme", OrgID: orgIDs[0], JumpCloudKeyRef: "env:JUMPCLOUD_API_KEY",
		OomnitzaURL: "https://acme.oomnitza.com", OomnitzaTokenRef: "file:/run/secrets/oomnitza", Mapping: "standard", Role: 25,
	}
}

func TestOrgRefValidate(t *testing.T) {
	require.NoError(t, goodOrg().Validate())
	for name, tc := range map[string]struct {
		edit func(*orgsync.OrgRef)
		want string
	}{
		"name":          {func(o *orgsync.OrgRef) { o.Name = "a b" }, `name "a b"`},
		"org id":        {func(o *orgsync.OrgRef) { o.OrgID = "acme" }, `jumpcloud_org_id "acme": want a 24-character hex`},
		"pasted key":    {func(o *orgsync.OrgRef) { o.JumpCloudKeyRef = mspKey }, "jumpcloud_key_ref (40 characters) is not a secret reference"},
		"empty token":   {func(o *orgsync.OrgRef) { o.OomnitzaTokenRef = "" }, "oomnitza_token_ref (0 characters)"},
		"url with user": {func(o *orgsync.OrgRef) { o.OomnitzaURL = "https://bob:hunter2@acme.oomnitza.com" }, "without user info"},
		"url query":     {func(o *orgsync.OrgRef) { o.OomnitzaURL = "https://acme.oomnitza.com/?token=hunter2" }, "without user info or query"},
		"no url":        {func(o *orgsync.OrgRef) { o.OomnitzaURL = "" }, "oomnitza_url"},
		"jc url":        {func(o *orgsync.OrgRef) { o.JumpCloudURL = "ftp://x" }, "jumpcloud_url"},
		"mapping":       {func(o *orgsync.OrgRef) { o.Mapping = " " }, "mapping"},
		"role":          {func(o *orgsync.OrgRef) { o.Role = -1 }, "role"},
		"chunk":         {func(o *orgsync.OrgRef) { o.OpsPerChunk = 20_000 }, "ops_per_chunk"},
	} {
		t.Run(name, func(t *testing.T) {
			o := goodOrg()
			tc.edit(&o)
			err := o.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), mspKey)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
	// Every problem at once.
	err := orgsync.OrgRef{}.Validate()
	for _, f := range []string{"name", "jumpcloud_key_ref", "oomnitza_token_ref", "oomnitza_url", "mapping"} {
		assert.Contains(t, err.Error(), f)
	}
}

func TestEnvFileSecrets(t *testing.T) {
	t.Setenv("JCOOM_TEST_SECRET", " s3cret\n")
	var s orgsync.EnvFileSecrets
	v, err := s.Secret(t.Context(), "env:JCOOM_TEST_SECRET")
	require.NoError(t, err)
	assert.Equal(t, "s3cret", v)
	path := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(path, []byte("from-file\n"), 0o600))
	v, err = s.Secret(t.Context(), "file:"+path)
	require.NoError(t, err)
	assert.Equal(t, "from-file", v)
	_, err = s.Secret(t.Context(), "env:JCOOM_TEST_UNSET")
	assert.ErrorContains(t, err, "env:JCOOM_TEST_UNSET is empty or not set")
	_, err = s.Secret(t.Context(), "vault:x")
	assert.ErrorContains(t, err, `unknown scheme "vault"`)
	_, err = s.Secret(t.Context(), "file:"+path+".missing")
	assert.Error(t, err)
}

func TestFileStore(t *testing.T) {
	s := orgsync.FileStore{Dir: t.TempDir()}
	require.NoError(t, s.Put(t.Context(), "orgs/acme/run-1/plan.json", []byte(`{"a":1}`)))
	require.NoError(t, s.Put(t.Context(), "orgs/acme/run-1/plan.json", []byte(`{"a":2}`)))
	b, err := s.Get(t.Context(), "orgs/acme/run-1/plan.json")
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":2}`, string(b))
	_, err = s.Get(t.Context(), "orgs/acme/run-2/plan.json")
	assert.ErrorIs(t, err, orgsync.ErrNotFound)
	for _, bad := range []string{"", "../x", "a/../../x", "/etc/passwd", "a//b", "a/.hidden", "a b", strings.Repeat("a", 600)} {
		assert.Error(t, s.Put(t.Context(), bad, nil), "key %q", bad)
		_, err := s.Get(t.Context(), bad)
		assert.Error(t, err, "key %q", bad)
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir, "orgs", "acme", "run-1"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")
}

func TestScheduleOptions(t *testing.T) {
	org := goodOrg()
	o, err := orgsync.NewScheduleOptions(org, orgsync.ScheduleOptions{Offset: 2 * time.Hour})
	require.NoError(t, err)
	assert.Equal(t, "jc-oomnitza/"+orgIDs[0], o.ID)
	assert.Equal(t, enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, o.Overlap)
	assert.Equal(t, []client.ScheduleIntervalSpec{{Every: 24 * time.Hour, Offset: 2 * time.Hour}}, o.Spec.Intervals)
	assert.Equal(t, 30*time.Minute, o.Spec.Jitter)
	act, ok := o.Action.(*client.ScheduleWorkflowAction)
	require.True(t, ok)
	assert.Equal(t, orgsync.TaskQueue, act.TaskQueue)
	assert.Equal(t, []any{org}, act.Args)
	b, err := json.Marshal(act.Args)
	require.NoError(t, err)
	assert.Contains(t, string(b), "env:JUMPCLOUD_API_KEY", "the schedule carries the reference, not the key")

	for _, bad := range []orgsync.ScheduleOptions{{Every: time.Minute}, {Offset: 25 * time.Hour}, {Jitter: 48 * time.Hour}} {
		_, err := orgsync.NewScheduleOptions(org, bad)
		assert.Error(t, err, "%+v", bad)
	}
	org.Name = ""
	_, err = orgsync.NewScheduleOptions(org, orgsync.ScheduleOptions{})
	assert.Error(t, err)
}

func TestEnsureScheduleCreatesOrUpdates(t *testing.T) {
	org := goodOrg()
	sc := mocks.NewScheduleClient(t)
	sc.On("Create", mock.Anything, mock.MatchedBy(func(o client.ScheduleOptions) bool { return o.ID == orgsync.ScheduleID(org) })).
		Return(nil, nil).Once()
	require.NoError(t, orgsync.EnsureSchedule(t.Context(), sc, org, orgsync.ScheduleOptions{}))

	// Already there: updated in place, its pause left alone.
	sc = mocks.NewScheduleClient(t)
	h := mocks.NewScheduleHandle(t)
	sc.On("Create", mock.Anything, mock.Anything).Return(nil, temporal.ErrScheduleAlreadyRunning).Once()
	sc.On("GetHandle", mock.Anything, orgsync.ScheduleID(org)).Return(h).Once()
	var updated *client.ScheduleUpdate
	h.On("Update", mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		opts := args.Get(1).(client.ScheduleUpdateOptions)
		old := client.ScheduleDescription{Schedule: client.Schedule{
			Spec:   &client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Hour}}},
			Policy: &client.SchedulePolicies{Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL},
			State:  &client.ScheduleState{Paused: true, Note: "paused by ops"},
		}}
		var err error
		updated, err = opts.DoUpdate(client.ScheduleUpdateInput{Description: old})
		require.NoError(t, err)
	}).Return(nil).Once()
	require.NoError(t, orgsync.EnsureSchedule(t.Context(), sc, org, orgsync.ScheduleOptions{Every: 12 * time.Hour}))
	require.NotNil(t, updated)
	assert.Equal(t, 12*time.Hour, updated.Schedule.Spec.Intervals[0].Every)
	assert.Equal(t, enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, updated.Schedule.Policy.Overlap)
	assert.True(t, updated.Schedule.State.Paused, "a person's pause survives")

	sc = mocks.NewScheduleClient(t)
	sc.On("Create", mock.Anything, mock.Anything).Return(nil, errors.New("unavailable")).Once()
	assert.ErrorContains(t, orgsync.EnsureSchedule(t.Context(), sc, org, orgsync.ScheduleOptions{}), "creating schedule jc-oomnitza/")
}
