package oomnitza

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/jcoom/jcoom/internal/paging"
	"github.com/jcoom/jcoom/internal/safecreate"
	"github.com/jcoom/jcoom/internal/transport"
)

// AssetsService manages hardware assets: /api/v3/assets.
type AssetsService struct{ client *Client }

// AssetPage is one page of assets. Total is the X-Total-Count header, or
// -1 when the server did not send it.
type AssetPage struct {
	Total  int
	Assets []*Asset
}

// ErrNoMetadata matches Fields' error when the instance serves no field
// metadata for the module (GET /api/v3/assets/meta answers 404: the
// endpoint is not in the v3 spec).
var ErrNoMetadata = errors.New("oomnitza: the instance serves no field metadata for assets")

// ValidateAssetID checks an asset id (equipment_id) before it is put in a
// URL path, by the rules of ValidateID.
func ValidateAssetID(id string) error {
	if err := validateIdent("asset", id); err != nil {
		return err
	}
	for _, route := range assetSiblingRoutes {
		if strings.EqualFold(id, route) {
			return fmt.Errorf("oomnitza: asset id %q names the route /api/v3/assets/%s, not an asset", id, route)
		}
	}
	return nil
}

// assetSiblingRoutes are the paths beside /api/v3/assets/{ident}.
var assetSiblingRoutes = []string{"meta", "savedsearches"}

func assetPath(id string) (string, error) {
	if err := ValidateAssetID(id); err != nil {
		return "", err
	}
	return "/api/v3/assets/" + url.PathEscape(id), nil
}

// List fetches one page of assets.
func (s *AssetsService) List(ctx context.Context, opts *ListOptions) (*AssetPage, error) {
	q, err := opts.values()
	if err != nil {
		return nil, err
	}
	var assets []*Asset
	resp, err := s.client.do(ctx, http.MethodGet, "/api/v3/assets", q, nil, &assets)
	if err != nil {
		return nil, err
	}
	if assets == nil {
		return nil, transport.UnexpectedReply("oomnitza", http.MethodGet, "/api/v3/assets", "the reply is not a list of assets")
	}
	return &AssetPage{Total: totalCount(resp), Assets: assets}, nil
}

// All iterates over every asset matching opts with the semantics of
// UsersService.All.
func (s *AssetsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[*Asset, error] {
	o := opts.clone()
	if o.Limit == 0 {
		o.Limit = DefaultPageSize
	}
	if len(o.Fields) > 0 && !slices.Contains(o.Fields, "equipment_id") {
		o.Fields = append(o.Fields, "equipment_id")
	}
	if _, err := o.values(); err != nil {
		return func(yield func(*Asset, error) bool) { yield(nil, err) }
	}
	return paging.All(ctx, paging.Spec[*Asset]{
		What:  "oomnitza: assets",
		Start: o.Skip, Limit: o.Limit, Concurrency: o.Concurrency,
		Key: func(a *Asset) string { return a.EquipmentID },
		Fetch: func(ctx context.Context, skip, limit int) (paging.Page[*Asset], error) {
			po := o
			po.Skip, po.Limit = skip, limit
			p, err := s.List(ctx, &po)
			if err != nil {
				return paging.Page[*Asset]{}, err
			}
			return paging.Page[*Asset]{Items: p.Assets, Total: p.Total}, nil
		},
	})
}

// Records lists assets as generic records keyed by field external id
// (numbers as json.Number), as UsersService.Records does for users.
func (s *AssetsService) Records(ctx context.Context, opts *ListOptions) iter.Seq2[Record, error] {
	return s.client.records(ctx, "/api/v3/assets", "equipment_id", "assets", opts)
}

// Get fetches one asset by equipment_id.
func (s *AssetsService) Get(ctx context.Context, id string) (*Asset, error) {
	path, err := assetPath(id)
	if err != nil {
		return nil, err
	}
	var a Asset
	if _, err := s.client.do(ctx, http.MethodGet, path, nil, nil, &a); err != nil {
		return nil, err
	}
	if err := sameAsset(http.MethodGet, path, id, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func sameAsset(method, path, id string, a *Asset) error {
	switch {
	case a.EquipmentID == "":
		return transport.UnexpectedReply("oomnitza", method, path, "the reply holds no asset (no equipment_id)")
	case a.EquipmentID != id:
		return transport.UnexpectedReply("oomnitza", method, path, "asked for asset %q, the reply is asset %q", id, a.EquipmentID)
	}
	return nil
}

// GetByField returns the one asset whose field (serial_number, barcode or
// a custom unique field) equals value exactly. None is a *MatchError
// matching ErrNotFound; several, ErrMultipleMatches.
func (s *AssetsService) GetByField(ctx context.Context, field string, value any) (*Asset, error) {
	if !fieldNamePattern.MatchString(field) {
		return nil, fmt.Errorf("oomnitza: look up asset by field: %q is not a field external id", field)
	}
	if value == nil || value == "" {
		return nil, fmt.Errorf("oomnitza: look up asset by %s: value is empty", field)
	}
	page, err := s.List(ctx, &ListOptions{Limit: 2, Filter: Eq(field, value)})
	if err != nil {
		return nil, err
	}
	count := max(len(page.Assets), page.Total)
	if count != 1 || len(page.Assets) != 1 {
		return nil, &MatchError{API: "oomnitza", What: "asset", Field: field, Value: fmt.Sprint(value), Count: count}
	}
	return page.Assets[0], nil
}

// defaultAssetKeys are the unique fields Create looks an asset up by after
// a lost reply, in order, when it is given none.
var defaultAssetKeys = []string{"serial_number", "barcode"}

// Create adds an asset from a record keyed by field external id. When the
// outcome of the POST is unknown (timeout, reset after sending, 5xx), it
// looks the asset up by the first of keys (unique fields; default
// serial_number, then barcode) that the record sets before sending again,
// so a lost response never creates a duplicate. An asset found that way
// must agree with every key the record sets; otherwise it is another
// device and Create returns an *ExistingRecordError (ErrConflict). A
// record that sets none of the keys cannot be looked up, so it is sent
// once and an unknown outcome is returned as an error, never retried. A
// value that breaks a unique field is an error matching ErrConflict.
func (s *AssetsService) Create(ctx context.Context, rec Record, keys ...string) (*Asset, error) {
	if err := validateRecord(rec, "create asset"); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		keys = defaultAssetKeys
	}
	var set []string
	for _, k := range keys {
		if !fieldNamePattern.MatchString(k) {
			return nil, fmt.Errorf("oomnitza: create asset: key %q is not a field external id", k)
		}
		if v, ok := rec[k]; ok && v != nil && strings.TrimSpace(fmt.Sprint(v)) != "" {
			set = append(set, k)
		}
	}
	what := "oomnitza: create asset"
	attempts := 1
	if len(set) > 0 {
		what = fmt.Sprintf("oomnitza: create asset %s %q", set[0], fmt.Sprint(rec[set[0]]))
		attempts = 4
	}
	return safecreate.Run(ctx, safecreate.Spec[*Asset]{
		What:     what,
		Attempts: attempts,
		Send: func(ctx context.Context) (*Asset, error) {
			var a Asset
			if _, err := s.client.do(ctx, http.MethodPost, "/api/v3/assets", nil, rec, &a); err != nil {
				return nil, err
			}
			if a.EquipmentID == "" {
				return nil, transport.UnexpectedReply("oomnitza", http.MethodPost, "/api/v3/assets", "the reply holds no asset (no equipment_id)")
			}
			return &a, nil
		},
		Lookup: func(ctx context.Context) (*Asset, bool, error) {
			return safecreate.Found(s.GetByField(ctx, set[0], rec[set[0]]))
		},
		Classify: safecreate.Classify,
		Mismatch: func(a *Asset) string {
			found, _ := a.Record()
			var pairs []safecreate.Pair
			for _, k := range set {
				pairs = append(pairs, safecreate.Pair{Name: k, Sent: fmt.Sprint(rec[k]), Found: fmt.Sprint(found[k])})
			}
			return safecreate.Differences(pairs...)
		},
		ID: func(a *Asset) string { return a.EquipmentID },
	})
}

// Update changes the fields in rec (PATCH) and returns the asset. Send
// {"assigned_to": ""} (or a blank) to unassign it.
func (s *AssetsService) Update(ctx context.Context, id string, rec Record) (*Asset, error) {
	path, err := assetPath(id)
	if err != nil {
		return nil, err
	}
	if err := validateRecord(rec, "update asset"); err != nil {
		return nil, err
	}
	if len(rec) == 0 {
		return nil, fmt.Errorf("oomnitza: update asset %q: record is empty; nothing to change", id)
	}
	var a Asset
	if _, err := s.client.doIdempotent(ctx, http.MethodPatch, path, nil, rec, &a); err != nil {
		return nil, err
	}
	if err := sameAsset(http.MethodPatch, path, id, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// Delete removes (archives) an asset. Both 200 and 204 count as success.
func (s *AssetsService) Delete(ctx context.Context, id string) error {
	path, err := assetPath(id)
	if err != nil {
		return err
	}
	_, err = s.client.do(ctx, http.MethodDelete, path, nil, nil, nil)
	return err
}

// Fields returns the metadata of every asset field (GET
// /api/v3/assets/meta), sorted by external id. That endpoint is not in
// the v3 spec; an instance without it answers 404, and Fields returns an
// error matching ErrNoMetadata (and ErrNotFound). The documented fallback
// is StandardAssetFields plus the instance's custom asset fields, e.g.
// sync.WithTargetFields(append(oomnitza.StandardAssetFields(), custom...)...).
func (s *AssetsService) Fields(ctx context.Context) ([]Field, error) {
	fields, err := s.client.fields(ctx, "/api/v3/assets/meta")
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w (GET /api/v3/assets/meta: %w); use oomnitza.StandardAssetFields() plus your custom asset fields instead", ErrNoMetadata, err)
	}
	return fields, err
}
