package oomnitzatest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The fake's reading of Oomnitza's SQL-like filter language:
//
//	expr   = and { "or" and }
//	and    = unary { "and" unary }
//	unary  = "not" unary | "(" expr ")" | cond
//	cond   = field op value | field "is" ["not"] "null"
//	       | field ["not"] "in" "[" value {"," value} "]"
//	       | field "between" value "and" value
//	op     = eq ne lt lte gt gte like = != < <= > >=
//	value  = "string" | 'string' | number | true | false | null
//
// Keywords are case-insensitive; strings escape \ and quotes with \.
// Comparisons are typed by the field: strings compare case-sensitively,
// LIKE uses % and _ wildcards.

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tNumber
	tPunct
	tDate
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func tokenize(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			start := i
			var b strings.Builder
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == c {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated string starting at %d", start)
			}
			out = append(out, token{tString, b.String(), start})
		case c >= '0' && c <= '9' && usDate.MatchString(s[i:]):
			// An unquoted MM/DD/YYYY date, as in the vendor's own example
			// "hire_date BETWEEN 03/01/2023 AND 06/30/2023".
			m := usDate.FindString(s[i:])
			out = append(out, token{tDate, m, i})
			i += len(m)
		case c == '-' || c >= '0' && c <= '9':
			start := i
			i++
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == 'e' || s[i] == 'E' || s[i] == '+' || s[i] == '-') {
				i++
			}
			text := s[start:i]
			if _, err := strconv.ParseFloat(text, 64); err != nil {
				return nil, fmt.Errorf("%q at %d is not a number", text, start)
			}
			out = append(out, token{tNumber, text, start})
		case c == '_' || c < 0x80 && unicode.IsLetter(rune(c)):
			start := i
			for i < len(s) && (s[i] == '_' || s[i] < 0x80 && (unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i])))) {
				i++
			}
			out = append(out, token{tIdent, s[start:i], start})
		case strings.ContainsRune("()[],", rune(c)):
			out = append(out, token{tPunct, string(c), i})
			i++
		case c == '=' || c == '!' || c == '<' || c == '>':
			start := i
			i++
			if i < len(s) && s[i] == '=' {
				i++
			}
			op := s[start:i]
			if op == "!" {
				return nil, fmt.Errorf("unexpected '!' at %d", start)
			}
			out = append(out, token{tPunct, op, start})
		default:
			return nil, fmt.Errorf("unexpected character %q at %d", c, i)
		}
	}
	return append(out, token{kind: tEOF, pos: len(s)}), nil
}

// cond is a parsed filter node.
type cond interface {
	eval(rec map[string]any) bool
}

type orNode []cond
type andNode []cond
type notNode struct{ c cond }
type cmpNode struct {
	field *FieldSpec
	op    string
	vals  []any // typed for the field
	like  *regexp.Regexp
}

func (n orNode) eval(r map[string]any) bool {
	for _, c := range n {
		if c.eval(r) {
			return true
		}
	}
	return false
}

func (n andNode) eval(r map[string]any) bool {
	for _, c := range n {
		if !c.eval(r) {
			return false
		}
	}
	return true
}

func (n notNode) eval(r map[string]any) bool { return !n.c.eval(r) }

func (n *cmpNode) eval(r map[string]any) bool {
	v := r[n.field.ExternalID]
	switch n.op {
	case "null":
		return v == nil || v == ""
	case "notnull":
		return v != nil && v != ""
	case "like":
		s, ok := v.(string)
		return ok && n.like.MatchString(s)
	case "in", "notin":
		found := false
		for _, x := range n.vals {
			if c, ok := compare(v, x); ok && c == 0 {
				found = true
				break
			}
		}
		return found == (n.op == "in")
	case "between":
		lo, ok1 := compare(v, n.vals[0])
		hi, ok2 := compare(v, n.vals[1])
		return ok1 && ok2 && lo >= 0 && hi <= 0
	}
	c, ok := compare(v, n.vals[0])
	if !ok {
		return n.op == "ne" && v != n.vals[0]
	}
	switch n.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "lt":
		return c < 0
	case "lte":
		return c <= 0
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	}
	return false
}

// compare orders a stored value against a literal of the same type.
func compare(v, lit any) (int, bool) {
	switch a := v.(type) {
	case string:
		b, ok := lit.(string)
		return cmp.Compare(a, b), ok
	case int64:
		switch b := lit.(type) {
		case int64:
			return cmp.Compare(a, b), true
		case float64:
			return cmp.Compare(float64(a), b), true
		}
	case float64:
		switch b := lit.(type) {
		case int64:
			return cmp.Compare(a, float64(b)), true
		case float64:
			return cmp.Compare(a, b), true
		}
	case bool:
		b, ok := lit.(bool)
		if !ok {
			return 0, false
		}
		if a == b {
			return 0, true
		}
		if !a {
			return -1, true
		}
		return 1, true
	}
	return 0, false
}

type parser struct {
	toks   []token
	i      int
	lookup func(string) *FieldSpec
}

// parseFilter parses expr against the fields lookup knows.
func parseFilter(expr string, lookup func(string) *FieldSpec) (cond, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, lookup: lookup}
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("unexpected %q at %d", t.text, t.pos)
	}
	return c, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) keyword(words ...string) bool {
	t := p.peek()
	if t.kind != tIdent {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (p *parser) or() (cond, error) {
	return p.chain("or", p.and, func(cs []cond) cond { return orNode(cs) })
}

func (p *parser) and() (cond, error) {
	return p.chain("and", p.unary, func(cs []cond) cond { return andNode(cs) })
}

// chain parses sub { word sub } and joins two or more parts with join.
func (p *parser) chain(word string, sub func() (cond, error), join func([]cond) cond) (cond, error) {
	first, err := sub()
	if err != nil {
		return nil, err
	}
	parts := []cond{first}
	for p.keyword(word) {
		p.next()
		c, err := sub()
		if err != nil {
			return nil, err
		}
		parts = append(parts, c)
	}
	if len(parts) == 1 {
		return first, nil
	}
	return join(parts), nil
}

func (p *parser) unary() (cond, error) {
	if p.keyword("not") {
		p.next()
		c, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{c}, nil
	}
	if t := p.peek(); t.kind == tPunct && t.text == "(" {
		p.next()
		c, err := p.or()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != tPunct || t.text != ")" {
			return nil, fmt.Errorf("missing ')' at %d", t.pos)
		}
		return c, nil
	}
	return p.cond()
}

var opAliases = map[string]string{"eq": "eq", "=": "eq", "ne": "ne", "!=": "ne", "lt": "lt", "<": "lt",
	"lte": "lte", "<=": "lte", "gt": "gt", ">": "gt", "gte": "gte", ">=": "gte", "like": "like"}

func (p *parser) cond() (cond, error) {
	t := p.next()
	if t.kind != tIdent {
		return nil, fmt.Errorf("expected a field name at %d, got %q", t.pos, t.text)
	}
	f := p.lookup(t.text)
	if f == nil {
		return nil, fmt.Errorf("unknown field %q", t.text)
	}
	n := &cmpNode{field: f}
	opTok := p.next()
	op := strings.ToLower(opTok.text)
	switch {
	case op == "is":
		n.op = "null"
		if p.keyword("not") {
			p.next()
			n.op = "notnull"
		}
		if !p.keyword("null") {
			return nil, fmt.Errorf("expected NULL after IS at %d", p.peek().pos)
		}
		p.next()
		return n, nil
	case op == "not" && p.keyword("in"):
		p.next()
		n.op = "notin"
		return n, p.list(n)
	case op == "in":
		n.op = "in"
		return n, p.list(n)
	case op == "between":
		n.op = "between"
		lo, err := p.value(f)
		if err != nil {
			return nil, err
		}
		if !p.keyword("and") {
			return nil, fmt.Errorf("expected AND in BETWEEN at %d", p.peek().pos)
		}
		p.next()
		hiTok := p.peek()
		hi, err := p.value(f)
		if err != nil {
			return nil, err
		}
		if sec, ok := hi.(int64); ok && (f.Type == TypeDate || f.Type == TypeDateTime) && dayOnly(hiTok) {
			// A day as the upper bound takes in the whole day (inferred:
			// the vendor documents BETWEEN only by example).
			hi = sec + 86399
		}
		n.vals = []any{lo, hi}
		return n, nil
	}
	canon, ok := opAliases[op]
	if !ok || opTok.kind == tString || opTok.kind == tNumber {
		return nil, fmt.Errorf("unknown operator %q at %d", opTok.text, opTok.pos)
	}
	n.op = canon
	if canon == "like" {
		lit := p.next()
		if lit.kind != tString {
			return nil, fmt.Errorf("LIKE needs a quoted pattern at %d", lit.pos)
		}
		n.like = likeRegexp(lit.text)
		return n, nil
	}
	v, err := p.value(f)
	if err != nil {
		return nil, err
	}
	n.vals = []any{v}
	return n, nil
}

var usDate = regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{4}\b`)

// dayOnly reports whether a date literal names a day without a time.
func dayOnly(t token) bool {
	if t.kind == tDate {
		return true
	}
	_, err := time.Parse("2006-01-02", t.text)
	return t.kind == tString && err == nil
}

func (p *parser) list(n *cmpNode) error {
	if t := p.next(); t.kind != tPunct || t.text != "[" && t.text != "(" {
		return fmt.Errorf("expected '[' after IN at %d", t.pos)
	}
	for {
		v, err := p.value(n.field)
		if err != nil {
			return err
		}
		n.vals = append(n.vals, v)
		t := p.next()
		if t.kind == tPunct && (t.text == "]" || t.text == ")") {
			return nil
		}
		if t.kind != tPunct || t.text != "," {
			return fmt.Errorf("expected ',' or ']' at %d", t.pos)
		}
	}
}

// value reads a literal and types it for field f.
func (p *parser) value(f *FieldSpec) (any, error) {
	t := p.next()
	var raw any
	switch {
	case t.kind == tString:
		raw = t.text
	case t.kind == tNumber:
		raw = json.Number(t.text)
	case t.kind == tDate:
		if f.Type != TypeDate && f.Type != TypeDateTime {
			return nil, fmt.Errorf("%s is not a date field; %s is a date", f.ExternalID, t.text)
		}
		d, err := time.Parse("01/02/2006", t.text)
		if err != nil {
			return nil, fmt.Errorf("%q at %d is not a date (MM/DD/YYYY)", t.text, t.pos)
		}
		return d.Unix(), nil
	case t.kind == tIdent && strings.EqualFold(t.text, "true"):
		raw = true
	case t.kind == tIdent && strings.EqualFold(t.text, "false"):
		raw = false
	case t.kind == tIdent && strings.EqualFold(t.text, "null"):
		return nil, nil
	default:
		return nil, fmt.Errorf("expected a value at %d, got %q", t.pos, t.text)
	}
	switch f.Type {
	case TypeInteger, TypeDecimal:
		if s, ok := raw.(string); ok {
			raw = json.Number(s)
		}
		n, ok := raw.(json.Number)
		if !ok {
			return nil, fmt.Errorf("%s is a number field; %q is not a number", f.ExternalID, t.text)
		}
		x, err := n.Float64()
		if err != nil {
			return nil, fmt.Errorf("%s is a number field; %q is not a number", f.ExternalID, t.text)
		}
		if f.Type == TypeInteger && x == float64(int64(x)) {
			return int64(x), nil
		}
		return x, nil
	case TypeDate, TypeDateTime:
		return epoch(raw)
	case TypeBoolean:
		if s, ok := raw.(string); ok {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return nil, fmt.Errorf("%s is a boolean field; %q is not true or false", f.ExternalID, s)
			}
			raw = b
		}
		if _, ok := raw.(bool); !ok {
			return nil, fmt.Errorf("%s is a boolean field; %q is not true or false", f.ExternalID, t.text)
		}
		return raw, nil
	}
	if n, ok := raw.(json.Number); ok {
		return n.String(), nil
	}
	if b, ok := raw.(bool); ok {
		return strconv.FormatBool(b), nil
	}
	return raw, nil
}

func likeRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	for _, r := range pattern {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
