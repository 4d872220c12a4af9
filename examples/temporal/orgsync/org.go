package orgsync

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// OrgRef says which organisation to sync and where its credentials are.
// It travels in workflow inputs and so in Temporal's history: it holds
// references to secrets, never secrets.
type OrgRef struct {
	// Name identifies the organisation in schedules, stored blobs and
	// logs; letters, digits, '.', '_' and '-'.
	Name string `json:"name"`
	// OrgID is the JumpCloud organisation id sent as x-org-id (24 hex
	// characters); empty for a key of a single organisation.
	OrgID string `json:"jumpcloud_org_id,omitempty"`
	// JumpCloudURL is the API base URL; empty for JumpCloud's default.
	JumpCloudURL string `json:"jumpcloud_url,omitempty"`
	// JumpCloudKeyRef names the JumpCloud API key, e.g.
	// "env:JUMPCLOUD_API_KEY" or "file:/run/secrets/jumpcloud".
	JumpCloudKeyRef string `json:"jumpcloud_key_ref"`
	// OomnitzaURL is the Oomnitza instance, e.g.
	// https://acme.oomnitza.com.
	OomnitzaURL string `json:"oomnitza_url"`
	// OomnitzaTokenRef names the Oomnitza API token.
	OomnitzaTokenRef string `json:"oomnitza_token_ref"`
	// Mapping is "standard" (users), "standard-assets" (devices), or the
	// path of a mapping file on the worker (YAML or JSON).
	Mapping string `json:"mapping"`
	// Role is the Oomnitza role id given to created users; it completes
	// the standard users mapping, which is a draft without one.
	Role int `json:"role,omitempty"`
	// OpsPerChunk is how many plan operations one ApplyChunk activity
	// applies (1 to 10,000; 500 when 0).
	OpsPerChunk int `json:"ops_per_chunk,omitempty"`
}

var (
	namePattern  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	orgIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{24}$`)
	refPattern   = regexp.MustCompile(`^[a-z][a-z0-9+.-]{0,31}:\S+$`)
)

const (
	defaultOpsPerChunk = 500
	maxOpsPerChunk     = 10_000
)

// Validate checks the reference without any I/O; every problem is named
// with the field, the value (never a credential) and what was expected.
func (o OrgRef) Validate() error {
	var errs []error
	bad := func(field, value, want string) {
		errs = append(errs, fmt.Errorf("orgsync: %s %q: want %s", field, value, want))
	}
	if !namePattern.MatchString(o.Name) {
		bad("name", o.Name, "1 to 100 letters, digits, '.', '_' or '-'")
	}
	if o.OrgID != "" && !orgIDPattern.MatchString(o.OrgID) {
		bad("jumpcloud_org_id", o.OrgID, "a 24-character hex JumpCloud organisation id, or empty")
	}
	for _, f := range []struct{ name, ref string }{{"jumpcloud_key_ref", o.JumpCloudKeyRef}, {"oomnitza_token_ref", o.OomnitzaTokenRef}} {
		if !refPattern.MatchString(f.ref) {
			// The value may be a pasted secret: never echo it.
			errs = append(errs, fmt.Errorf("orgsync: %s (%d characters) is not a secret reference: want scheme:name such as env:NAME or file:/path, never the secret itself", f.name, len(f.ref)))
		}
	}
	for _, f := range []struct {
		name, u  string
		required bool
	}{{"jumpcloud_url", o.JumpCloudURL, false}, {"oomnitza_url", o.OomnitzaURL, true}} {
		if f.u == "" && !f.required {
			continue
		}
		u, err := url.Parse(f.u)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			bad(f.name, redactURL(f.u), "an http(s) URL with a host")
		case u.User != nil || u.RawQuery != "":
			bad(f.name, redactURL(f.u), "a URL without user info or query (credentials go in references)")
		}
	}
	if strings.TrimSpace(o.Mapping) == "" {
		bad("mapping", o.Mapping, `"standard", "standard-assets" or the path of a mapping file on the worker`)
	}
	if o.Role < 0 {
		bad("role", fmt.Sprint(o.Role), "an Oomnitza role id >= 0")
	}
	if o.OpsPerChunk < 0 || o.OpsPerChunk > maxOpsPerChunk {
		bad("ops_per_chunk", fmt.Sprint(o.OpsPerChunk), fmt.Sprintf("0 (for %d) to %d", defaultOpsPerChunk, maxOpsPerChunk))
	}
	return errors.Join(errs...)
}

// Key is the organisation's stable key: its JumpCloud org id, or its name
// for a single-organisation key.
func (o OrgRef) Key() string {
	if o.OrgID != "" {
		return strings.ToLower(o.OrgID)
	}
	return o.Name
}

func (o OrgRef) opsPerChunk() int {
	if o.OpsPerChunk == 0 {
		return defaultOpsPerChunk
	}
	return o.OpsPerChunk
}

// redactURL drops user info and the query, which may hold credentials.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}

// SecretSource turns a secret reference into the secret, on the worker.
type SecretSource interface {
	Secret(ctx context.Context, ref string) (string, error)
}

// SecretFunc adapts a function to SecretSource, e.g. for a vault client.
type SecretFunc func(ctx context.Context, ref string) (string, error)

// Secret calls f.
func (f SecretFunc) Secret(ctx context.Context, ref string) (string, error) { return f(ctx, ref) }

// EnvFileSecrets resolves "env:NAME" from the worker's environment and
// "file:PATH" from a file (surrounding white space trimmed), the form of
// Kubernetes and Docker secrets.
type EnvFileSecrets struct{}

// Secret resolves ref; an empty or missing secret is an error naming the
// reference.
func (EnvFileSecrets) Secret(_ context.Context, ref string) (string, error) {
	scheme, name, _ := strings.Cut(ref, ":")
	var v string
	switch scheme {
	case "env":
		v = os.Getenv(name)
	case "file":
		b, err := os.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("orgsync: secret %s: %w", ref, err)
		}
		v = string(b)
	default:
		return "", fmt.Errorf("orgsync: secret %s: unknown scheme %q: want \"env\" or \"file\"", ref, scheme)
	}
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("orgsync: secret %s is empty or not set", ref)
	}
	return v, nil
}
