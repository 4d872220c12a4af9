package mapping

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Suggestion is a proposed source -> target pair.
type Suggestion struct {
	Source SourceField
	Target TargetField
	// Score is between 0 and 1; higher is more likely.
	Score float64
	// Reason explains the score.
	Reason string
}

// synonyms maps a normalised source name to target names it means.
var synonyms = map[string][]string{
	"id":          {"jumpcloud user id", "jump cloud user id", "jumpcloud id"},
	"email":       {"username", "user name", "login"},
	"firstname":   {"first name", "given name"},
	"lastname":    {"last name", "surname", "family name"},
	"displayname": {"full name", "display name", "name"},
	"job title":   {"position", "title"},
	"suspended":   {"suspended", "disabled"},
	"phone":       {"phone number", "telephone"},
	"manager":     {"manager", "supervisor", "reports to"},
	"department":  {"department", "division"},
	"location":    {"location", "office"},
}

// tokens splits camelCase, snake_case and labels into lower-case words.
func tokens(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])):
			flush()
			cur = append(cur, unicode.ToLower(r))
		default:
			cur = append(cur, unicode.ToLower(r))
		}
	}
	flush()
	return out
}

func norm(s string) string { return strings.Join(tokens(s), " ") }

func squash(s string) string { return strings.ReplaceAll(norm(s), " ", "") }

// similarity compares two names: 1 for the same words, else the share of
// common words (Jaccard).
func similarity(a, b string) float64 {
	if squash(a) == squash(b) && squash(a) != "" {
		return 1
	}
	ta, tb := tokens(a), tokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	common := 0
	for _, x := range ta {
		if slices.Contains(tb, x) {
			common++
		}
	}
	return float64(common) / float64(len(ta)+len(tb)-common)
}

// Suggest ranks source -> target pairs by name, label and type, best first
// (Smart Mapping). It never pairs incompatible types, and proposes only
// pairs scoring at least 0.5.
func Suggest(source []SourceField, target []TargetField) []Suggestion {
	var out []Suggestion
	for _, s := range source {
		if s.Type == SourceList || s.Type == SourceObject || strings.HasPrefix(s.Path, "$") {
			continue
		}
		sNames := []string{s.Path, s.Label}
		for _, t := range target {
			if t.Type == "" {
				t.Type = TypeString
			}
			if !compatible(s.Type, sourceEnum(s.Path), t.Type) || t.ReadOnly {
				continue
			}
			tNames := []string{t.ExternalID, t.Label}
			best, reason := 0.0, ""
			for _, sn := range sNames {
				for _, tn := range tNames {
					if sim := similarity(sn, tn); sim > best {
						best, reason = sim, fmt.Sprintf("name %q matches %q", sn, tn)
						if sim == 1 {
							reason = fmt.Sprintf("same name: %q and %q", sn, tn)
						}
					}
					for _, syn := range synonyms[norm(sn)] {
						if norm(tn) == syn && best < 0.9 {
							best, reason = 0.9, fmt.Sprintf("%q means %q", sn, tn)
						}
					}
				}
			}
			if s.Path == "_id" && t.ExternalID == JumpCloudIDField {
				best, reason = 1, "the JumpCloud user id goes to the unique field JumpCloud User Id"
			}
			if best < 0.5 {
				continue
			}
			if s.Type == SourceString && t.Type != TypeString {
				best *= 0.8
				reason += "; types differ (values are converted)"
			} else {
				reason += fmt.Sprintf("; types fit (%s -> %s)", s.Type, t.Type)
			}
			if best >= 0.5 {
				out = append(out, Suggestion{Source: s, Target: t, Score: best, Reason: reason})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Suggestion) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Source.Path, b.Source.Path); c != 0 {
			return c
		}
		return cmp.Compare(a.Target.ExternalID, b.Target.ExternalID)
	})
	return out
}
