package jumpcloudtest

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"github.com/jcoom/jcoom/jumpcloud"
)

var (
	firstNames = []string{"Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara",
		"Ken", "Radia", "José", "Zoë", "Siobhán", "Chidi", "Aiko", "Mateus", "Priya", "Olúwadámiláre",
		"Björn", "Fatima", "Wei", "Noor", "Léa", "Kwame", "Anaïs", "Dmitri", "Ingrid", "Tomás", "Yuki",
		"Amara", "Hamza", "Elena", "Sven", "Isabel", "Ravi", "Mei", "Omar", "Freya", "Luca", "Nadia"}
	lastNames = []string{"Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie",
		"Liskov", "Thompson", "Perlman", "García", "O'Brien", "Nguyen", "Müller", "Okafor", "Tanaka",
		"Silva", "Patel", "Kowalski", "Haddad", "Chen", "Rahman", "Dubois", "Mensah", "Van der Berg",
		"Ivanov", "Lindqvist", "Fernández", "Sato", "Eze", "Kaya", "Rossi", "Andersen", "Moreau",
		"Iyer", "Wang", "Farouk", "Nielsen", "Bianchi", "Popescu"}
	departments = []string{"Engineering", "Sales", "Marketing", "Finance", "IT", "People", "Support",
		"Legal", "Operations", "Product", "Design", "Security"}
	titles = map[string][]string{
		"Engineering": {"Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager", "SRE"},
		"Sales":       {"Account Executive", "Sales Development Rep", "Sales Manager", "Solutions Engineer"},
		"Marketing":   {"Marketing Manager", "Content Strategist", "Growth Analyst"},
		"Finance":     {"Accountant", "Financial Analyst", "Controller"},
		"IT":          {"IT Administrator", "Helpdesk Technician", "IT Manager"},
		"People":      {"HR Business Partner", "Recruiter", "People Operations Lead"},
		"Support":     {"Support Specialist", "Support Team Lead"},
		"Legal":       {"Counsel", "Paralegal"},
		"Operations":  {"Operations Analyst", "Office Manager"},
		"Product":     {"Product Manager", "Product Owner"},
		"Design":      {"Product Designer", "UX Researcher"},
		"Security":    {"Security Engineer", "CISO"},
	}
	locations     = []string{"Berlin", "Boston", "Denver", "Lagos", "London", "São Paulo", "Singapore", "Tokyo", "Remote"}
	employeeTypes = []string{"Full-time", "Full-time", "Full-time", "Part-time", "Contractor", "Intern"}
	companies     = []string{"Acme Corp", "Acme Corp", "Acme Corp", "Acme Labs"}
)

// GenerateUsers is GenerateUsersAt(n, seed, time.Now()): users whose
// dates make sense today.
func GenerateUsers(n int, seed uint64) []*jumpcloud.User {
	return GenerateUsersAt(n, seed, time.Now())
}

// GenerateUsersAt returns n realistic, varied users as they stand at now,
// the same for the same seed and now: unique usernames and emails, names
// with accents and apostrophes, departments and titles, managers, custom
// attributes, a mix of states (mostly ACTIVATED, some STAGED and
// SUSPENDED), a few locked accounts (each with its lock date) and
// passwords on a 180-day rotation, about one in twenty past its
// expiration date and flagged expired. Users were created over the three
// years before now; ids are in creation order.
func GenerateUsersAt(n int, seed uint64, now time.Time) []*jumpcloud.User {
	genEpoch := now.UTC().Truncate(time.Second)
	rng := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))
	users := make([]*jumpcloud.User, 0, n)
	usedNames := map[string]int{}
	start := genEpoch.AddDate(-3, 0, 0)
	step := genEpoch.Sub(start) / time.Duration(max(n, 1))
	for i := range n {
		first := firstNames[rng.IntN(len(firstNames))]
		last := lastNames[rng.IntN(len(lastNames))]
		base := asciiFold(first) + "." + asciiFold(last)
		usedNames[base]++
		username := base
		if c := usedNames[base]; c > 1 {
			username = fmt.Sprintf("%s%d", base, c)
		}
		dept := departments[rng.IntN(len(departments))]
		created := start.Add(step*time.Duration(i) + time.Duration(rng.Int64N(int64(max(step, time.Second)))))
		u := &jumpcloud.User{
			ID:             fmt.Sprintf("%08x%016x", uint32(created.Unix()), rng.Uint64()),
			Username:       username,
			Email:          username + "@example.com",
			Firstname:      first,
			Lastname:       last,
			Displayname:    first + " " + last,
			Department:     dept,
			JobTitle:       titles[dept][rng.IntN(len(titles[dept]))],
			Company:        companies[rng.IntN(len(companies))],
			CostCenter:     fmt.Sprintf("CC-%03d", 100+rng.IntN(40)),
			EmployeeType:   employeeTypes[rng.IntN(len(employeeTypes))],
			Location:       locations[rng.IntN(len(locations))],
			Created:        jumpcloud.Timestamp{Time: created.Truncate(time.Millisecond)},
			Activated:      true,
			AllowPublicKey: true,
			State:          jumpcloud.StateActivated,
			Organization:   DefaultOrgID,
			UnixUID:        5000 + i,
			UnixGUID:       5000 + i,
			Attributes: []jumpcloud.Attribute{
				{Name: "employeeNumber", Value: fmt.Sprintf("E%06d", 1000+i)},
			},
			PasswordDate: jumpcloud.Timestamp{Time: created.Add(24 * time.Hour).Truncate(time.Millisecond)},
		}
		u.EmployeeIdentifier = fmt.Sprintf("EMP-%05d", 10000+i)
		if rng.IntN(3) == 0 {
			u.AlternateEmail = strings.ToLower(asciiFold(first)) + fmt.Sprintf(".%d@personal.example.org", i)
		}
		if rng.IntN(4) == 0 {
			u.PhoneNumbers = []jumpcloud.PhoneNumber{{Type: "work", Number: fmt.Sprintf("+1-555-%04d", rng.IntN(10000))}}
		}
		if rng.IntN(5) == 0 {
			u.Attributes = append(u.Attributes, jumpcloud.Attribute{Name: "badge", Value: fmt.Sprintf("B%04d", rng.IntN(10000))})
		}
		switch r := rng.IntN(100); {
		case r < 6:
			u.State, u.Activated, u.PasswordDate = jumpcloud.StateStaged, false, jumpcloud.Timestamp{}
		case r < 12:
			u.State, u.Suspended = jumpcloud.StateSuspended, true
		}
		if u.State == jumpcloud.StateActivated {
			// Passwords rotate every 180 days; about one in twenty is overdue.
			changed := genEpoch.Add(-time.Duration(rng.IntN(190*24)) * time.Hour)
			if changed.Before(created) {
				changed = created.Add(time.Hour)
			}
			u.PasswordDate = jumpcloud.Timestamp{Time: changed.Truncate(time.Millisecond)}
			exp := u.PasswordDate.AddDate(0, 0, 180)
			u.PasswordExpirationDate = jumpcloud.Timestamp{Time: exp}
			u.PasswordExpired = exp.Before(genEpoch)
			if rng.IntN(25) == 0 {
				u.AccountLocked = true
				u.AccountLockedDate = jumpcloud.Timestamp{Time: genEpoch.Add(-time.Duration(rng.IntN(72)) * time.Hour)}
				u.BadLoginAttempts = 5 + rng.IntN(5)
			}
		}
		// MFA and never-expiring passwords come from the id, not the random
		// stream, so that adding them changed no other generated value:
		// about four in five users have MFA configured, one in forty
		// active users has a password that never expires.
		h := fnv.New64a()
		h.Write([]byte(u.ID[8:])) // the random part: the same for a seed on any day
		mix := h.Sum64()
		u.MFA = &jumpcloud.MFA{Configured: u.State == jumpcloud.StateActivated && mix%5 != 0}
		u.TOTPEnabled = u.MFA.Configured
		if u.State == jumpcloud.StateActivated && mix/5%40 == 0 {
			u.PasswordNeverExpires, u.PasswordExpired, u.PasswordExpirationDate = true, false, jumpcloud.Timestamp{}
		}
		if i > 0 && rng.IntN(10) < 7 {
			// Managers come from the first tenth, as in a real org chart.
			u.Manager = users[rng.IntN(max(i/10, 1))].ID
		}
		users = append(users, u)
	}
	return users
}

// accents maps the accented letters of the name lists to ASCII.
var accents = map[rune]rune{'é': 'e', 'ë': 'e', 'á': 'a', 'ã': 'a', 'í': 'i', 'ï': 'i', 'ö': 'o', 'ü': 'u', 'ú': 'u', 'ó': 'o'}

// asciiFold lower-cases and strips accents and non-letters: "Zoë O'Brien" -> "zoeobrien".
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if a, ok := accents[r]; ok {
			r = a
		}
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
