// Package nearest finds the known name closest to a misspelt one, for
// "did you mean" hints in error messages.
package nearest

import (
	"strings"
	"unicode/utf8"
)

// Name returns the candidate closest to s by edit distance (ignoring case
// and the separators '_', '-', '.' and ' '), and whether it is close
// enough to be a likely typo: at most a third of the longer name's length
// and at most 3 edits, or equal once separators and case are dropped.
func Name(s string, candidates []string) (string, bool) {
	key := fold(s)
	best, bestD := "", -1
	for _, c := range candidates {
		d := distance(key, fold(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || best == s {
		return "", false
	}
	n := max(utf8.RuneCountInString(key), utf8.RuneCountInString(fold(best)))
	return best, bestD == 0 || bestD <= 3 && bestD*3 <= n
}

// Hint returns ` (did you mean "x"?)` for the nearest candidate, or "".
func Hint(s string, candidates []string) string {
	if c, ok := Name(s, candidates); ok {
		return ` (did you mean "` + c + `"?)`
	}
	return ""
}

func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// distance is the optimal-string-alignment distance between a and b, by
// runes: insertions, deletions, substitutions and swaps of neighbours
// ("titel" -> "title") cost one each.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
