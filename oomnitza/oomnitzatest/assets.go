package oomnitzatest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jcoom/jcoom/oomnitza"
)

// assetStore holds the fake's hardware assets: its own fields (the v3
// Asset schema plus WithAssetField), records and unique indexes.
type assetStore struct {
	fields    []*FieldSpec
	fieldByID map[string]*FieldSpec
	noMeta    bool

	recs   map[string]map[string]any // equipment_id -> stored record
	order  []string
	unique map[string]map[string]string // field -> unique key -> equipment_id
	seq    int64
}

func newAssetStore() *assetStore {
	a := &assetStore{fieldByID: map[string]*FieldSpec{}, recs: map[string]map[string]any{}, unique: map[string]map[string]string{}}
	for _, f := range StandardAssetFields() {
		a.addField(f)
	}
	return a
}

func (a *assetStore) addField(f FieldSpec) {
	if old, ok := a.fieldByID[f.ExternalID]; ok {
		*old = f
		return
	}
	a.fields = append(a.fields, &f)
	a.fieldByID[f.ExternalID] = &f
}

func (a *assetStore) field(id string) *FieldSpec { return a.fieldByID[id] }

// JumpCloudSystemIDField returns a unique custom asset field "JumpCloud
// System Id" (external id jumpcloud_system_id) for a device's JumpCloud id.
func JumpCloudSystemIDField() FieldSpec {
	return FieldSpec{ExternalID: "jumpcloud_system_id", Label: "JumpCloud System Id", Type: TypeString, Unique: true}
}

// StandardAssetFields returns the asset fields the fake serves, built from
// oomnitza.StandardAssetFields so the fake and the client cannot drift.
func StandardAssetFields() []FieldSpec {
	std := oomnitza.StandardAssetFields()
	out := make([]FieldSpec, len(std))
	for i, f := range std {
		out[i] = FieldSpec{ExternalID: f.ExternalID, Label: f.Label, Type: FieldType(f.DataType),
			Unique: f.Unique, Mandatory: f.Mandatory, ReadOnly: !f.Editable}
	}
	return out
}

// WithAssetField declares a custom asset field (or redefines a standard
// one, e.g. to make it mandatory or give it dropdown values).
func WithAssetField(f FieldSpec) Option { return func(s *Server) { s.assets.addField(f) } }

// WithoutAssetMeta makes GET /api/v3/assets/meta answer 404, as an
// instance does whose API lacks the endpoint (it is not in the v3 spec).
func WithoutAssetMeta() Option { return func(s *Server) { s.assets.noMeta = true } }

// AssetFields returns the declared asset fields.
func (s *Server) AssetFields() []FieldSpec {
	out := make([]FieldSpec, len(s.assets.fields))
	for i, f := range s.assets.fields {
		out[i] = *f
	}
	return out
}

// AssetCount returns the number of assets.
func (s *Server) AssetCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.assets.order)
}

// Asset returns a copy of the stored asset.
func (s *Server) Asset(id string) (*oomnitza.Asset, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.assets.recs[id]
	if !ok {
		return nil, false
	}
	return toAsset(s.assets.present(rec, nil)), true
}

// Assets returns copies of all assets in creation order.
func (s *Server) Assets() []*oomnitza.Asset {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*oomnitza.Asset, len(s.assets.order))
	for i, id := range s.assets.order {
		out[i] = toAsset(s.assets.present(s.assets.recs[id], nil))
	}
	return out
}

// AddAsset stores an asset as POST /api/v3/assets would (same checks) and
// returns its equipment_id.
func (s *Server) AddAsset(rec oomnitza.Record) (string, error) {
	body, err := normalize(rec)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, errs := s.createAssetLocked(body, writeHeaders{ignoreMeta: true})
	if len(errs) > 0 {
		return "", fmt.Errorf("oomnitzatest: %s", strings.Join(errs, "; "))
	}
	return stored["equipment_id"].(string), nil
}

func toAsset(rec map[string]any) *oomnitza.Asset {
	b, _ := json.Marshal(rec)
	var a oomnitza.Asset
	_ = a.UnmarshalJSON(b)
	return &a
}

func (a *assetStore) newID() string {
	a.seq++
	sum := sha256.Sum256([]byte("asset" + strconv.FormatInt(a.seq, 10)))
	return fmt.Sprintf("%08x", a.seq) + hex.EncodeToString(sum[:12])
}

func (a *assetStore) check(body, existing map[string]any, h writeHeaders) (map[string]any, []string) {
	unknown := "unknown field (send Oomnitza-Allow-Unknown-Meta-Fields: 1 to ignore it)"
	if h.allowUnknown {
		unknown = ""
	}
	vals, errs := convertBody(body, a.field, unknown, h.ignoreMeta)
	if existing == nil {
		for _, f := range a.fields {
			if _, reported := body[f.ExternalID]; f.Mandatory && !f.ReadOnly && vals[f.ExternalID] == nil && !reported {
				errs = append(errs, fmt.Sprintf("%s: is mandatory", f.ExternalID))
			}
		}
	}
	selfID := ""
	if existing != nil {
		selfID, _ = existing["equipment_id"].(string)
	}
	for _, f := range a.fields {
		v, ok := vals[f.ExternalID]
		if !f.Unique || !ok || v == nil || v == "" {
			continue
		}
		if owner, taken := a.unique[f.ExternalID][uniqueKey(v)]; taken && owner != selfID {
			errs = append(errs, fmt.Sprintf("%s: value %q already exists; the field must be unique", f.ExternalID, fmt.Sprint(v)))
		}
	}
	return vals, errs
}

func (a *assetStore) index(rec map[string]any, add bool) {
	id := rec["equipment_id"].(string)
	for _, f := range a.fields {
		v := rec[f.ExternalID]
		if !f.Unique || v == nil || v == "" || f.ExternalID == "equipment_id" {
			continue
		}
		m := a.unique[f.ExternalID]
		if m == nil {
			m = map[string]string{}
			a.unique[f.ExternalID] = m
		}
		if add {
			m[uniqueKey(v)] = id
		} else if m[uniqueKey(v)] == id {
			delete(m, uniqueKey(v))
		}
	}
}

func (s *Server) createAssetLocked(body map[string]any, h writeHeaders) (map[string]any, []string) {
	a := s.assets
	vals, errs := a.check(body, nil, h)
	if len(errs) > 0 {
		return nil, errs
	}
	now := s.now().Unix()
	rec := map[string]any{}
	for k, v := range vals {
		rec[k] = v
	}
	id := a.newID()
	rec["equipment_id"], rec["uid"] = id, a.seq
	rec["creation_date"], rec["change_date"] = now, now
	rec["created_by"], rec["changed_by"] = "api", "api"
	rec["version"] = "1"
	a.recs[id] = rec
	a.order = append(a.order, id)
	a.index(rec, true)
	return rec, nil
}

// present returns an asset as the API shows it: every declared field
// (null when empty), or only fields plus equipment_id.
func (a *assetStore) present(rec map[string]any, fields []string) map[string]any {
	if len(fields) > 0 {
		out := make(map[string]any, len(fields)+1)
		out["equipment_id"] = rec["equipment_id"]
		for _, f := range fields {
			out[f] = rec[f]
		}
		return out
	}
	out := make(map[string]any, len(a.fields))
	for _, f := range a.fields {
		out[f.ExternalID] = rec[f.ExternalID]
	}
	return out
}

func (s *Server) listAssets(w http.ResponseWriter, r *http.Request) {
	q, err := parseList(r, s.assets.field)
	if err != nil {
		writeErrors(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	recs := make([]map[string]any, len(s.assets.order))
	for i, id := range s.assets.order {
		recs[i] = s.assets.recs[id]
	}
	total, page := q.page(recs)
	out := make([]map[string]any, len(page))
	for i, rec := range page {
		out[i] = s.assets.present(rec, q.fields)
	}
	s.mu.Unlock()
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createAsset(w http.ResponseWriter, r *http.Request) {
	body, ok := bodyOr400(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, errs := s.createAssetLocked(body, headersOf(r))
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	writeJSON(w, http.StatusOK, s.assets.present(rec, nil))
}

func (s *Server) lookupAsset(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	rec, ok := s.assets.recs[r.PathValue("ident")]
	if !ok {
		writeErrors(w, http.StatusNotFound, "Asset not found")
	}
	return rec, ok
}

func (s *Server) getAsset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec, ok := s.lookupAsset(w, r); ok {
		writeJSON(w, http.StatusOK, s.assets.present(rec, nil))
	}
}

func (s *Server) updateAsset(w http.ResponseWriter, r *http.Request) {
	body, ok := bodyOr400(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookupAsset(w, r)
	if !ok {
		return
	}
	vals, errs := s.assets.check(body, rec, headersOf(r))
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	s.assets.index(rec, false)
	for k, v := range vals {
		rec[k] = v
	}
	rec["change_date"] = s.now().Unix()
	if v, err := strconv.Atoi(fmt.Sprint(rec["version"])); err == nil {
		rec["version"] = strconv.Itoa(v + 1)
	}
	s.assets.index(rec, true)
	writeJSON(w, http.StatusOK, s.assets.present(rec, nil))
}

func (s *Server) deleteAsset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.lookupAsset(w, r)
	if !ok {
		return
	}
	id := rec["equipment_id"].(string)
	s.assets.index(rec, false)
	delete(s.assets.recs, id)
	if i := slices.Index(s.assets.order, id); i >= 0 {
		s.assets.order = slices.Delete(s.assets.order, i, i+1)
	}
	if s.deleteWith == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, s.assets.present(rec, nil))
}

func (s *Server) assetsMeta(w http.ResponseWriter, _ *http.Request) {
	if s.assets.noMeta {
		writeErrors(w, http.StatusNotFound, "Not found")
		return
	}
	writeMeta(w, s.assets.fields, "assets")
}
