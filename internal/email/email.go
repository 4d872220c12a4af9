// Package email holds the one rule by which jcoom compares email
// addresses: trimmed and case-insensitive, in every client and look-up.
package email

import "strings"

// Same reports whether a and b are the same address after trimming and
// case folding.
func Same(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }

// Forms returns what a case-sensitive server filter should ask for to
// find an address: the trimmed address as given and, when it differs,
// its lower-case form.
func Forms(addr string) []any {
	addr = strings.TrimSpace(addr)
	forms := []any{addr}
	if lower := strings.ToLower(addr); lower != addr {
		forms = append(forms, lower)
	}
	return forms
}

// Keep returns the items whose address (read by addrOf) is the same as addr.
func Keep[T any](items []T, addrOf func(T) string, addr string) []T {
	var out []T
	for _, it := range items {
		if Same(addrOf(it), addr) {
			out = append(out, it)
		}
	}
	return out
}
