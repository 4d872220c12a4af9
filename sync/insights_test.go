package sync_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/jumpcloud"
	"github.com/jcoom/jcoom/jumpcloud/jumpcloudtest"
	"github.com/jcoom/jcoom/presets"
	jcsync "github.com/jcoom/jcoom/sync"
)

// expectedFindings computes, from the typed users and independently of
// presets.Suggest, which JumpCloud users carry each finding at now.
func expectedFindings(users []*jumpcloud.User, now time.Time, expiringDays, activationDays int) map[presets.Finding]map[string]bool {
	want := map[presets.Finding]map[string]bool{}
	mark := func(f presets.Finding, id string) {
		if want[f] == nil {
			want[f] = map[string]bool{}
		}
		want[f][id] = true
	}
	for _, u := range users {
		suspended := u.Suspended || u.State == jumpcloud.StateSuspended
		exp := u.PasswordExpirationDate.Time
		hasExp := !exp.IsZero()
		if u.AccountLocked {
			mark(presets.FindingLocked, u.ID)
		}
		switch {
		case u.PasswordExpired:
			mark(presets.FindingPasswordExpired, u.ID)
		case !suspended && !u.PasswordNeverExpires && hasExp && !exp.After(now):
			mark(presets.FindingPasswordExpired, u.ID)
		case !suspended && !u.PasswordNeverExpires && hasExp && !exp.After(now.AddDate(0, 0, expiringDays)):
			mark(presets.FindingPasswordExpiring, u.ID)
		}
		if !suspended && u.PasswordNeverExpires {
			mark(presets.FindingPasswordNeverExpires, u.ID)
		}
		if (u.State == jumpcloud.StateStaged || !u.Activated) && (u.Created.IsZero() || now.Sub(u.Created.Time) > time.Duration(activationDays)*24*time.Hour) {
			mark(presets.FindingNeverActivated, u.ID)
		}
		mfaOK := u.MFA != nil && (u.MFA.Configured || u.MFA.Exclusion && (u.MFA.ExclusionUntil.IsZero() || u.MFA.ExclusionUntil.After(now)))
		if !suspended && u.State != jumpcloud.StateStaged && !mfaOK {
			mark(presets.FindingMFANotConfigured, u.ID)
		}
		if u.Admin != nil && (u.Admin.RoleName != "" || len(u.Admin.RoleNames) > 0) {
			mark(presets.FindingAdmin, u.ID)
		}
	}
	return want
}

func idsOf(fr *jcsync.FindingReport) map[string]bool {
	out := map[string]bool{}
	for _, u := range fr.Users {
		out[u.JumpCloudID] = true
	}
	return out
}

func TestInsightsFindings(t *testing.T) {
	w := newWorld(t, 600, worldOpts{})
	users := w.jsrv.Users()
	w.jsrv.AddAdmin(&jumpcloud.Admin{Email: users[5].Email, Firstname: "A", Lastname: "B", RoleName: "Help Desk"})
	w.jsrv.AddAdmin(&jumpcloud.Admin{Email: users[9].Email, Firstname: "C", Lastname: "D", RoleName: "Administrator"})

	rep, err := jcsync.Insights(t.Context(), w.jc, jcsync.InsightsAt(syncNow))
	require.NoError(t, err)
	assert.Equal(t, 600, rep.JumpCloudRead)
	assert.True(t, rep.JumpCloudComplete)
	want := expectedFindings(w.jsrv.Users(), syncNow, 14, 7)
	for _, fi := range presets.Findings() {
		fr := rep.Finding(fi.Finding)
		switch fi.Finding {
		case presets.FindingSuspendedButActive, presets.FindingGoneFromJumpCloud, presets.FindingMissingFromOomnitza:
			assert.Nil(t, fr, "%s needs Oomnitza", fi.Finding)
			continue
		}
		require.NotNil(t, fr, fi.Finding)
		assert.Equal(t, len(fr.Users), fr.Count)
		assert.Equal(t, want[fi.Finding], idsOf(fr), "%s", fi.Finding)
		assert.NotEmpty(t, fr.Users, "%s: the generated tenant has some", fi.Finding)
		assert.Equal(t, fi.Preset, fr.Preset)
	}
	for _, fr := range rep.Findings {
		t.Logf("%-30s %d", fr.Finding, fr.Count)
	}
	// A user can carry several findings; a user with none is absent.
	per := map[string]int{}
	for _, fr := range rep.Findings {
		for _, u := range fr.Users {
			per[u.JumpCloudID]++
		}
	}
	assert.Greater(t, slices.Max(slices.Collect(maps.Values(per))), 1)
	clean := 0
	for _, u := range w.jsrv.Users() {
		has := false
		for _, set := range want {
			has = has || set[u.ID]
		}
		if !has {
			clean++
			assert.Zero(t, per[u.ID], "%s has no finding", u.Username)
		}
	}
	assert.Positive(t, clean)

	// Locked accounts carry their age and evidence.
	locked := rep.Finding(presets.FindingLocked)
	assert.Contains(t, locked.Users[0].Detail, "locked for")
	assert.Equal(t, "account_locked", locked.Users[0].Evidence[0].Field)

	// The windows move the sets.
	wide, err := jcsync.Insights(t.Context(), w.jc, jcsync.InsightsAt(syncNow), jcsync.ExpiringDays(60), jcsync.ActivationDays(3650))
	require.NoError(t, err)
	want = expectedFindings(w.jsrv.Users(), syncNow, 60, 3650)
	assert.Equal(t, want[presets.FindingPasswordExpiring], idsOf(wide.Finding(presets.FindingPasswordExpiring)))
	assert.Greater(t, wide.Finding(presets.FindingPasswordExpiring).Count, rep.Finding(presets.FindingPasswordExpiring).Count)
	assert.Equal(t, len(want[presets.FindingNeverActivated]), wide.Finding(presets.FindingNeverActivated).Count)

	_, err = jcsync.Insights(t.Context(), w.jc, jcsync.ExpiringDays(0))
	assert.ErrorContains(t, err, "ExpiringDays(0)")
}

func TestInsightsJoinedWithOomnitza(t *testing.T) {
	w := newWorld(t, 300, worldOpts{})
	_, err := w.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	users := w.jsrv.Users()
	ctx := t.Context()
	// Three leave JumpCloud, four join it, two are suspended in JumpCloud
	// only; no sync runs since.
	gone := map[string]bool{}
	for _, u := range users {
		if len(gone) == 3 {
			break
		}
		if u.Suspended {
			continue // suspended in Oomnitza too: no longer counts there
		}
		if _, err := w.jc.Users.Delete(ctx, u.ID, &jumpcloud.DeleteOptions{CascadeManager: true}); err == nil {
			gone[u.ID] = true
		}
	}
	joined := map[string]bool{}
	for _, name := range []string{"nina", "omar", "pia", "quinn"} {
		u, err := w.jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: name, Email: name + "@example.com", Firstname: name, Lastname: "New"})
		require.NoError(t, err)
		joined[u.ID] = true
	}
	// A recycled email: one more leaves, and a newcomer gets the address.
	// The newcomer is not joined to the leaver's record (a preset run from
	// it would act on the leaver), and the leaver is gone.
	var recycled *jumpcloud.User
	for _, u := range users[20:] {
		if !u.Suspended {
			_, err := w.jc.Users.Delete(ctx, u.ID, &jumpcloud.DeleteOptions{CascadeManager: true})
			require.NoError(t, err)
			gone[u.ID] = true
			recycled, err = w.jc.Users.Create(ctx, &jumpcloud.UserCreateRequest{Username: "newcomer", Email: u.Email, Firstname: "New", Lastname: "Comer"})
			require.NoError(t, err)
			w.jsrv.LockUser(recycled.ID)
			break
		}
	}
	suspended := map[string]bool{}
	for _, u := range users[50:] {
		if len(suspended) == 2 {
			break
		}
		if !u.Suspended {
			_, err := w.jc.Users.Update(ctx, u.ID, &jumpcloud.UserUpdateRequest{Suspended: jumpcloud.Ptr(true)})
			require.NoError(t, err)
			suspended[u.ID] = true
		}
	}
	before := writes(w.osrv.Calls())

	rep, err := jcsync.Insights(ctx, w.jc, jcsync.InsightsAt(syncNow), jcsync.JoinOomnitza(w.oc, standardNoRole()))
	require.NoError(t, err, "the mapping's missing role does not matter: insights write nothing")
	assert.Equal(t, before, writes(w.osrv.Calls()), "insights write nothing")
	assert.Equal(t, 300, rep.OomnitzaRead)
	assert.Equal(t, joined, idsOf(rep.Finding(presets.FindingMissingFromOomnitza)))
	assert.Equal(t, suspended, idsOf(rep.Finding(presets.FindingSuspendedButActive)))
	goneRep := rep.Finding(presets.FindingGoneFromJumpCloud)
	assert.Equal(t, gone, idsOf(goneRep))
	for _, u := range goneRep.Users {
		assert.NotEmpty(t, u.OomnitzaUserID)
		assert.NotEmpty(t, u.Username)
	}
	assert.Equal(t, presets.NameCreateUser, goneRep.Preset)
	// Joined findings name the Oomnitza record, so a preset can run from it.
	for _, u := range rep.Finding(presets.FindingLocked).Users {
		if u.JumpCloudID == recycled.ID {
			assert.Empty(t, u.OomnitzaUserID, "the recycled email's record belongs to the leaver")
			continue
		}
		require.NotEmpty(t, u.OomnitzaUserID, u.Username)
		rec, ok := w.osrv.User(u.OomnitzaUserID)
		require.True(t, ok)
		assert.Equal(t, u.JumpCloudID, rec.CustomString("jump_cloud_user_id"))
	}

	// The three encodings.
	b, err := rep.JSON()
	require.NoError(t, err)
	var back jcsync.InsightsReport
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rep.Finding(presets.FindingLocked).Count, back.Finding(presets.FindingLocked).Count)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	total := 0
	for _, fr := range rep.Findings {
		total += fr.Count
	}
	assert.Len(t, rows, total+1)
	assert.Equal(t, []string{"finding", "preset", "jumpcloud_id", "username", "email", "oomnitza_user_id", "detail", "evidence"}, rows[0])
	s := rep.Summary()
	assert.Contains(t, s, "Locked accounts")
	assert.Contains(t, s, "fix: jumpcloud.unlock_user")
	assert.Contains(t, s, "Gone from JumpCloud, still in Oomnitza")
}

// TestInsightsIncompleteRead: what was read is reported, and nothing is
// concluded from what is missing.
func TestInsightsIncompleteRead(t *testing.T) {
	w := newWorld(t, 250, worldOpts{jo: []jumpcloud.Option{jumpcloud.WithRetries(1)}})
	_, err := w.syncer(t, standard()).Run(t.Context())
	require.NoError(t, err)
	script := []jumpcloudtest.Fault{jumpcloudtest.FaultNone}
	for range 10 {
		script = append(script, jumpcloudtest.Fault503)
	}
	require.NoError(t, w.jsrv.Inject("GET /api/systemusers", script...))
	rep, err := jcsync.Insights(t.Context(), w.jc, jcsync.InsightsAt(syncNow), jcsync.JoinOomnitza(w.oc, standard()))
	require.ErrorIs(t, err, jcsync.ErrIncompleteRead)
	require.NotNil(t, rep)
	assert.False(t, rep.JumpCloudComplete)
	assert.Zero(t, rep.Finding(presets.FindingGoneFromJumpCloud).Count, "nothing is gone on an incomplete read")
	assert.Contains(t, rep.Summary(), "INCOMPLETE")
}
