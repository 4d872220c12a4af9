package jumpcloud

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/jcoom/jcoom/internal/jsonobj"
)

// System is a JumpCloud device (the v1 system object) with every field of
// both spec versions: the 2022 "system" and the 2026 "JcSystem", which adds
// hwVendor, primarySystemUser, archFamily and others and drops tags.
// Fields the SDK does not know are kept in Extra, so mappings can reach
// them and a JSON round trip loses nothing.
type System struct {
	ID                             string               `json:"_id"`
	Active                         bool                 `json:"active"`
	AgentHasFullDiskAccess         bool                 `json:"agentHasFullDiskAccess"`
	AgentVersion                   string               `json:"agentVersion"`
	AllowMultiFactorAuthentication bool                 `json:"allowMultiFactorAuthentication"`
	AllowPublicKeyAuthentication   bool                 `json:"allowPublicKeyAuthentication"`
	AllowSSHPasswordAuthentication bool                 `json:"allowSshPasswordAuthentication"`
	AllowSSHRootLogin              bool                 `json:"allowSshRootLogin"`
	AmazonInstanceID               string               `json:"amazonInstanceID"`
	Arch                           string               `json:"arch"`
	ArchFamily                     string               `json:"archFamily"`
	Attributes                     []Attribute          `json:"attributes"`
	AzureADJoined                  bool                 `json:"azureAdJoined"`
	BuiltInCommands                []BuiltInCommand     `json:"builtInCommands"`
	ConnectionHistory              []map[string]any     `json:"connectionHistory"`
	Created                        Timestamp            `json:"created"`
	Description                    string               `json:"description"`
	DesktopCapable                 bool                 `json:"desktopCapable"`
	DisplayManager                 string               `json:"displayManager"`
	DisplayName                    string               `json:"displayName"`
	DomainInfo                     *DomainInfo          `json:"domainInfo"`
	FDE                            *FDE                 `json:"fde"`
	FileSystem                     string               `json:"fileSystem"`
	HasServiceAccount              bool                 `json:"hasServiceAccount"`
	Hostname                       string               `json:"hostname"`
	HWVendor                       string               `json:"hwVendor"`
	IsPolicyBound                  bool                 `json:"isPolicyBound"`
	LastContact                    Timestamp            `json:"lastContact"`
	MDM                            *MDM                 `json:"mdm"`
	ModifySSHDConfig               bool                 `json:"modifySSHDConfig"`
	NetworkInterfaces              []NetworkInterface   `json:"networkInterfaces"`
	Organization                   string               `json:"organization"`
	OS                             string               `json:"os"`
	OSFamily                       string               `json:"osFamily"`
	OSVersionDetail                *OSVersionDetail     `json:"osVersionDetail"`
	PolicyStats                    *PolicyStats         `json:"policyStats"`
	PrimarySystemUser              *PrimarySystemUser   `json:"primarySystemUser"`
	ProvisionMetadata              *ProvisionMetadata   `json:"provisionMetadata"`
	RemoteAssistAgentVersion       string               `json:"remoteAssistAgentVersion"`
	RemoteIP                       string               `json:"remoteIP"`
	SecureLogin                    *SecureLogin         `json:"secureLogin"`
	SerialNumber                   string               `json:"serialNumber"`
	ServiceAccountState            *ServiceAccountState `json:"serviceAccountState"`
	SSHRootEnabled                 bool                 `json:"sshRootEnabled"`
	SSHDParams                     []SSHDParam          `json:"sshdParams"`
	SystemInsights                 *SystemInsightsState `json:"systemInsights"`
	SystemTimezone                 int                  `json:"systemTimezone"`
	Tags                           []string             `json:"tags"`
	TemplateName                   string               `json:"templateName"`
	UserMetrics                    []UserMetric         `json:"userMetrics"`
	Version                        string               `json:"version"`

	// Extra holds fields that this version of the SDK does not model.
	Extra map[string]json.RawMessage `json:"-"`

	// raw is the system exactly as the API sent it.
	raw []byte
}

// BuiltInCommand is a device action the system supports (erase, lock,
// restart, shutdown).
type BuiltInCommand struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// DomainInfo says whether the system is joined to a domain.
type DomainInfo struct {
	DomainName   string `json:"domainName"`
	PartOfDomain bool   `json:"partOfDomain"`
}

// FDE is the state of full disk encryption.
type FDE struct {
	Active     bool `json:"active"`
	KeyPresent bool `json:"keyPresent"`
}

// MDM is the system's mobile device management enrolment.
type MDM struct {
	DEP               bool        `json:"dep"`
	LostModeStatus    string      `json:"lostModeStatus,omitempty"`
	ProfileIdentifier string      `json:"profileIdentifier,omitempty"`
	ProviderID        string      `json:"providerId,omitempty"`
	UserApproved      bool        `json:"userApproved"`
	Vendor            string      `json:"vendor,omitempty"`
	Windows           *MDMWindows `json:"windows,omitempty"`
}

// MDMWindows holds the Windows MDM enrolment.
type MDMWindows struct {
	UPN string `json:"upn"`
}

// NetworkInterface is one address of the system.
type NetworkInterface struct {
	Address  string `json:"address"`
	Family   string `json:"family"` // IPv4 or IPv6
	Internal bool   `json:"internal"`
	Name     string `json:"name"`
}

// OSVersionDetail breaks the operating system version down.
type OSVersionDetail struct {
	DistributionName string `json:"distributionName,omitempty"`
	Major            string `json:"major,omitempty"`
	MajorNumber      int    `json:"majorNumber,omitempty"`
	Minor            string `json:"minor,omitempty"`
	MinorNumber      int    `json:"minorNumber,omitempty"`
	OSName           string `json:"osName,omitempty"`
	Patch            string `json:"patch,omitempty"`
	PatchNumber      int    `json:"patchNumber,omitempty"`
	ReleaseName      string `json:"releaseName,omitempty"`
	Revision         string `json:"revision,omitempty"`
	Version          string `json:"version,omitempty"`
}

// PolicyStats counts the policy results of the system.
type PolicyStats struct {
	Duplicate     int `json:"duplicate"`
	Failed        int `json:"failed"`
	Pending       int `json:"pending"`
	Success       int `json:"success"`
	Total         int `json:"total"`
	UnsupportedOS int `json:"unsupportedOs"`
}

// PrimarySystemUser is the user the system is bound to as its primary
// user (2026 spec).
type PrimarySystemUser struct {
	ID string `json:"id"`
}

// ProvisionMetadata says how the system was provisioned.
type ProvisionMetadata struct {
	Provisioner *Provisioner `json:"provisioner,omitempty"`
}

// Provisioner names what provisioned a system.
type Provisioner struct {
	ProvisionerID string `json:"provisionerId"`
	Type          string `json:"type"`
}

// SecureLogin is the state of secure login on the system.
type SecureLogin struct {
	Enabled   bool `json:"enabled"`
	Supported bool `json:"supported"`
}

// ServiceAccountState is the state of the macOS service account.
type ServiceAccountState struct {
	HasSecureToken    bool `json:"hasSecureToken"`
	PasswordAPFSValid bool `json:"passwordAPFSValid"`
	PasswordODValid   bool `json:"passwordODValid"`
}

// SSHDParam is one sshd setting.
type SSHDParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SystemInsightsState says whether System Insights collects data from the
// system: enabled, disabled or deferred.
type SystemInsightsState struct {
	State string `json:"state"`
}

// UserMetric is one local account of the system.
type UserMetric struct {
	UserName           string `json:"userName"`
	Admin              bool   `json:"admin"`
	Managed            bool   `json:"managed"`
	Suspended          bool   `json:"suspended"`
	SecureTokenEnabled bool   `json:"secureTokenEnabled"`
}

// PrimaryUserID returns the id of the system's primary user, "" when the
// system has none (or the tenant's API predates the field).
func (s *System) PrimaryUserID() string {
	if s.PrimarySystemUser == nil {
		return ""
	}
	return s.PrimarySystemUser.ID
}

type systemAlias System

var systemFieldNames = sync.OnceValue(func() map[string]bool { return jsonobj.FieldNames(reflect.TypeFor[System]()) })

// UnmarshalJSON decodes a system and keeps unknown fields in Extra.
func (s *System) UnmarshalJSON(b []byte) error {
	var a systemAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("jumpcloud: decoding system: %w", err)
	}
	raw := append([]byte(nil), b...)
	extra, err := jsonobj.Unknown(raw, systemFieldNames())
	if err != nil {
		return fmt.Errorf("jumpcloud: decoding system: %w", err)
	}
	a.Extra, a.raw = extra, raw
	*s = System(a)
	return nil
}

// MarshalJSON encodes the system with Extra's fields inlined.
func (s System) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(systemAlias(s))
	if err != nil || len(s.Extra) == 0 {
		return b, err
	}
	return jsonobj.Merge(b, s.Extra, systemFieldNames())
}

// Raw returns the system's JSON exactly as the API sent it, or nil for a
// System built in code. The slice is a copy.
func (s *System) Raw() json.RawMessage {
	if s.raw == nil {
		return nil
	}
	return append(json.RawMessage(nil), s.raw...)
}

// Record returns the system as a generic record (what a mapping reads),
// as User.Record does for users.
func (s *System) Record() (map[string]any, error) {
	b := s.raw
	if b == nil {
		var err error
		if b, err = json.Marshal(s); err != nil {
			return nil, fmt.Errorf("jumpcloud: system %s as a record: %w", s.ID, err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("jumpcloud: system %s as a record: %w", s.ID, err)
	}
	return m, nil
}
