package oomnitza_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func assetsFake(t *testing.T, opts ...oomnitzatest.Option) (*oomnitzatest.Server, *oomnitza.Client) {
	t.Helper()
	srv := oomnitzatest.NewServer(append([]oomnitzatest.Option{oomnitzatest.WithAssetField(oomnitzatest.JumpCloudSystemIDField())}, opts...)...)
	t.Cleanup(srv.Close)
	oc, err := srv.Client(oomnitza.WithRetries(2), oomnitza.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	return srv, oc
}

func TestAssetsRoundTrip(t *testing.T) {
	srv, oc := assetsFake(t)
	ctx := context.Background()
	a, err := oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "C02ABC", "device_name": "ada-mbp", "jumpcloud_system_id": "66b1c2d3e4f5a60718293a4c", "assigned_to": "ada@example.com"})
	require.NoError(t, err)
	assert.Len(t, a.EquipmentID, 32)
	assert.Equal(t, "66b1c2d3e4f5a60718293a4c", a.CustomString("jumpcloud_system_id"))
	assert.False(t, a.CreationDate.IsZero())

	got, err := oc.Assets.Get(ctx, a.EquipmentID)
	require.NoError(t, err)
	assert.Equal(t, "ada-mbp", got.DeviceName)
	byKey, err := oc.Assets.GetByField(ctx, "jumpcloud_system_id", "66b1c2d3e4f5a60718293a4c")
	require.NoError(t, err)
	assert.Equal(t, a.EquipmentID, byKey.EquipmentID)

	up, err := oc.Assets.Update(ctx, a.EquipmentID, oomnitza.Record{"model": "Mac15,6", "assigned_to": " "})
	require.NoError(t, err)
	assert.Equal(t, "Mac15,6", up.Model)
	assert.Equal(t, "ada-mbp", up.DeviceName, "a PATCH leaves the other fields alone")
	assert.Equal(t, "2", up.Version)

	// Unique serial numbers and barcodes.
	_, err = oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "c02abc "})
	require.ErrorIs(t, err, oomnitza.ErrConflict)
	_, err = oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "OTHER", "barcode": "B1"})
	require.NoError(t, err)
	_, err = oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "OTHER2", "barcode": "B1"})
	require.ErrorIs(t, err, oomnitza.ErrConflict)

	rec, err := got.Record()
	require.NoError(t, err)
	assert.Equal(t, json.Number(fmt.Sprint(got.CreationDate.Unix())), rec["creation_date"])
	b, err := json.Marshal(got)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"jumpcloud_system_id":"66b1c2d3e4f5a60718293a4c"`)

	require.NoError(t, oc.Assets.Delete(ctx, a.EquipmentID))
	_, err = oc.Assets.Get(ctx, a.EquipmentID)
	require.ErrorIs(t, err, oomnitza.ErrNotFound)
	assert.Equal(t, 1, srv.AssetCount())
}

func TestAssetsListAllRecords(t *testing.T) {
	srv, oc := assetsFake(t)
	for i := range 250 {
		_, err := srv.AddAsset(oomnitza.Record{"serial_number": fmt.Sprintf("SN%04d", i), "status": map[bool]string{true: "In Use", false: "Stock"}[i%3 == 0]})
		require.NoError(t, err)
	}
	ctx := context.Background()
	page, err := oc.Assets.List(ctx, &oomnitza.ListOptions{Limit: 10, Skip: 5})
	require.NoError(t, err)
	assert.Equal(t, 250, page.Total)
	require.Len(t, page.Assets, 10)
	assert.Equal(t, "SN0005", page.Assets[0].SerialNumber)

	srv.ResetCalls()
	n := 0
	for a, err := range oc.Assets.All(ctx, &oomnitza.ListOptions{Concurrency: 3, Filter: oomnitza.Eq("status", "In Use")}) {
		require.NoError(t, err)
		assert.Equal(t, "In Use", a.Status)
		n++
	}
	assert.Equal(t, 84, n)
	seen := map[string]bool{}
	for r, err := range oc.Assets.Records(ctx, &oomnitza.ListOptions{Fields: []string{"serial_number"}, Concurrency: 4}) {
		require.NoError(t, err)
		assert.Len(t, r, 2, "the fields asked for, and equipment_id")
		seen[r["equipment_id"].(string)] = true
	}
	assert.Len(t, seen, 250)
}

func TestAssetsCreateIsSafeUnderLostReplies(t *testing.T) {
	ctx := context.Background()
	t.Run("committed, reply lost: found by serial, not sent again", func(t *testing.T) {
		srv, oc := assetsFake(t)
		require.NoError(t, srv.Inject("POST /api/v3/assets", oomnitzatest.FaultCommitThenDrop))
		a, err := oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "C02LOST", "device_name": "x"})
		require.NoError(t, err)
		assert.Equal(t, "C02LOST", a.SerialNumber)
		assert.Equal(t, 1, srv.AssetCount())
		assert.Equal(t, 1, srv.Calls()["POST /api/v3/assets"])
	})
	t.Run("another device holds the serial: a conflict, never that asset", func(t *testing.T) {
		srv, oc := assetsFake(t)
		other, err := srv.AddAsset(oomnitza.Record{"serial_number": "C02DUP", "jumpcloud_system_id": "66b1c2d3e4f5a60718293a4d"})
		require.NoError(t, err)
		require.NoError(t, srv.Inject("POST /api/v3/assets", oomnitzatest.Fault500))
		_, err = oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "C02DUP", "jumpcloud_system_id": "66b1c2d3e4f5a60718293a4c"}, "serial_number", "jumpcloud_system_id")
		var ex *oomnitza.ExistingRecordError
		require.ErrorAs(t, err, &ex)
		assert.Equal(t, other, ex.ID)
		require.ErrorIs(t, err, oomnitza.ErrConflict)
		assert.Equal(t, 1, srv.AssetCount())
	})
	t.Run("no key to look up by: sent once, the unknown outcome reported", func(t *testing.T) {
		srv, oc := assetsFake(t)
		require.NoError(t, srv.Inject("POST /api/v3/assets", oomnitzatest.FaultCommitThenDrop))
		_, err := oc.Assets.Create(ctx, oomnitza.Record{"device_name": "no-serial-vm"})
		require.Error(t, err)
		assert.Equal(t, 1, srv.Calls()["POST /api/v3/assets"], "never sent twice")
		assert.Equal(t, 1, srv.AssetCount())
	})
}

func TestAssetsFieldsAndTheFallback(t *testing.T) {
	ctx := context.Background()
	_, oc := assetsFake(t, oomnitzatest.WithAssetField(oomnitzatest.FieldSpec{ExternalID: "status", Label: "Status", Type: oomnitzatest.TypeString, Dropdown: []string{"In Use", "Retired"}}))
	fields, err := oc.Assets.Fields(ctx)
	require.NoError(t, err)
	byID := map[string]oomnitza.Field{}
	for _, f := range fields {
		byID[f.ExternalID] = f
	}
	assert.True(t, byID["serial_number"].Unique)
	assert.True(t, byID["jumpcloud_system_id"].Unique)
	assert.False(t, byID["equipment_id"].Editable)
	assert.Len(t, byID["status"].Dropdown, 2)
	assert.Len(t, fields, len(oomnitza.StandardAssetFields())+1)

	_, oc = assetsFake(t, oomnitzatest.WithoutAssetMeta())
	_, err = oc.Assets.Fields(ctx)
	require.ErrorIs(t, err, oomnitza.ErrNoMetadata)
	require.ErrorIs(t, err, oomnitza.ErrNotFound)
	assert.Contains(t, err.Error(), "StandardAssetFields")
}

func TestAssetIDsAreCheckedBeforeSending(t *testing.T) {
	srv, oc := assetsFake(t)
	ctx := context.Background()
	for _, id := range []string{"", ".", "..", "a/b", "meta", "SavedSearches", "x y", "a?b", "a%2fb", "a\nb"} {
		_, err := oc.Assets.Get(ctx, id)
		require.Error(t, err, "%q", id)
		_, err = oc.Assets.Update(ctx, id, oomnitza.Record{"notes": "x"})
		require.Error(t, err, "%q", id)
		require.Error(t, oc.Assets.Delete(ctx, id), "%q", id)
	}
	_, err := oc.Assets.Update(ctx, "0000000100000000000000000000000a", oomnitza.Record{})
	require.ErrorContains(t, err, "nothing to change")
	_, err = oc.Assets.Create(ctx, oomnitza.Record{"bad key": 1})
	require.Error(t, err)
	_, err = oc.Assets.Create(ctx, oomnitza.Record{"serial_number": "x"}, "bad key")
	require.Error(t, err)
	assert.Empty(t, srv.Calls())
	var zero *oomnitza.Asset
	assert.Nil(t, zero)
	assert.False(t, errors.Is(err, oomnitza.ErrNotFound))
}
