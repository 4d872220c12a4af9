package mapping

// SourceType is the type of a source field.
type SourceType string

// The source types.
const (
	SourceString SourceType = "string"
	SourceBool   SourceType = "boolean"
	SourceInt    SourceType = "integer"
	SourceDate   SourceType = "date"
	SourceList   SourceType = "list"
	SourceObject SourceType = "object"
)

// SourceField is a field a mapping can read.
type SourceField struct {
	// Label is the name Oomnitza's JumpCloud integration shows, or a
	// readable name for the other systemuser fields.
	Label string
	// Path is what a rule's From takes.
	Path string
	Type SourceType
	// Integration marks the 22 fields of Oomnitza's JumpCloud integration.
	Integration bool
}

func src(label, path string, t SourceType, integration bool) SourceField {
	return SourceField{Label: label, Path: path, Type: t, Integration: integration}
}

// JumpCloudUserFields returns the source catalog: the 22 fields of
// Oomnitza's JumpCloud integration under their labels, then every other
// field of the JumpCloud systemuser schema. Custom attributes are
// reachable as "attributes.<name>" and nested values by dotted path. The
// slice is the caller's to keep or change.
func JumpCloudUserFields() []SourceField { return append([]SourceField(nil), jumpCloudUserFields...) }

// jumpCloudUserFields is the one list of JumpCloud user fields a mapping
// reads; a test keeps it equal to the jumpcloud.User type.
var jumpCloudUserFields = []SourceField{
	src("Account Locked", "account_locked", SourceBool, true),
	src("Account Locked Date", "account_locked_date", SourceDate, true),
	src("Activated", "activated", SourceBool, true),
	src("Allow Public Key", "allow_public_key", SourceBool, true),
	src("Alternate Email", "alternateEmail", SourceString, true),
	src("Company", "company", SourceString, true),
	src("Connect: Credentials", SourceSyncCredential, SourceString, true),
	src("Connector Sync Time", SourceSyncTime, SourceDate, true),
	src("Created", "created", SourceDate, true),
	src("Disable Device Max Login Attempts", "disableDeviceMaxLoginAttempts", SourceBool, true),
	src("Displayname", "displayname", SourceString, true),
	src("Email", "email", SourceString, true),
	src("Employee Type", "employeeType", SourceString, true),
	src("First Name", "firstname", SourceString, true),
	src("ID", "_id", SourceString, true),
	src("Job Title", "jobTitle", SourceString, true),
	src("Last Name", "lastname", SourceString, true),
	src("Manager", "manager", SourceString, true),
	src("Password Expiration Date", "password_expiration_date", SourceDate, true),
	src("Password Expired", "password_expired", SourceBool, true),
	src("State", "state", SourceString, true),
	src("Suspended", "suspended", SourceBool, true),

	src("Addresses", "addresses", SourceList, false),
	src("Administrator", "admin", SourceObject, false),
	src("Administrator Role", "admin.roleName", SourceString, false),
	src("Attributes", "attributes", SourceList, false),
	src("Bad Login Attempts", "badLoginAttempts", SourceInt, false),
	src("Cost Center", "costCenter", SourceString, false),
	src("Creation Source", "creationSource", SourceString, false),
	src("Delegated Authority", "delegatedAuthority", SourceObject, false),
	src("Department", "department", SourceString, false),
	src("Description", "description", SourceString, false),
	src("Employee Identifier", "employeeIdentifier", SourceString, false),
	src("Enable Managed UID", "enable_managed_uid", SourceBool, false),
	src("Enable User Portal Multifactor", "enable_user_portal_multifactor", SourceBool, false),
	src("External DN", "external_dn", SourceString, false),
	src("External Password Expiration Date", "external_password_expiration_date", SourceDate, false),
	src("External Source Type", "external_source_type", SourceString, false),
	src("Externally Managed", "externally_managed", SourceBool, false),
	src("LDAP Binding User", "ldap_binding_user", SourceBool, false),
	src("Location", "location", SourceString, false),
	src("Managed Apple ID", "managedAppleId", SourceString, false),
	src("MFA", "mfa", SourceObject, false),
	src("MFA Configured", "mfa.configured", SourceBool, false),
	src("MFA Enrollment", "mfaEnrollment", SourceObject, false),
	src("MFA Enrollment Status", "mfaEnrollment.overallStatus", SourceString, false),
	src("Middle Name", "middlename", SourceString, false),
	src("Organization", "organization", SourceString, false),
	src("Password Date", "password_date", SourceDate, false),
	src("Password Never Expires", "password_never_expires", SourceBool, false),
	src("Passwordless Sudo", "passwordless_sudo", SourceBool, false),
	src("Phone Numbers", "phoneNumbers", SourceList, false),
	src("Public Key", "public_key", SourceString, false),
	src("Recovery Email", "recoveryEmail", SourceObject, false),
	src("Recovery Email Address", "recoveryEmail.address", SourceString, false),
	src("Relationships", "relationships", SourceList, false),
	src("Restricted Fields", "restrictedFields", SourceList, false),
	src("Samba Service User", "samba_service_user", SourceBool, false),
	src("SSH Keys", "ssh_keys", SourceList, false),
	src("Sudo", "sudo", SourceBool, false),
	src("Tags", "tags", SourceList, false),
	src("TOTP Enabled", "totp_enabled", SourceBool, false),
	src("Unix GUID", "unix_guid", SourceInt, false),
	src("Unix UID", "unix_uid", SourceInt, false),
	src("Username", "username", SourceString, false),
}

// sourcePaths lists the catalog's paths, for did-you-mean hints.
func sourcePaths() []string {
	out := make([]string, len(jumpCloudUserFields))
	for i, f := range jumpCloudUserFields {
		out[i] = f.Path
	}
	return out
}

// sourceEnum returns the only values a source field takes, when JumpCloud
// documents them.
func sourceEnum(path string) []string {
	if path == "state" {
		return []string{"STAGED", "ACTIVATED", "SUSPENDED"}
	}
	return nil
}

// sourceByPath finds a catalog entry by path; dotted paths below a list
// or object entry (e.g. "attributes.costCenter", "addresses.0.locality")
// are accepted as strings.
func sourceByPath(path string) (SourceField, bool) {
	for _, f := range jumpCloudUserFields {
		if f.Path == path {
			return f, true
		}
	}
	for _, f := range jumpCloudUserFields {
		if (f.Type == SourceList || f.Type == SourceObject) && len(path) > len(f.Path)+1 && path[:len(f.Path)+1] == f.Path+"." {
			return SourceField{Label: path, Path: path, Type: SourceString}, true
		}
	}
	return SourceField{}, false
}
