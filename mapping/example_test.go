package mapping_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/jcoom/jcoom/mapping"
	"github.com/jcoom/jcoom/oomnitza"
	jcsync "github.com/jcoom/jcoom/sync"
)

func ExampleStandard() {
	schema := jcsync.SchemaFromFields(oomnitza.StandardUserFields()) // or jcsync.FetchSchema(ctx, oc.Users)
	schema.Add(mapping.TargetField{ExternalID: "jump_cloud_user_id", Label: "JumpCloud User Id", Unique: true})

	// Without a role the standard mapping is a draft.
	fmt.Println(mapping.Standard().Validate(schema))

	c, err := mapping.Standard().WithRole(25).Compile(schema)
	if err != nil {
		log.Fatal(err)
	}
	rec, err := c.Apply(mapping.Record{"_id": "65a1b2c3d4e5f60718293a4b", "email": " Ada@Example.com ",
		"firstname": "Ada", "lastname": "Lovelace", "displayname": "Ada Lovelace", "jobTitle": "CTO", "suspended": false})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec["username"], rec["email"], rec["position"], rec["role"], rec["jump_cloud_user_id"])
	// Output:
	// mapping "jumpcloud-users" is a draft: 1 problem(s)
	//   - role: no Oomnitza role is set; Oomnitza requires a role for every user (fix: set role to a role id of your instance (e.g. role: 25), or map a field to role)
	// ada@example.com ada@example.com CTO 25 65a1b2c3d4e5f60718293a4b
}

func ExampleLoad() {
	_, err := mapping.Load(strings.NewReader(`name: users
sync_keys: [email]
role: admin
fields:
  - {from: email, too: [username, email]}
`))
	fmt.Println(err)
	// Output:
	// mapping: 3:7: role: expected an Oomnitza role id (an integer), got the string "admin"
	// 5:19: fields[0].too: unknown key "too" (did you mean "to"?); expected one of from, fallback, value, expr, to, transform, default, required
}

func ExampleMapping_Validate() {
	m, _ := mapping.Load(strings.NewReader(`name: users
sync_keys: [jump_cloud_user_id]
role: 25
fields:
  - {from: _id, to: jump_cloud_user_id}
  - {from: email, to: [username, email]}
`))
	err := m.Validate(jcsync.SchemaFromFields(oomnitza.StandardUserFields()))
	fmt.Println(err)
	// Output:
	// mapping "users" is a draft: 2 problem(s)
	//   - 5:21: fields[0].to (_id -> jump_cloud_user_id): target field "jump_cloud_user_id" does not exist in Oomnitza (fix: in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "JumpCloud User Id" of type Short Text, with Unique checked (sync keys must be unique) whose external id is jump_cloud_user_id; Oomnitza's API cannot create fields)
	//   - 2:13: sync_keys[0] (jump_cloud_user_id): sync key "jump_cloud_user_id" does not exist in Oomnitza (fix: in Oomnitza, open Configuration > Data Model > People and add a custom field labelled "JumpCloud User Id" of type Short Text, with Unique checked (sync keys must be unique) whose external id is jump_cloud_user_id; Oomnitza's API cannot create fields)
}

func ExampleSuggest() {
	targets := append(jcsync.SchemaFromFields(oomnitza.StandardUserFields()).Fields(), mapping.TargetField{ExternalID: "jump_cloud_user_id", Label: "JumpCloud User Id", Unique: true})
	for _, s := range mapping.Suggest(mapping.JumpCloudUserFields(), targets)[:8] {
		fmt.Printf("%.2f %s -> %s\n", s.Score, s.Source.Label, s.Target.ExternalID)
	}
	// Output:
	// 1.00 ID -> jump_cloud_user_id
	// 1.00 Email -> email
	// 1.00 First Name -> first_name
	// 1.00 Last Name -> last_name
	// 1.00 Suspended -> suspended
	// 1.00 Username -> username
	// 0.90 Displayname -> full_name
	// 0.90 Email -> username
}

func ExampleCompiled_Apply() {
	m, err := mapping.Load(strings.NewReader(`name: extras
sync_keys: [email]
role: 25
fields:
  - {from: email, to: [username, email], transform: [trim, lower], required: true}
  - {from: attributes.costCenter, to: cost_center}
  - {from: state, to: status, transform: [{map: {table: {ACTIVATED: Active, SUSPENDED: Suspended}, default: Pending}}]}
  - {from: $sync.time, to: synced_at}
  - {from: $sync.credential, to: synced_with}
`))
	if err != nil {
		log.Fatal(err)
	}
	c, err := m.Compile(nil, mapping.WithRun(mapping.RunInfo{Time: time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC), Credential: "JumpCloud prod"}))
	if err != nil {
		log.Fatal(err)
	}
	rec, _ := c.Apply(mapping.Record{"email": "Ada@X.io", "state": "STAGED",
		"attributes": []any{map[string]any{"name": "costCenter", "value": "CC-42"}}})
	fmt.Println(rec["email"], rec["cost_center"], rec["status"], rec["synced_with"])
	// Output: ada@x.io CC-42 Pending JumpCloud prod
}
