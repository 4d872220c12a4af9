package presets_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/presets"
)

func TestRegistry(t *testing.T) {
	want := []string{"jumpcloud.create_user", "jumpcloud.delete_user", "jumpcloud.unlock_user", "jumpcloud.expire_password", "jumpcloud.user_role"}
	assert.Equal(t, want, presets.Names())
	require.Len(t, presets.All(), 5)
	for _, p := range presets.All() {
		got, ok := presets.Lookup(p.Name())
		require.True(t, ok)
		assert.Equal(t, p.Request(), got.Request())
		assert.NotEmpty(t, p.Description())
		assert.NotEmpty(t, p.Inputs())
		vars, err := p.Request().Variables()
		require.NoError(t, err)
		for _, v := range vars {
			assert.True(t, hasInput(p.Inputs(), v), "%s: {{%s}} is an input", p.Name(), v)
		}
	}
	unlock, _ := presets.Lookup(presets.NameUnlockUser)
	assert.Equal(t, "POST /api/systemusers/{{jump_cloud_user_id}}/unlock", unlock.Request().String())
	assert.Equal(t, []presets.Input{{Name: "jump_cloud_user_id", Field: "jump_cloud_user_id", Required: true}}, unlock.Inputs())
	del, _ := presets.Lookup(presets.NameDeleteUser)
	exp, _ := presets.Lookup(presets.NameExpirePassword)
	assert.True(t, del.ChecksIdentity() && exp.ChecksIdentity() && !unlock.ChecksIdentity())
	_, ok := presets.Lookup("jumpcloud.reboot")
	assert.False(t, ok)
	// The registry cannot be changed through what it returns.
	in := unlock.Inputs()
	in[0].Field = "x"
	again, _ := presets.Lookup(presets.NameUnlockUser)
	assert.Equal(t, "jump_cloud_user_id", again.Inputs()[0].Field)
}

func hasInput(ins []presets.Input, name string) bool {
	for _, in := range ins {
		if in.Name == name {
			return true
		}
	}
	return false
}

func TestRenderPathEscapes(t *testing.T) {
	tpl := presets.RequestTemplate{Method: "POST", Path: "/api/systemusers/{{jump_cloud_user_id}}/unlock"}
	for value, want := range map[string]string{
		"5f0c1b2a3d4e5f6a7b8c9d0e": "/api/systemusers/5f0c1b2a3d4e5f6a7b8c9d0e/unlock",
		"../../organizations":      "/api/systemusers/..%2F..%2Forganizations/unlock",
		"a?b#c":                    "/api/systemusers/a%3Fb%23c/unlock",
	} {
		got, err := tpl.RenderPath(map[string]string{"jump_cloud_user_id": value})
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	for _, value := range []string{"", ".", ".."} {
		_, err := tpl.RenderPath(map[string]string{"jump_cloud_user_id": value})
		require.ErrorIs(t, err, presets.ErrInvalidInput, value)
	}
	_, err := tpl.RenderPath(nil)
	assert.ErrorContains(t, err, "jump_cloud_user_id is missing")
	for _, bad := range []string{"/a/{{x", "/a/}}", "/a/{{}}", "/a/{{x y}}"} {
		_, err := presets.RequestTemplate{Path: bad}.RenderPath(map[string]string{"x": "1"})
		assert.Error(t, err, bad)
	}
}

// FuzzRenderPath: whatever the value, it fills exactly one path segment
// and reads back unchanged.
func FuzzRenderPath(f *testing.F) {
	for _, s := range []string{"5f0c1b2a3d4e5f6a7b8c9d0e", "../x", "a/b", "%2e%2e", "?x=1", "\x00", "ü", " "} {
		f.Add(s)
	}
	tpl := presets.RequestTemplate{Path: "/api/systemusers/{{id}}/expire"}
	f.Fuzz(func(t *testing.T, value string) {
		got, err := tpl.RenderPath(map[string]string{"id": value})
		if value == "" || value == "." || value == ".." {
			if err == nil {
				t.Fatalf("%q rendered", value)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		segs := strings.Split(got, "/")
		if len(segs) != 5 || segs[1] != "api" || segs[2] != "systemusers" || segs[4] != "expire" {
			t.Fatalf("%q escaped its segment: %q", value, got)
		}
		if segs[3] == "." || segs[3] == ".." || strings.ContainsAny(segs[3], "?#") {
			t.Fatalf("%q rendered as %q", value, segs[3])
		}
		back, err := url.PathUnescape(segs[3])
		if err != nil || back != value {
			t.Fatalf("%q read back as %q (%v)", value, back, err)
		}
		if u, err := url.Parse("https://console.jumpcloud.com" + got); err != nil || u.Path != "/api/systemusers/"+value+"/expire" {
			t.Fatalf("%q: the URL parses to %v (%v)", value, u, err)
		}
	})
}

// TestRequestsPerPreset pins how many requests each preset makes.
func TestRequestsPerPreset(t *testing.T) {
	e := newEnv(t, 6, envOpts{})
	u := nonManagers(e)[0]
	rec := recOf(e, u)
	e.jsrv.LockUser(u.ID)
	for _, p := range []string{presets.NameUnlockUser, presets.NameExpirePassword, presets.NameUserRole, presets.NameDeleteUser} {
		e.jsrv.ResetCalls()
		e.osrv.ResetCalls()
		_, err := presets.NewRunner(e.jc, e.oc).Run(t.Context(), p, rec)
		require.NoError(t, err)
		t.Logf("%-26s JumpCloud %v; Oomnitza %v", p, e.jsrv.Calls(), e.osrv.Calls())
		switch p {
		case presets.NameUnlockUser, presets.NameExpirePassword, presets.NameDeleteUser:
			assert.Equal(t, 2, total(e.jsrv.Calls()), "%s: GET + the write", p)
		case presets.NameUserRole:
			assert.Equal(t, 1, total(e.jsrv.Calls()), "%s: GET", p)
		}
	}
	newRec, err := e.osrv.AddRecord(oomnitza.Record{"username": "new@example.com", "email": "new@example.com", "first_name": "N", "last_name": "U", "role": 25})
	require.NoError(t, err)
	e.jsrv.ResetCalls()
	e.osrv.ResetCalls()
	_, err = presets.NewRunner(e.jc, e.oc).Run(t.Context(), presets.NameCreateUser, newRec)
	require.NoError(t, err)
	t.Logf("%-26s JumpCloud %v; Oomnitza %v", presets.NameCreateUser, e.jsrv.Calls(), e.osrv.Calls())
	assert.Equal(t, map[string]int{"GET /api/systemusers": 1, "POST /api/systemusers": 1}, e.jsrv.Calls())
	assert.Equal(t, map[string]int{"GET /api/v3/users/{ident}": 1, "PATCH /api/v3/users/{ident}": 1}, e.osrv.Calls())
}
