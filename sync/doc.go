// Package sync connects the clients to the mapping: it makes Oomnitza the
// single source of truth for JumpCloud users.
//
// # Schema
//
// A mapping is validated against the Oomnitza People fields of the
// instance it writes to. FetchSchema reads them (GET /api/v3/users/meta)
// and SchemaFromFields turns field metadata into a *mapping.Schema that
// keeps types, uniqueness, mandatory flags, editability and dropdown
// values, so validation can refuse a target the server would ignore or
// reject:
//
//	schema, err := sync.FetchSchema(ctx, oc.Users)
//	if err := m.Validate(schema); err != nil { ... } // a draft: every problem listed
package sync
