package oomnitza

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/jcoom/jcoom/internal/jsonobj"
)

// Asset is an Oomnitza hardware asset (the v3 Asset schema). Custom fields
// (such as jumpcloud_system_id) are kept in Custom and inlined on the
// wire, so a JSON round trip loses nothing; numbers in Custom are
// json.Number.
type Asset struct {
	EquipmentID           string `json:"equipment_id"`
	UID                   int64  `json:"uid"`
	Version               string `json:"version"`
	CreationDate          Time   `json:"creation_date"`
	ChangeDate            Time   `json:"change_date"`
	CreatedBy             string `json:"created_by"`
	ChangedBy             string `json:"changed_by"`
	Location              string `json:"location"`
	Stockroom             string `json:"stockroom"`
	AssignedTo            string `json:"assigned_to"`
	Tickets               string `json:"tickets"`
	IsParent              string `json:"is_parent"`
	IsChild               string `json:"is_child"`
	Barcode               string `json:"barcode"`
	Deleted               string `json:"deleted"`
	OperatingSystem       string `json:"operating_system"`
	AssetType             string `json:"asset_type"`
	EndOfLifeDate         Time   `json:"end_of_life_date"`
	SerialNumber          string `json:"serial_number"`
	Department            string `json:"department"`
	Status                string `json:"status"`
	Manufacturer          string `json:"manufacturer"`
	Model                 string `json:"model"`
	DeviceName            string `json:"device_name"`
	CurrentlyLoggedInUser string `json:"currently_logged_in_user"`
	IPAddress             string `json:"ip_address"`
	MACAddress            string `json:"mac_address"`
	IMEIMEID              string `json:"imei__meid"`
	Vendor                string `json:"vendor"`
	PurchaseDate          Time   `json:"purchase_date"`
	PONumber              string `json:"po_number"`
	PurchasePrice         string `json:"purchase_price"`
	WarrantyEndDate       Time   `json:"warranty_end_date"`
	CPU                   string `json:"cpu"`
	LoanDueDate           Time   `json:"loan_due_date"`
	Notes                 string `json:"notes"`
	Condition             string `json:"condition"`

	// Custom holds every field the struct does not model, by external id.
	Custom map[string]any `json:"-"`

	raw []byte
}

type assetAlias Asset

var assetFieldNames = sync.OnceValue(func() map[string]bool { return jsonobj.FieldNames(reflect.TypeFor[Asset]()) })

// UnmarshalJSON decodes an asset and keeps custom fields in Custom.
func (a *Asset) UnmarshalJSON(b []byte) error {
	var w assetAlias
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("oomnitza: decoding asset: %w", err)
	}
	raw := append([]byte(nil), b...)
	err := jsonobj.EachUnknown(raw, assetFieldNames(), func(k string, v []byte) error {
		val, err := decodeValue(v)
		if err != nil {
			return fmt.Errorf("field %q: %w", k, err)
		}
		if w.Custom == nil {
			w.Custom = map[string]any{}
		}
		w.Custom[k] = val
		return nil
	})
	if err != nil {
		return fmt.Errorf("oomnitza: decoding asset: %w", err)
	}
	w.raw = raw
	*a = Asset(w)
	return nil
}

// MarshalJSON encodes the asset with Custom's fields inlined.
func (a Asset) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(assetAlias(a))
	if err != nil || len(a.Custom) == 0 {
		return b, err
	}
	return jsonobj.Merge(b, a.Custom, assetFieldNames())
}

// Record returns the asset as a generic record keyed by external id, as
// User.Record does.
func (a *Asset) Record() (Record, error) {
	b := a.raw
	if b == nil {
		var err error
		if b, err = json.Marshal(a); err != nil {
			return nil, fmt.Errorf("oomnitza: asset %s as a record: %w", a.EquipmentID, err)
		}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m Record
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("oomnitza: asset %s as a record: %w", a.EquipmentID, err)
	}
	return m, nil
}

// CustomString returns a custom field as a string ("" when absent or null).
func (a *Asset) CustomString(externalID string) string {
	switch v := a.Custom[externalID].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// StandardAssetFields returns the fields of the v3 Asset schema, for
// instances that serve no asset metadata (GET /api/v3/assets/meta is not
// in the v3 spec): every field is optional and editable except the ones
// Oomnitza sets (equipment_id, uid, version, dates of change, created_by,
// changed_by, deleted); dates are epoch seconds. serial_number and barcode
// are marked unique because Oomnitza's documentation uses them as the
// primary and secondary sync keys of assets, which must be unique fields:
// check that your instance agrees. Custom fields (a unique
// jumpcloud_system_id, for example) are not in the spec; add them to this
// list yourself.
func StandardAssetFields() []Field {
	f := func(id, label, typ string, editable, unique bool) Field {
		return Field{ExternalID: id, Label: label, DataType: typ, Editable: editable, Unique: unique}
	}
	const rw, ro = true, false
	return []Field{
		f("equipment_id", "Equipment ID", DataTypeString, ro, true),
		f("uid", "UID", DataTypeInteger, ro, false),
		f("version", "Version", DataTypeString, ro, false),
		f("creation_date", "Creation Date", DataTypeDateTime, ro, false),
		f("change_date", "Change Date", DataTypeDateTime, ro, false),
		f("created_by", "Created By", DataTypeString, ro, false),
		f("changed_by", "Changed By", DataTypeString, ro, false),
		f("deleted", "Deleted", DataTypeString, ro, false),
		f("location", "Location", DataTypeString, rw, false),
		f("stockroom", "Stockroom", DataTypeString, rw, false),
		f("assigned_to", "Assigned To", DataTypeString, rw, false),
		f("tickets", "Tickets", DataTypeString, rw, false),
		f("is_parent", "Is Parent", DataTypeString, rw, false),
		f("is_child", "Is Child", DataTypeString, rw, false),
		f("barcode", "Barcode", DataTypeString, rw, true),
		f("operating_system", "Operating System", DataTypeString, rw, false),
		f("asset_type", "Asset Type", DataTypeString, rw, false),
		f("end_of_life_date", "End Of Life Date", DataTypeDate, rw, false),
		f("serial_number", "Serial Number", DataTypeString, rw, true),
		f("department", "Department", DataTypeString, rw, false),
		f("status", "Status", DataTypeString, rw, false),
		f("manufacturer", "Manufacturer", DataTypeString, rw, false),
		f("model", "Model", DataTypeString, rw, false),
		f("device_name", "Device Name", DataTypeString, rw, false),
		f("currently_logged_in_user", "Currently Logged In User", DataTypeString, rw, false),
		f("ip_address", "IP Address", DataTypeString, rw, false),
		f("mac_address", "MAC Address", DataTypeString, rw, false),
		f("imei__meid", "IMEI / MEID", DataTypeString, rw, false),
		f("vendor", "Vendor", DataTypeString, rw, false),
		f("purchase_date", "Purchase Date", DataTypeDate, rw, false),
		f("po_number", "PO Number", DataTypeString, rw, false),
		f("purchase_price", "Purchase Price", DataTypeString, rw, false),
		f("warranty_end_date", "Warranty End Date", DataTypeDate, rw, false),
		f("cpu", "CPU", DataTypeString, rw, false),
		f("loan_due_date", "Loan Due Date", DataTypeDate, rw, false),
		f("notes", "Notes", DataTypeText, rw, false),
		f("condition", "Condition", DataTypeString, rw, false),
	}
}
