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

// JumpCloudSystemFields returns the source catalog of the assets kind:
// every field of the JumpCloud system object, then the System Insights
// tables a sync joins to each system. A table with one row per system
// (system_info, os_version, chassis_info, battery) is an object, e.g.
// system_info.hardware_model; disk_info, one row per disk, is a list
// (disk_info.0.disk_size). A system without System Insights data has none
// of them. The slice is the caller's to keep or change.
func JumpCloudSystemFields() []SourceField {
	return append([]SourceField(nil), jumpCloudSystemFields...)
}

var jumpCloudSystemFields = []SourceField{
	src("ID", "_id", SourceString, false),
	src("Active", "active", SourceBool, false),
	src("Agent Has Full Disk Access", "agentHasFullDiskAccess", SourceBool, false),
	src("Agent Version", "agentVersion", SourceString, false),
	src("Allow Multi-Factor Authentication", "allowMultiFactorAuthentication", SourceBool, false),
	src("Allow Public Key Authentication", "allowPublicKeyAuthentication", SourceBool, false),
	src("Allow SSH Password Authentication", "allowSshPasswordAuthentication", SourceBool, false),
	src("Allow SSH Root Login", "allowSshRootLogin", SourceBool, false),
	src("Amazon Instance ID", "amazonInstanceID", SourceString, false),
	src("Architecture", "arch", SourceString, false),
	src("Architecture Family", "archFamily", SourceString, false),
	src("Attributes", "attributes", SourceList, false),
	src("Azure AD Joined", "azureAdJoined", SourceBool, false),
	src("Built-in Commands", "builtInCommands", SourceList, false),
	src("Connection History", "connectionHistory", SourceList, false),
	src("Created", "created", SourceDate, false),
	src("Description", "description", SourceString, false),
	src("Desktop Capable", "desktopCapable", SourceBool, false),
	src("Display Manager", "displayManager", SourceString, false),
	src("Display Name", "displayName", SourceString, false),
	src("Domain Info", "domainInfo", SourceObject, false),
	src("Full Disk Encryption", "fde", SourceObject, false),
	src("Full Disk Encryption Active", "fde.active", SourceBool, false),
	src("File System", "fileSystem", SourceString, false),
	src("Has Service Account", "hasServiceAccount", SourceBool, false),
	src("Hostname", "hostname", SourceString, false),
	src("Hardware Vendor", "hwVendor", SourceString, false),
	src("Is Policy Bound", "isPolicyBound", SourceBool, false),
	src("Last Contact", "lastContact", SourceDate, false),
	src("MDM", "mdm", SourceObject, false),
	src("MDM Vendor", "mdm.vendor", SourceString, false),
	src("Modify SSHD Config", "modifySSHDConfig", SourceBool, false),
	src("Network Interfaces", "networkInterfaces", SourceList, false),
	src("Organization", "organization", SourceString, false),
	src("OS", "os", SourceString, false),
	src("OS Family", "osFamily", SourceString, false),
	src("OS Version Detail", "osVersionDetail", SourceObject, false),
	src("Policy Stats", "policyStats", SourceObject, false),
	src("Primary System User", "primarySystemUser", SourceObject, false),
	src("Primary System User ID", "primarySystemUser.id", SourceString, false),
	src("Provision Metadata", "provisionMetadata", SourceObject, false),
	src("Remote Assist Agent Version", "remoteAssistAgentVersion", SourceString, false),
	src("Remote IP", "remoteIP", SourceString, false),
	src("Secure Login", "secureLogin", SourceObject, false),
	src("Serial Number", "serialNumber", SourceString, false),
	src("Service Account State", "serviceAccountState", SourceObject, false),
	src("SSH Root Enabled", "sshRootEnabled", SourceBool, false),
	src("SSHD Params", "sshdParams", SourceList, false),
	src("System Insights", "systemInsights", SourceObject, false),
	src("System Insights State", "systemInsights.state", SourceString, false),
	src("System Timezone", "systemTimezone", SourceInt, false),
	src("Tags", "tags", SourceList, false),
	src("Template Name", "templateName", SourceString, false),
	src("User Metrics", "userMetrics", SourceList, false),
	src("Version", "version", SourceString, false),

	src("System Info", "system_info", SourceObject, false),
	src("Hardware Serial", "system_info.hardware_serial", SourceString, false),
	src("Hardware Vendor (System Insights)", "system_info.hardware_vendor", SourceString, false),
	src("Hardware Model", "system_info.hardware_model", SourceString, false),
	src("Hardware Version", "system_info.hardware_version", SourceString, false),
	src("CPU Brand", "system_info.cpu_brand", SourceString, false),
	src("CPU Type", "system_info.cpu_type", SourceString, false),
	src("CPU Physical Cores", "system_info.cpu_physical_cores", SourceInt, false),
	src("CPU Logical Cores", "system_info.cpu_logical_cores", SourceInt, false),
	src("Physical Memory", "system_info.physical_memory", SourceString, false),
	src("Computer Name", "system_info.computer_name", SourceString, false),
	src("Hardware UUID", "system_info.uuid", SourceString, false),
	src("OS Version", "os_version", SourceObject, false),
	src("OS Name", "os_version.name", SourceString, false),
	src("OS Version Number", "os_version.version", SourceString, false),
	src("OS Build", "os_version.build", SourceString, false),
	src("OS Platform", "os_version.platform", SourceString, false),
	src("OS Codename", "os_version.codename", SourceString, false),
	src("OS Install Date", "os_version.install_date", SourceString, false),
	src("Chassis Info", "chassis_info", SourceObject, false),
	src("Chassis Types", "chassis_info.chassis_types", SourceString, false),
	src("Chassis Manufacturer", "chassis_info.manufacturer", SourceString, false),
	src("Chassis Model", "chassis_info.model", SourceString, false),
	src("Chassis Serial", "chassis_info.serial", SourceString, false),
	src("Disks", "disk_info", SourceList, false),
	src("Battery", "battery", SourceObject, false),
	src("Battery Health", "battery.health", SourceString, false),
	src("Battery Condition", "battery.condition", SourceString, false),
	src("Battery Cycle Count", "battery.cycle_count", SourceInt, false),
	src("Battery Max Capacity", "battery.max_capacity", SourceInt, false),
	src("Battery Designed Capacity", "battery.designed_capacity", SourceInt, false),
}

// catalog returns the source fields of a kind.
func catalog(k Kind) []SourceField {
	if k == KindAssets {
		return jumpCloudSystemFields
	}
	return jumpCloudUserFields
}

// sourcePaths lists a kind's catalog paths, for did-you-mean hints.
func sourcePaths(k Kind) []string {
	fields := catalog(k)
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}

// sourceEnum returns the only values a source field takes, when JumpCloud
// documents them.
func sourceEnum(path string) []string {
	switch path {
	case "state":
		return []string{"STAGED", "ACTIVATED", "SUSPENDED"}
	case "systemInsights.state":
		return []string{"enabled", "disabled", "deferred"}
	}
	return nil
}

// sourceByPath finds a catalog entry of a kind by path; dotted paths below
// a list or object entry (e.g. "attributes.costCenter",
// "addresses.0.locality", "disk_info.0.disk_size") are accepted as
// strings. The run facts ($sync.time, $sync.credential) belong to both.
func sourceByPath(k Kind, path string) (SourceField, bool) {
	fields := catalog(k)
	for _, extra := range [][]SourceField{fields, runFields} {
		for _, f := range extra {
			if f.Path == path {
				return f, true
			}
		}
	}
	for _, f := range fields {
		if (f.Type == SourceList || f.Type == SourceObject) && len(path) > len(f.Path)+1 && path[:len(f.Path)+1] == f.Path+"." {
			return SourceField{Label: path, Path: path, Type: SourceString}, true
		}
	}
	return SourceField{}, false
}

// runFields are the facts of a run, sources for every kind.
var runFields = []SourceField{
	src("Connect: Credentials", SourceSyncCredential, SourceString, true),
	src("Connector Sync Time", SourceSyncTime, SourceDate, true),
}
