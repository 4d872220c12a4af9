// Package mapping is the declarative JumpCloud -> Oomnitza field mapping:
// load, validate, suggest, compile and apply. It works on records
// (map[string]any) and imports no API client.
//
// # Mappings
//
// A Mapping has a name, a mode (users, or users_and_saas for "User plus
// SaaS user"), a preference (create_and_update, create_only or
// update_only), ordered sync keys (unique Oomnitza fields, primary first),
// a default Oomnitza role, an optional filter and field rules. A rule reads
// a source (a path into the JumpCloud user, a constant, or an expr-lang
// expression), runs transforms, and writes one or more targets:
//
//	name: jumpcloud-users
//	sync_keys: [jump_cloud_user_id, email]
//	role: 25
//	filter: 'state == "ACTIVATED" && !suspended'
//	fields:
//	  - {from: _id, to: jump_cloud_user_id}
//	  - {from: email, to: [username, email], transform: [trim, lower], required: true}
//	  - {expr: 'firstname + " " + lastname', to: full_name}
//	  - {from: $sync.time, to: connector_sync_time}
//
// A mapping's kind says what it syncs: users (JumpCloud users -> People,
// the default) or assets (JumpCloud systems -> hardware assets, sources
// from JumpCloudSystemFields, which include System Insights paths such as
// system_info.hardware_model). A rule's fallback lists paths tried in
// order when from is empty. StandardAssets is the standard assets mapping:
// sync keys serial_number, then the unique custom jumpcloud_system_id;
// assigned_to from the bound user through the oomnitza_username look-up.
//
// Standard returns the standard mapping; examples/mapping/jumpcloud-all.yaml
// maps all 22 fields of Oomnitza's JumpCloud integration. Load and LoadFile
// read YAML or JSON strictly: unknown keys, wrong types and duplicate keys
// are errors with line and column.
//
// # Drafts
//
// Validate checks a mapping against the Oomnitza schema (built by the
// caller from oomnitza's Users.Fields) and lists every problem at once in a
// *ValidationError: username and email mapped, a role, sync keys mapped and
// unique, no target written twice, known transforms, expressions that
// compile, source paths in the catalog, targets that exist. A missing
// field (above all the unique "JumpCloud User Id") comes with what to
// create in Oomnitza, since its API cannot create fields. A draft cannot
// be compiled.
//
// # Apply
//
// Compile prepares transforms, expressions and type conversions once;
// Apply maps one user to an Oomnitza record with values converted to each
// target's type (string, integer, decimal, boolean, date, datetime), and
// Equal compares a written value with what Oomnitza returns, so a sync
// never sees a perpetual difference. Match evaluates the filter.
//
// # Smart mapping
//
// Suggest ranks source -> target pairs by name, label and type, and never
// proposes a pair of incompatible types.
//
// # Errors
//
// Load reports a *LoadError listing every Problem with its line and column;
// Validate and Compile report a *ValidationError listing every Issue with
// its rule, the problem and the fix; Apply reports an *ApplyError naming
// the field rule, and errors.Is(err, ErrOverBudget) tells a record that
// went over its budget.
//
// # Safety
//
// A mapping file cannot hang or exhaust a sync: YAML aliases may expand to
// at most 100,000 values, expressions are capped at 2,000 nodes, and each
// record runs within a budget (100,000 loop steps, 4 MiB of strings built,
// 64 KiB a value). Expressions cannot call out: they see the record only.
//
// # Testing with the fakes
//
// A Schema can be built by hand (NewSchema) or from the oomnitzatest fake's
// field metadata, so mappings are tested without an Oomnitza instance.
package mapping
