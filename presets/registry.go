package presets

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The preset names, as Oomnitza's workflow blocks call them.
const (
	NameCreateUser     = "jumpcloud.create_user"
	NameDeleteUser     = "jumpcloud.delete_user"
	NameUnlockUser     = "jumpcloud.unlock_user"
	NameExpirePassword = "jumpcloud.expire_password"
	NameUserRole       = "jumpcloud.user_role"
)

// Input is one value a preset reads from the Oomnitza record.
type Input struct {
	// Name is the template variable, e.g. jump_cloud_user_id.
	Name string `json:"name"`
	// Field is the Oomnitza People field it is read from by default.
	Field string `json:"field"`
	// Required inputs must be present and well formed, or nothing is sent.
	Required bool `json:"required"`
}

// String renders the input as "name <- field (required)".
func (in Input) String() string {
	s := in.Name + " <- " + in.Field
	if in.Required {
		s += " (required)"
	}
	return s
}

// Preset describes one workflow action: its name, what it does, the
// inputs it reads and the request it makes. Presets are immutable.
type Preset struct {
	name        string
	description string
	inputs      []Input
	request     RequestTemplate
	// destructive presets check identity when run from a record.
	destructive bool
}

// Name returns the preset's name, e.g. jumpcloud.unlock_user.
func (p *Preset) Name() string { return p.name }

// Description says in one sentence what the preset does.
func (p *Preset) Description() string { return p.description }

// Inputs lists the values the preset reads from the Oomnitza record.
func (p *Preset) Inputs() []Input { return slices.Clone(p.inputs) }

// Request returns the template of the request the preset makes.
func (p *Preset) Request() RequestTemplate { return p.request }

// ChecksIdentity reports whether the preset refuses to act on a JumpCloud
// user who is not the record's person (Delete User, Expire Password).
func (p *Preset) ChecksIdentity() bool { return p.destructive }

// String renders the preset as its name.
func (p *Preset) String() string { return p.name }

var idInput = []Input{{Name: DefaultIDField, Field: DefaultIDField, Required: true}}

func registry() []*Preset {
	const user = "/api/systemusers/{{" + DefaultIDField + "}}"
	return []*Preset{
		{name: NameCreateUser, description: "Create a JumpCloud user from the Oomnitza record (linked, not duplicated, when the same username and email exist) and store its id on the record.",
			inputs: []Input{{"username", "username", true}, {"email", "email", true}, {"firstname", "first_name", true}, {"lastname", "last_name", true}},
			request: RequestTemplate{Method: http.MethodPost, Path: "/api/systemusers",
				Body: `{"username": "{{username}}", "email": "{{email}}", "firstname": "{{firstname}}", "lastname": "{{lastname}}", ...advanced-mode fields}`}},
		{name: NameDeleteUser, description: "Delete the JumpCloud user (checked to be the record's person; a user already gone is a no-op) and clear the id on the record.",
			inputs: idInput, request: RequestTemplate{Method: http.MethodDelete, Path: user}, destructive: true},
		{name: NameUnlockUser, description: "Unlock the JumpCloud user's account (a no-op when it is not locked).",
			inputs: idInput, request: RequestTemplate{Method: http.MethodPost, Path: user + "/unlock"}},
		{name: NameExpirePassword, description: "Expire the JumpCloud user's password (checked to be the record's person; a no-op when already expired).",
			inputs: idInput, request: RequestTemplate{Method: http.MethodPost, Path: user + "/expire"}, destructive: true},
		{name: NameUserRole, description: "Read the JumpCloud user's role (administrator role, else User) and store it as the user's SaaS role in Oomnitza.",
			inputs: idInput, request: RequestTemplate{Method: http.MethodGet, Path: user}},
	}
}

// All returns the five presets, in a fixed order.
func All() []*Preset { return registry() }

// Names returns the preset names, in the order of All.
func Names() []string {
	var out []string
	for _, p := range registry() {
		out = append(out, p.name)
	}
	return out
}

// Lookup returns the preset with this name.
func Lookup(name string) (*Preset, bool) {
	for _, p := range registry() {
		if p.name == name {
			return p, true
		}
	}
	return nil, false
}

// lookup is Lookup for the package's own names.
func lookup(name string) *Preset {
	p, _ := Lookup(name)
	return p
}

func unknownPreset(name string) error {
	return fmt.Errorf("%w %q; the presets are %s", ErrUnknownPreset, name, strings.Join(Names(), ", "))
}
