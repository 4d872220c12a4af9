package mapping

import (
	"maps"
	"slices"
)

// Record is a flat or nested record: a JumpCloud user as decoded from JSON
// (the source), or an Oomnitza record keyed by field external id (the
// result of Apply).
type Record = map[string]any

// Mode says what a sync writes.
type Mode string

// The modes.
const (
	// ModeUsers writes People records only ("User only").
	ModeUsers Mode = "users"
	// ModeUsersAndSaaS also makes each user a SaaS user of the "JumpCloud"
	// SaaS application ("User plus SaaS user").
	ModeUsersAndSaaS Mode = "users_and_saas"
)

// Kind says what a mapping syncs: JumpCloud users into Oomnitza People
// records, or JumpCloud systems (devices) into Oomnitza hardware assets.
type Kind string

// The kinds.
const (
	// KindUsers maps JumpCloud system users to People records (the default).
	KindUsers Kind = "users"
	// KindAssets maps JumpCloud systems, with their System Insights rows,
	// to hardware assets.
	KindAssets Kind = "assets"
)

// Preference is the integration preference.
type Preference string

// The preferences.
const (
	CreateAndUpdate Preference = "create_and_update"
	CreateOnly      Preference = "create_only"
	UpdateOnly      Preference = "update_only"
)

// Special source paths: facts of the run, not JumpCloud data.
const (
	// SourceSyncTime is the time of the run ("Connector Sync Time").
	SourceSyncTime = "$sync.time"
	// SourceSyncCredential is the name of the credential used, never the
	// secret ("Connect: Credentials").
	SourceSyncCredential = "$sync.credential"
)

// JumpCloudIDField is the external id of the unique custom People field
// "JumpCloud User Id" that Oomnitza's JumpCloud presets read.
const JumpCloudIDField = "jump_cloud_user_id"

// JumpCloudSystemIDField is the external id of the unique custom asset
// field "JumpCloud System Id" that StandardAssets writes a device's
// JumpCloud id to.
const JumpCloudSystemIDField = "jumpcloud_system_id"

// Mapping is a declarative JumpCloud -> Oomnitza field mapping. Load one
// from YAML or JSON, start from Standard, or build it in Go. A mapping that
// lacks a mandatory part is a draft: Validate lists everything missing and
// Compile refuses it.
type Mapping struct {
	// Name identifies the mapping in reports.
	Name string
	// Kind is users (default) or assets.
	Kind Kind
	// Mode is users (default) or users_and_saas; users_and_saas is for
	// the users kind only.
	Mode Mode
	// Preference is create_and_update (default), create_only or update_only.
	Preference Preference
	// SyncKeys are Oomnitza fields that identify a record, in order: the
	// first is the primary key. Each must be a unique field.
	SyncKeys []string
	// Role is the default Oomnitza role id for created users, used when no
	// field rule sets "role". Zero means none: a users mapping is then a
	// draft. An assets mapping has no role.
	Role int
	// Filter is an expression over the JumpCloud user; users for which it
	// is false are skipped. Empty means all users.
	Filter string
	// Fields are the field rules.
	Fields []Field

	// origin is where Load found the mapping: its file and the line and
	// column of each setting, so validation issues can point at them.
	origin *origin
}

// origin locates a loaded mapping's settings.
type origin struct {
	file string
	pos  map[string][2]int // rule path ("fields[3].to") -> line, column
}

// Field is one rule: a source (From, Value or Expr), transforms, and one
// or more targets.
type Field struct {
	// From is a path into the JumpCloud user ("email", "mfa.configured",
	// "attributes.costCenter" for a custom attribute by name,
	// "addresses.0.locality") or SourceSyncTime / SourceSyncCredential.
	From string
	// Fallback lists paths read in order when From's value is empty (nil,
	// "" or an empty list), e.g. from: serialNumber, fallback:
	// [system_info.hardware_serial].
	Fallback []string
	// Value is a constant, used when From and Expr are empty.
	Value any
	// Expr is an expr-lang expression over the user, e.g.
	// `firstname + " " + lastname`.
	Expr string
	// To lists the Oomnitza fields (external ids) written.
	To []string
	// Transform runs in order on the value.
	Transform []Transform
	// Default replaces an empty result.
	Default any
	// Required makes an empty result an error for the record.
	Required bool
}

// Transform is one step of a field rule: a name and, for some, arguments
// (map: table and default; regex_replace: pattern and replace; default:
// value).
type Transform struct {
	Name string
	Args map[string]any
}

// T returns a transform without arguments, e.g. T("lower").
func T(name string) Transform { return Transform{Name: name} }

// Clone returns a deep copy.
func (m *Mapping) Clone() *Mapping {
	c := *m
	c.SyncKeys = slices.Clone(m.SyncKeys)
	c.Fields = make([]Field, len(m.Fields))
	for i, f := range m.Fields {
		f.To = slices.Clone(f.To)
		f.Fallback = slices.Clone(f.Fallback)
		f.Transform = slices.Clone(f.Transform)
		for j, t := range f.Transform {
			f.Transform[j].Args = maps.Clone(t.Args)
		}
		c.Fields[i] = f
	}
	return &c
}

// WithRole returns a copy with the default Oomnitza role id set.
func (m *Mapping) WithRole(role int) *Mapping {
	c := m.Clone()
	c.Role = role
	return c
}

// kind, mode and preference with defaults applied.
func (m *Mapping) kind() Kind {
	if m.Kind == "" {
		return KindUsers
	}
	return m.Kind
}

// SyncsAssets reports whether the mapping is of the assets kind.
func (m *Mapping) SyncsAssets() bool { return m.kind() == KindAssets }

func (m *Mapping) mode() Mode {
	if m.Mode == "" {
		return ModeUsers
	}
	return m.Mode
}

func (m *Mapping) preference() Preference {
	if m.Preference == "" {
		return CreateAndUpdate
	}
	return m.Preference
}

// Standard returns the standard JumpCloud -> Oomnitza user mapping:
// ID -> jump_cloud_user_id, Email -> username and email (trimmed,
// lower-cased, required), First Name, Last Name, Displayname -> full_name,
// Job Title -> position, Suspended; sync keys jump_cloud_user_id then
// email; create & update. It has no role, so it is a draft until one is
// chosen: Standard().WithRole(25).
func Standard() *Mapping {
	return &Mapping{
		Name:       "jumpcloud-users",
		Mode:       ModeUsers,
		Preference: CreateAndUpdate,
		SyncKeys:   []string{JumpCloudIDField, "email"},
		Fields: []Field{
			{From: "_id", To: []string{JumpCloudIDField}, Required: true},
			{From: "email", To: []string{"username", "email"}, Transform: []Transform{T("trim"), T("lower")}, Required: true},
			{From: "firstname", To: []string{"first_name"}},
			{From: "lastname", To: []string{"last_name"}},
			{From: "displayname", To: []string{"full_name"}},
			{From: "jobTitle", To: []string{"position"}},
			{From: "suspended", To: []string{"suspended"}},
		},
	}
}

// StandardAssets returns the standard JumpCloud system -> Oomnitza asset
// mapping, as ../reference/assets.md proposes it:
//
//	serialNumber (else system_info.hardware_serial) -> serial_number  sync key 1, required
//	_id                    -> jumpcloud_system_id  sync key 2 (a unique custom field)
//	displayName (else hostname) -> device_name
//	os + " " + version     -> operating_system
//	hwVendor (else system_info.hardware_vendor) -> manufacturer
//	system_info.hardware_model -> model
//	system_info.cpu_brand  -> cpu
//	primarySystemUser.id   -> assigned_to, through the oomnitza_username lookup
//
// create & update. A device without a serial number is skipped, never
// merged. assigned_to is the username of the Oomnitza user who carries the
// bound JumpCloud user's id (or, when none does, whose username or email
// is that user's email and who carries no other JumpCloud id); a device
// whose user has no such record is left unassigned.
func StandardAssets() *Mapping {
	return &Mapping{
		Name:       "jumpcloud-systems",
		Kind:       KindAssets,
		Preference: CreateAndUpdate,
		SyncKeys:   []string{"serial_number", JumpCloudSystemIDField},
		Fields: []Field{
			{From: "serialNumber", Fallback: []string{"system_info.hardware_serial"}, To: []string{"serial_number"}, Transform: []Transform{T("trim")}, Required: true},
			{From: "_id", To: []string{JumpCloudSystemIDField}, Required: true},
			{From: "displayName", Fallback: []string{"hostname"}, To: []string{"device_name"}},
			{Expr: `os == nil ? nil : trim(os + " " + (version ?? ""))`, To: []string{"operating_system"}},
			{From: "hwVendor", Fallback: []string{"system_info.hardware_vendor"}, To: []string{"manufacturer"}},
			{From: "system_info.hardware_model", To: []string{"model"}},
			{From: "system_info.cpu_brand", To: []string{"cpu"}},
			{From: "primarySystemUser.id", To: []string{"assigned_to"}, Transform: []Transform{{Name: "lookup", Args: map[string]any{"name": LookupOomnitzaUsername}}}},
		},
	}
}

// LookupOomnitzaUsername names the lookup that StandardAssets' assigned_to
// rule uses: a JumpCloud user id -> the username of that person's Oomnitza
// user. The sync registers it.
const LookupOomnitzaUsername = "oomnitza_username"
