package mapping

import (
	"strconv"
	"strings"
)

// resolvePath reads a dotted path from a record. A numeric segment indexes
// a list; another segment on a list of {name, value} objects (JumpCloud's
// custom attributes) picks the value by name.
func resolvePath(rec Record, parts []string) (any, bool) {
	var cur any = rec
	for _, p := range parts {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[p]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			if i, err := strconv.Atoi(p); err == nil {
				if i < 0 || i >= len(x) {
					return nil, false
				}
				cur = x[i]
				continue
			}
			found := false
			for _, el := range x {
				if m, ok := el.(map[string]any); ok && m["name"] == p {
					cur, found = m["value"], true
					break
				}
			}
			if !found {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return cur, true
}

func splitPath(p string) []string { return strings.Split(p, ".") }
