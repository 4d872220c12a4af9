package sync_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// expected maps every JumpCloud user with the mapping, independently of
// the syncer: what Oomnitza must hold after a sync.
func expected(t *testing.T, w *world, m *mapping.Mapping, opts ...mapping.CompileOption) map[string]mapping.Record {
	t.Helper()
	schema, err := jcsync.FetchSchema(t.Context(), w.oc.Users)
	require.NoError(t, err)
	cm, err := m.Compile(schema, append([]mapping.CompileOption{mapping.WithRun(mapping.RunInfo{Time: syncNow})}, opts...)...)
	require.NoError(t, err)
	out := map[string]mapping.Record{}
	for _, u := range w.jsrv.Users() {
		u, err := w.jc.Users.Get(t.Context(), u.ID)
		require.NoError(t, err)
		rec, err := u.Record()
		require.NoError(t, err)
		if ok, err := cm.Match(rec); err != nil || !ok {
			continue
		}
		r, err := cm.Apply(rec)
		require.NoError(t, err)
		out[u.ID] = r
	}
	return out
}

func TestInitialSyncWritesExactlyWhatTheMappingYields(t *testing.T) {
	w := newWorld(t, 1000, worldOpts{})
	m := standard()
	want := expected(t, w, m)
	w.jsrv.ResetCalls()
	s := w.syncer(t, m)
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	assert.Equal(t, 1000, rep.Counts.Created)
	assert.Equal(t, map[string]int{"POST /api/v3/users": 1000}, onlyWrites(w.osrv.Calls()), "nothing else written")
	require.Equal(t, len(want), w.osrv.Len())
	schema, _ := jcsync.FetchSchema(t.Context(), w.oc.Users)
	cm, _ := m.Compile(schema)
	for _, u := range w.osrv.Users() {
		jcID := u.CustomString("jump_cloud_user_id")
		rec, ok := want[jcID]
		require.True(t, ok, jcID)
		for f, v := range rec {
			got, _ := u.Field(f)
			assert.True(t, cm.Equal(f, v, got), "%s %s: want %v, got %v", jcID, f, v, got)
		}
	}
	sum := rep.Counts.Created + rep.Counts.Updated + rep.Counts.AlreadyApplied + rep.Counts.Unchanged + rep.Counts.Skipped +
		rep.Counts.Disputed + rep.Counts.Stale + rep.Counts.Failed + rep.Counts.NotRun
	assert.Equal(t, rep.SourceRead, sum, "the counts add up to the users read")
}

func onlyWrites(calls map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range calls {
		if !strings.HasPrefix(k, "GET ") {
			out[k] = v
		}
	}
	return out
}

// allFields declares the custom fields of examples/mapping/jumpcloud-all.yaml.
func allFields() []oomnitzatest.Option {
	var out []oomnitzatest.Option
	for id, typ := range map[string]oomnitzatest.FieldType{
		"jumpcloud_account_locked": oomnitzatest.TypeBoolean, "jumpcloud_account_locked_date": oomnitzatest.TypeDateTime,
		"jumpcloud_activated": oomnitzatest.TypeBoolean, "jumpcloud_allow_public_key": oomnitzatest.TypeBoolean,
		"jumpcloud_alternate_email": oomnitzatest.TypeString, "jumpcloud_company": oomnitzatest.TypeString,
		"jumpcloud_connect_credentials": oomnitzatest.TypeString, "jumpcloud_connector_sync_time": oomnitzatest.TypeDateTime,
		"jumpcloud_created": oomnitzatest.TypeDateTime, "jumpcloud_disable_device_max_login_attempts": oomnitzatest.TypeBoolean,
		"jumpcloud_employee_type": oomnitzatest.TypeString, "jumpcloud_manager": oomnitzatest.TypeString,
		"jumpcloud_password_expiration_date": oomnitzatest.TypeDateTime, "jumpcloud_password_expired": oomnitzatest.TypeBoolean,
		"jumpcloud_state": oomnitzatest.TypeString,
	} {
		out = append(out, oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: id, Label: id, Type: typ}))
	}
	return out
}

func TestRerunWritesNothing(t *testing.T) {
	all, err := mapping.LoadFile("../examples/mapping/jumpcloud-all.yaml")
	require.NoError(t, err)
	for name, m := range map[string]*mapping.Mapping{"standard": standard(), "jumpcloud-all": all} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, 300, worldOpts{oo: allFields()})
			rep, err := w.syncer(t, m, jcsync.WithCredentialName("JumpCloud prod")).Run(t.Context())
			require.NoError(t, err)
			require.NoError(t, rep.Err(), rep.Summary())
			require.Equal(t, 300, rep.Counts.Created)

			// A later run: $sync.time differs, nothing else does.
			later := syncNow.Add(24 * 3600e9)
			s := w.syncer(t, m, jcsync.WithCredentialName("JumpCloud prod"), jcsync.WithClock(func() time.Time { return later }))
			w.osrv.ResetCalls()
			rep, err = s.Run(t.Context())
			require.NoError(t, err)
			require.NoError(t, rep.Err())
			assert.Equal(t, 300, rep.Counts.Unchanged, rep.Summary())
			assert.Zero(t, writes(w.osrv.Calls()), "%v", w.osrv.Calls())

			// Ten changed users: ten PATCHes with only what changed.
			changed := map[string]string{}
			for _, u := range w.jsrv.Users()[:10] {
				_, err := w.jc.Users.Update(t.Context(), u.ID, &jumpcloud.UserUpdateRequest{JobTitle: jumpcloud.Ptr("Chief " + u.ID[18:])})
				require.NoError(t, err)
				changed[u.ID] = "Chief " + u.ID[18:]
			}
			w.osrv.ResetCalls()
			plan, err := s.Plan(t.Context())
			require.NoError(t, err)
			assert.Equal(t, 10, plan.Count(jcsync.OpUpdate))
			for _, op := range plan.Ops {
				if op.Kind != jcsync.OpUpdate {
					continue
				}
				var fields []string
				for _, c := range op.Changes {
					fields = append(fields, c.Field)
				}
				if name == "jumpcloud-all" {
					assert.Equal(t, []string{"position", "jumpcloud_connector_sync_time"}, fields, "the run's time rides along")
				} else {
					assert.Equal(t, []string{"position"}, fields)
				}
				assert.Equal(t, changed[op.SourceID], op.Changes[0].New)
			}
			rep, err = s.Apply(t.Context(), plan)
			require.NoError(t, err)
			require.NoError(t, rep.Err())
			assert.Equal(t, map[string]int{"PATCH /api/v3/users/{ident}": 10}, onlyWrites(w.osrv.Calls()))
		})
	}
}

// Every field type survives a real round trip without a perpetual diff.
func TestNoPerpetualDifferenceForAnyType(t *testing.T) {
	opts := worldOpts{oo: []oomnitzatest.Option{
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_int", Label: "Int", Type: oomnitzatest.TypeInteger}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_dec", Label: "Dec", Type: oomnitzatest.TypeDecimal}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_bool", Label: "Bool", Type: oomnitzatest.TypeBoolean}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_date", Label: "Date", Type: oomnitzatest.TypeDate}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_datetime", Label: "DateTime", Type: oomnitzatest.TypeDateTime}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_state", Label: "State", Type: oomnitzatest.TypeString,
			Dropdown: []string{"ACTIVATED", "STAGED", "SUSPENDED"}}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_text", Label: "Text", Type: oomnitzatest.TypeText}),
	}}
	w := newWorld(t, 150, opts)
	m := standard()
	m.Fields = append(m.Fields,
		mapping.Field{From: "unix_uid", To: []string{"jc_int"}},
		mapping.Field{Expr: "unix_uid / 7.0", To: []string{"jc_dec"}},
		mapping.Field{From: "activated", To: []string{"jc_bool"}},
		mapping.Field{From: "created", To: []string{"jc_date"}},
		mapping.Field{From: "created", To: []string{"jc_datetime"}},
		mapping.Field{From: "state", To: []string{"jc_state"}},
		mapping.Field{Expr: `firstname + "\n" + lastname`, To: []string{"jc_text"}},
		mapping.Field{From: "recoveryEmail.verified", To: []string{"jc_bool"}},
	)
	m.Fields = m.Fields[:len(m.Fields)-1] // jc_bool is written once
	s := w.syncer(t, m)
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	w.osrv.ResetCalls()
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 150, plan.Count(jcsync.OpUnchanged), plan.Diff(5))
	rep, err = s.Apply(t.Context(), plan)
	require.NoError(t, err)
	assert.Equal(t, 150, rep.Counts.Unchanged)
	assert.Zero(t, writes(w.osrv.Calls()))
}

// The mapping sees the wire: false, "" and null values that a typed
// struct with omitempty would lose.
func TestSourceRecordsAreTheWire(t *testing.T) {
	w := newWorld(t, 0, worldOpts{oo: []oomnitzatest.Option{
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_verified", Label: "Verified", Type: oomnitzatest.TypeString}),
		oomnitzatest.WithField(oomnitzatest.FieldSpec{ExternalID: "jc_unknown", Label: "Unknown", Type: oomnitzatest.TypeString}),
	}})
	u := &jumpcloud.User{Username: "ada", Email: "ada@example.com", RecoveryEmail: &jumpcloud.RecoveryEmail{Address: "a@x.org", Verified: false},
		Extra: map[string]json.RawMessage{"futureField": json.RawMessage(`"from the future"`)}}
	w.jsrv.AddUser(u)
	m := standard()
	m.Fields = append(m.Fields,
		mapping.Field{Expr: `recoveryEmail.verified == false ? "unverified" : "verified"`, To: []string{"jc_verified"}},
		mapping.Field{Expr: `futureField`, To: []string{"jc_unknown"}})
	rep, err := w.syncer(t, m).Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	got := w.osrv.Users()[0]
	assert.Equal(t, "unverified", got.CustomString("jc_verified"))
	assert.Equal(t, "from the future", got.CustomString("jc_unknown"))
}

func TestPreferencesAndFilters(t *testing.T) {
	w := newWorld(t, 100, worldOpts{})
	first := w.jsrv.Users()[:40]
	// 40 users already in Oomnitza, with a stale position.
	for _, u := range first {
		_, err := w.osrv.AddRecord(oomnitza.Record{"username": strings.ToLower(u.Email), "email": strings.ToLower(u.Email), "role": 25,
			"jump_cloud_user_id": u.ID, "position": "Old title"})
		require.NoError(t, err)
	}
	m := standard()
	m.Preference = mapping.CreateOnly
	plan, err := w.syncer(t, m).Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 60, plan.Count(jcsync.OpCreate))
	assert.Zero(t, plan.Count(jcsync.OpUpdate), "create_only never updates")
	assert.Equal(t, 40, plan.Count(jcsync.OpSkip))

	m.Preference = mapping.UpdateOnly
	plan, err = w.syncer(t, m).Plan(t.Context())
	require.NoError(t, err)
	assert.Zero(t, plan.Count(jcsync.OpCreate), "update_only never creates")
	assert.Equal(t, 60, plan.Count(jcsync.OpSkip))
	assert.Equal(t, 40, plan.Count(jcsync.OpUpdate)+plan.Count(jcsync.OpUnchanged))

	m.Preference = mapping.CreateAndUpdate
	m.Filter = `department == "Engineering"`
	plan, err = w.syncer(t, m).Plan(t.Context())
	require.NoError(t, err)
	eng := 0
	for _, u := range w.jsrv.Users() {
		if u.Department == "Engineering" {
			eng++
		}
	}
	skips := 0
	for _, op := range plan.Ops {
		if op.Reason == "filtered out" {
			skips++
		}
	}
	assert.Equal(t, 100-eng, skips)
}

func TestDuplicatesAndDisputes(t *testing.T) {
	w := newWorld(t, 20, worldOpts{})
	users := w.jsrv.Users()
	// Oomnitza: two records with the same email (duplicate on the target
	// side), and one linked to a JumpCloud user who no longer has that email:
	// the address was recycled to another JumpCloud user.
	dupEmail := strings.ToLower(users[0].Email)
	_, err := w.osrv.AddRecord(oomnitza.Record{"username": "dup1", "email": dupEmail, "role": 25})
	require.NoError(t, err)
	_, err = w.osrv.AddLegacyRecord(oomnitza.Record{"username": "dup2", "email": strings.ToUpper(dupEmail), "role": 25})
	require.NoError(t, err)
	recycled := strings.ToLower(users[1].Email)
	oldID := "0123456789abcdef01234567"
	oldRec, err := w.osrv.AddRecord(oomnitza.Record{"username": recycled, "email": recycled, "role": 25, "jump_cloud_user_id": oldID, "position": "Former employee"})
	require.NoError(t, err)
	// JumpCloud: two users whose emails differ only in case (seeded: data
	// that predates a tenant's own checks).
	twin1 := w.jsrv.AddUser(&jumpcloud.User{Username: "twin1", Email: "Twin@Example.com"})
	twin2 := w.jsrv.AddUser(&jumpcloud.User{Username: "twin2", Email: "twin@example.com"})
	s := w.syncer(t, standard())
	plan, err := s.Plan(t.Context())
	require.NoError(t, err)
	byID := map[string]jcsync.Op{}
	for _, op := range plan.Ops {
		byID[op.SourceID] = op
	}
	assert.Equal(t, jcsync.OpSkip, byID[users[0].ID].Kind)
	assert.Contains(t, byID[users[0].ID].Reason, "in Oomnitza (several users have it)")
	assert.Equal(t, jcsync.OpDisputed, byID[users[1].ID].Kind)
	assert.Contains(t, byID[users[1].ID].Reason, "carries JumpCloud id "+oldID)
	for _, id := range []string{twin1, twin2} {
		assert.Equal(t, jcsync.OpSkip, byID[id].Kind, id)
		assert.Contains(t, byID[id].Reason, "in JumpCloud (also JumpCloud user")
	}
	rep, err := s.Apply(t.Context(), plan)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Counts.Disputed)
	got, _ := w.osrv.User(oldRec)
	assert.Equal(t, oldID, got.CustomString("jump_cloud_user_id"), "a disputed record is left alone")
	assert.Equal(t, "Former employee", got.Position)
	assert.Equal(t, 18, rep.Counts.Created)
	_ = fmt.Sprint
	_ = os.Getenv
	_ = jumpcloudtest.DefaultAPIKey
}
