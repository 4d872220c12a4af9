package sync_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
	jcsync "github.com/jcoom/jcoom/sync"
)

// devicesWorld is a tenant of users and devices whose people are already
// in Oomnitza (synced with the standard user mapping).
func devicesWorld(t testing.TB, users, devices int, o worldOpts) *world {
	t.Helper()
	o.jc = append([]jumpcloudtest.Option{jumpcloudtest.WithGeneratedSystems(devices, 11)}, o.jc...)
	o.oo = append([]oomnitzatest.Option{oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField())}, o.oo...)
	w := newWorld(t, users, o)
	return w
}

func syncPeople(t testing.TB, w *world) {
	t.Helper()
	rep, err := w.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
}

// expectedAsset is what StandardAssets makes of a device, computed here
// from the fake's own data, not by the mapping.
type expectedAsset struct {
	serial, name, model, vendor, cpu, assignee, os string
}

func expectedAssets(t *testing.T, w *world) (map[string]expectedAsset, []string) {
	t.Helper()
	username := map[string]string{} // JumpCloud user id -> Oomnitza username
	for _, u := range w.osrv.Users() {
		if id := u.CustomString("jump_cloud_user_id"); id != "" {
			username[id] = u.Username
		}
	}
	want := map[string]expectedAsset{}
	var noSerial []string
	for _, s := range w.jsrv.Systems() {
		info := w.jsrv.InsightsRows(jumpcloud.TableSystemInfo, s.ID)
		row := map[string]any{}
		if len(info) > 0 {
			row = info[0]
		}
		str := func(k string) string { v, _ := row[k].(string); return v }
		e := expectedAsset{serial: s.SerialNumber, name: s.DisplayName, model: str("hardware_model"), vendor: s.HWVendor, cpu: str("cpu_brand"),
			assignee: username[s.PrimaryUserID()], os: strings.TrimSpace(s.OS + " " + s.Version)}
		if e.serial == "" {
			e.serial = str("hardware_serial")
		}
		if e.serial == "" {
			noSerial = append(noSerial, s.ID)
			continue
		}
		want[s.ID] = e
	}
	return want, noSerial
}

func assetState(t *testing.T, w *world) map[string]expectedAsset {
	t.Helper()
	got := map[string]expectedAsset{}
	for _, a := range w.osrv.Assets() {
		id := a.CustomString(mapping.JumpCloudSystemIDField)
		_, dup := got[id]
		require.False(t, dup, "two assets for system %s", id)
		got[id] = expectedAsset{serial: a.SerialNumber, name: a.DeviceName, model: a.Model, vendor: a.Manufacturer, cpu: a.CPU, assignee: a.AssignedTo, os: a.OperatingSystem}
	}
	return got
}

func TestAssets2000DevicesIntoAnEmptyOomnitza(t *testing.T) {
	w := devicesWorld(t, 1000, 2000, worldOpts{})
	syncPeople(t, w)
	want, noSerial := expectedAssets(t, w)
	require.NotEmpty(t, noSerial, "the generator makes devices without a serial number")
	assigned := 0
	for _, e := range want {
		if e.assignee != "" {
			assigned++
		}
	}
	require.Greater(t, assigned, 1500)

	s := w.syncer(t, mapping.StandardAssets())
	w.osrv.ResetCalls()
	w.jsrv.ResetCalls()
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	assert.Equal(t, "assets", rep.Kind)
	assert.Equal(t, len(want), rep.Counts.Created)
	assert.Equal(t, len(noSerial), rep.Counts.Skipped)
	assert.Equal(t, want, assetState(t, w), "exactly the records the mapping yields, each assigned to its person")
	assert.Contains(t, rep.Summary(), "JumpCloud systems read: 2000")

	// Requests per 1,000 devices: 20 pages of systems, one System
	// Insights request per 100 devices for system_info (the only table
	// the standard mapping reads), and the people look-up.
	calls := w.jsrv.Calls()
	assert.Equal(t, 20, calls["GET /api/systems"])
	assert.Equal(t, 20, calls["GET /api/v2/systeminsights/{table}"])
	reads := 0
	for k, v := range calls {
		if strings.HasPrefix(k, "GET ") {
			reads += v
		}
	}
	t.Logf("JumpCloud requests per 1,000 devices: %.1f (%v); Oomnitza: %v", float64(reads)/2, calls, w.osrv.Calls())

	// Skipped with the reason, never merged.
	skipped := map[string]string{}
	for _, o := range rep.Records {
		if o.Outcome == jcsync.Skipped {
			skipped[o.SourceID] = o.Reason
		}
	}
	for _, id := range noSerial {
		assert.Contains(t, skipped[id], "serial_number")
		assert.Contains(t, skipped[id], "required value is empty")
	}

	// A rerun writes nothing.
	w.osrv.ResetCalls()
	rep, err = s.Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, len(want), rep.Counts.Unchanged)
	assert.Zero(t, writes(w.osrv.Calls()))

	// Seven changed devices: seven PATCHes with only the changed field.
	systems := w.jsrv.Systems()
	changed := map[string]string{}
	n := 0
	for _, sys := range systems {
		if _, synced := want[sys.ID]; !synced || n == 7 {
			continue
		}
		if n < 4 {
			require.True(t, w.jsrv.SetSystemFields(sys.ID, map[string]any{"displayName": fmt.Sprintf("renamed-%d", n)}))
			changed[sys.ID] = "device_name"
		} else {
			rows := w.jsrv.InsightsRows(jumpcloud.TableSystemInfo, sys.ID)
			rows[0]["hardware_model"] = "Mac16,1"
			w.jsrv.SetInsightsRows(jumpcloud.TableSystemInfo, sys.ID, rows[0])
			changed[sys.ID] = "model"
		}
		n++
	}
	p, err := s.Plan(t.Context())
	require.NoError(t, err)
	require.Equal(t, 7, p.Count(jcsync.OpUpdate))
	for _, op := range p.Ops {
		if op.Kind == jcsync.OpUpdate {
			require.Len(t, op.Changes, 1, op.SourceID)
			assert.Equal(t, changed[op.SourceID], op.Changes[0].Field)
		}
	}
	w.osrv.ResetCalls()
	rep, err = s.Apply(t.Context(), p)
	require.NoError(t, err)
	assert.Equal(t, 7, rep.Counts.Updated)
	assert.Equal(t, map[string]int{"PATCH /api/v3/assets/{ident}": 7}, onlyWrites(w.osrv.Calls()))
}

func TestAssetsChaosConverges(t *testing.T) {
	faults := worldOpts{
		jc: []jumpcloudtest.Option{jumpcloudtest.WithFaults(0.15, 3, jumpcloudtest.Fault503, jumpcloudtest.Fault503, jumpcloudtest.FaultCommitThenDrop)},
		oo: []oomnitzatest.Option{oomnitzatest.WithFaults(0.15, 4, oomnitzatest.Fault503, oomnitzatest.Fault503, oomnitzatest.FaultCommitThenDrop)},
		jo: []jumpcloud.Option{jumpcloud.WithRetries(4)}, oco: []oomnitza.Option{oomnitza.WithRetries(1)},
	}
	w := devicesWorld(t, 150, 400, faults)
	w.osrv.SetFaults(0, 0)
	w.jsrv.SetFaults(0, 0)
	syncPeople(t, w)
	w.osrv.SetFaults(0.15, 4, oomnitzatest.Fault503, oomnitzatest.Fault503, oomnitzatest.FaultCommitThenDrop)
	w.jsrv.SetFaults(0.15, 3, jumpcloudtest.Fault503, jumpcloudtest.Fault503, jumpcloudtest.FaultCommitThenDrop)
	s := w.syncer(t, mapping.StandardAssets(), jcsync.WithConcurrency(8))
	rep, err := s.Run(t.Context())
	if err == nil {
		t.Logf("chaos run: %+v %v; faults served %v %v", rep.Counts, rep.Err(), w.jsrv.FaultsServed(), w.osrv.FaultsServed())
	} else {
		t.Logf("chaos run stopped: %v", err)
	}
	assert.NotEmpty(t, w.osrv.FaultsServed())

	w.osrv.Reset()
	w.jsrv.Reset()
	w.osrv.SetFaults(0, 0)
	w.jsrv.SetFaults(0, 0)
	rep, err = s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err(), rep.Summary())
	want, _ := expectedAssets(t, w)
	assert.Equal(t, want, assetState(t, w), "no duplicates, nothing lost, everyone assigned")
	rep, err = s.Run(t.Context())
	require.NoError(t, err)
	assert.Equal(t, len(want), rep.Counts.Unchanged, "and the next run writes nothing")
}

func TestAssetsAreNeverAssignedToTheWrongPerson(t *testing.T) {
	w := devicesWorld(t, 40, 60, worldOpts{})
	users := w.jsrv.Users()
	// Ada's JumpCloud user has no Oomnitza record of their own; an
	// Oomnitza user holds Ada's email but carries another JumpCloud id (a
	// recycled address). Bob's record has no JumpCloud id: found by email.
	var ada, bob *jumpcloud.User
	for _, sys := range w.jsrv.Systems() {
		id := sys.PrimaryUserID()
		if id == "" {
			continue
		}
		for _, u := range users {
			if u.ID == id && ada == nil {
				ada = u
			} else if u.ID == id && bob == nil && u.ID != ada.ID {
				bob = u
			}
		}
	}
	require.NotNil(t, bob)
	_, err := w.osrv.AddRecord(oomnitza.Record{"username": ada.Email, "email": ada.Email, "role": 25, "jump_cloud_user_id": "0123456789abcdef01234567"})
	require.NoError(t, err)
	_, err = w.osrv.AddRecord(oomnitza.Record{"username": strings.ToUpper(bob.Email), "email": bob.Email, "role": 25})
	require.NoError(t, err)

	rep, err := w.syncer(t, mapping.StandardAssets()).Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	for _, a := range w.osrv.Assets() {
		sys, ok := w.jsrv.System(a.CustomString(mapping.JumpCloudSystemIDField))
		require.True(t, ok)
		switch sys.PrimaryUserID() {
		case ada.ID:
			assert.Empty(t, a.AssignedTo, "the record with Ada's email belongs to someone else")
		case bob.ID:
			assert.Equal(t, strings.ToUpper(bob.Email), a.AssignedTo)
		default:
			assert.Empty(t, a.AssignedTo, "nobody else is in Oomnitza")
		}
	}
}

func TestAssetsDeprovisionAndOptions(t *testing.T) {
	w := devicesWorld(t, 30, 80, worldOpts{oo: []oomnitzatest.Option{
		oomnitzatest.WithAssetField(oomnitzatest.FieldSpec{ExternalID: "status", Label: "Status", Type: oomnitzatest.TypeString, Dropdown: []string{"In Use", "Retired"}}),
	}})
	_, err := jcsync.New(w.jc, w.oc, mapping.StandardAssets(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.Suspend(), MaxCount: 5}))
	require.ErrorContains(t, err, "for assets use SetField")
	_, err = jcsync.New(w.jc, w.oc, standard(), jcsync.WithTargetFields(oomnitza.StandardAssetFields()...))
	require.ErrorContains(t, err, "for assets mappings")

	s := w.syncer(t, mapping.StandardAssets(), jcsync.WithDeprovision(jcsync.Deprovision{Action: jcsync.SetField("status", "Retired"), MaxCount: 5}))
	rep, err := s.Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	var gone []string
	for _, sys := range w.jsrv.Systems()[:3] {
		if sys.SerialNumber != "" {
			gone = append(gone, sys.ID)
			require.True(t, w.jsrv.RemoveSystem(sys.ID))
		}
	}
	p, err := s.Plan(t.Context())
	require.NoError(t, err)
	assert.Equal(t, len(gone), p.Count(jcsync.OpDeprovision))
	for _, op := range p.Ops {
		if op.Kind == jcsync.OpDeprovision {
			assert.Contains(t, op.Reason, "JumpCloud system "+op.SourceID+" is gone")
		}
	}
	rep, err = s.Apply(t.Context(), p)
	require.NoError(t, err)
	assert.Equal(t, len(gone), rep.Counts.Deprovisioned)
	retired := 0
	for _, a := range w.osrv.Assets() {
		if a.Status == "Retired" {
			retired++
		}
	}
	assert.Equal(t, len(gone), retired)
	p, err = s.Plan(t.Context())
	require.NoError(t, err)
	assert.Zero(t, p.Count(jcsync.OpDeprovision), "already retired")
}

func TestAssetsWithoutTheMetaEndpoint(t *testing.T) {
	w := devicesWorld(t, 10, 20, worldOpts{oo: []oomnitzatest.Option{oomnitzatest.WithoutAssetMeta()}})
	_, err := w.syncer(t, mapping.StandardAssets()).Plan(t.Context())
	require.ErrorIs(t, err, oomnitza.ErrNoMetadata)
	assert.Zero(t, writes(w.osrv.Calls()))

	fields := append(oomnitza.StandardAssetFields(), oomnitza.Field{ExternalID: mapping.JumpCloudSystemIDField, Label: "JumpCloud System Id", DataType: oomnitza.DataTypeString, Editable: true, Unique: true})
	rep, err := w.syncer(t, mapping.StandardAssets(), jcsync.WithTargetFields(fields...)).Run(t.Context())
	require.NoError(t, err)
	require.NoError(t, rep.Err())
	assert.Positive(t, rep.Counts.Created)
	assert.Zero(t, w.osrv.Calls()["GET /api/v3/assets/meta"]-1, "asked once, by the failed plan")
}

func TestAssetsMappingIsValidatedLikeUsers(t *testing.T) {
	w := devicesWorld(t, 5, 5, worldOpts{oo: []oomnitzatest.Option{
		oomnitzatest.WithAssetField(oomnitzatest.FieldSpec{ExternalID: "asset_type", Label: "Asset Type", Type: oomnitzatest.TypeString, Mandatory: true}),
	}})
	m := mapping.StandardAssets()
	m.SyncKeys = append(m.SyncKeys, "device_name") // not unique
	_, err := w.syncer(t, m).Plan(t.Context())
	var ve *mapping.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "asset_type (Asset Type) is mandatory")
	assert.Contains(t, err.Error(), `sync key "device_name" (Device Name) is not a unique field`)
	assert.Zero(t, writes(w.osrv.Calls()))
}
