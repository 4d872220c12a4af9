package mapping_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/jcoom/jcoom/mapping"
)

func pairs(sugs []mapping.Suggestion) map[string]mapping.Suggestion {
	out := map[string]mapping.Suggestion{}
	for _, s := range sugs {
		out[s.Source.Path+"->"+s.Target.ExternalID] = s
	}
	return out
}

func TestSuggestStandard(t *testing.T) {
	targets := append(standardTargets(), mapping.TargetField{ExternalID: mapping.JumpCloudIDField, Label: "JumpCloud User Id", Type: mapping.TypeString, Unique: true})
	sugs := mapping.Suggest(mapping.JumpCloudUserFields(), targets)
	got := pairs(sugs)
	for _, want := range []string{"email->email", "email->username", "firstname->first_name", "lastname->last_name",
		"jobTitle->position", "suspended->suspended", "displayname->full_name", "_id->jump_cloud_user_id"} {
		s, ok := got[want]
		if assert.True(t, ok, "missing %s", want) {
			assert.GreaterOrEqual(t, s.Score, 0.9, want)
			assert.NotEmpty(t, s.Reason)
		}
	}
	assert.Equal(t, "the JumpCloud user id goes to the unique field JumpCloud User Id; types fit (string -> string)", got["_id->jump_cloud_user_id"].Reason)
	assert.Equal(t, `"email" means "username"; types fit (string -> string)`, got["email->username"].Reason)
	for i := 1; i < len(sugs); i++ {
		assert.GreaterOrEqual(t, sugs[i-1].Score, sugs[i].Score, "ranked best first")
	}

	without := pairs(mapping.Suggest(mapping.JumpCloudUserFields(), standardTargets()))
	_, ok := without["_id->jump_cloud_user_id"]
	assert.False(t, ok, "no JumpCloud id suggestion when the field does not exist")
}

func TestSuggestNeverPairsIncompatibleTypes(t *testing.T) {
	targets := []mapping.TargetField{
		{ExternalID: "suspended", Label: "Suspended", Type: mapping.TypeDate},
		{ExternalID: "created", Label: "Created", Type: mapping.TypeBoolean},
		{ExternalID: "unix_uid", Label: "Unix UID", Type: mapping.TypeBoolean},
		{ExternalID: "jc_created", Label: "Created", Type: mapping.TypeDateTime},
	}
	got := pairs(mapping.Suggest(mapping.JumpCloudUserFields(), targets))
	for _, bad := range []string{"suspended->suspended", "created->created", "unix_uid->unix_uid"} {
		_, ok := got[bad]
		assert.False(t, ok, bad)
	}
	_, ok := got["created->jc_created"]
	assert.True(t, ok, "date to datetime by label")
}
