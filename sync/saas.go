package sync

import (
	"context"
	"fmt"
	"strings"

	"github.com/jcoom/jcoom/oomnitza"
)

// saasSetup finds or creates the SaaS application once, when the
// operations in range write SaaS users, and reads its users.
func (a *applier) saasSetup(ctx context.Context, as applySettings) error {
	need := false
	for i := as.from; i < as.to && !need; i++ {
		need = a.p.Ops[i].SaaS != nil
	}
	if !need {
		return nil
	}
	s := a.s
	name := a.p.SaaSName
	s.k.calls.add("GET /api/v3/saas", 1)
	app, created, err := s.oc.SaaS.Ensure(ctx, name)
	if err != nil {
		return fmt.Errorf("sync: finding or creating SaaS %q: %w", name, err)
	}
	if created {
		s.k.calls.add("POST /api/v3/saas", 1)
	}
	id := app.SaaSID
	a.saasID = id
	a.saasUsers = map[string]saasUser{}
	s.k.calls.add("GET /api/v3/saas/{id}/users", 1)
	for su, err := range s.oc.SaaS.Users(ctx, id) {
		if err != nil {
			return fmt.Errorf("sync: reading the users of SaaS %q: %w", name, err)
		}
		a.saasUsers[su.UserID] = saasUser{externalID: su.UserExternalID, role: su.Roles.RoleExternalID}
	}
	return nil
}

// saas writes what the user's SaaS-user record lacks; an up-to-date SaaS
// user costs no write.
func (a *applier) saas(ctx context.Context, op *Op, out *RecordOutcome) error {
	s := a.s
	uid := out.TargetID
	a.saasMu.Lock()
	cur, assigned := a.saasUsers[uid]
	a.saasMu.Unlock()
	var did []string
	if !assigned {
		s.k.calls.add("POST /api/v3/saas/{id}/users", 1)
		if err := s.oc.SaaS.AssignUsers(ctx, a.saasID, oomnitza.Assignment{UserID: uid, Assign: true}); err != nil {
			return fmt.Errorf("sync: assigning the user to SaaS %q: %w", a.p.SaaSName, err)
		}
		did = append(did, "assigned")
	}
	if cur.externalID != op.SaaS.ExternalID {
		s.k.calls.add("POST /api/v3/saas/{id}/users/{user_id}", 1)
		if err := s.oc.SaaS.SetUserExternalID(ctx, a.saasID, uid, op.SaaS.ExternalID); err != nil {
			return fmt.Errorf("sync: storing the JumpCloud id on the SaaS user: %w", err)
		}
		did = append(did, "external id "+op.SaaS.ExternalID)
	}
	if cur.role != op.SaaS.Role {
		s.k.calls.add("PATCH /api/v3/saas/{id}/roles/users", 1)
		if err := s.oc.SaaS.SetUserRoles(ctx, a.saasID, uid, oomnitza.RoleRef{ExternalID: op.SaaS.Role, Label: op.SaaS.Role}); err != nil {
			return fmt.Errorf("sync: setting the SaaS role: %w", err)
		}
		did = append(did, "role "+op.SaaS.Role)
	}
	a.saasMu.Lock()
	a.saasUsers[uid] = saasUser{externalID: op.SaaS.ExternalID, role: op.SaaS.Role}
	if len(did) > 0 {
		a.saasWritten++
	}
	a.saasMu.Unlock()
	out.SaaS = strings.Join(did, ", ")
	return nil
}
