package mapping

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm"
	"github.com/expr-lang/expr/vm/runtime"
)

// Limits on what one record's Apply (or Match) may cost. A mapping file is
// configuration that people copy and paste; none of it may hang or kill a
// sync, whatever it says.
const (
	// MaxValueBytes is the largest string a rule, a transform or an
	// expression may produce.
	MaxValueBytes = 64 << 10
	// maxExprNodes bounds the size of one expression.
	maxExprNodes = 2000
	// maxExprMemory is the expr VM's own budget (elements of ranges,
	// arrays and maps one run may make).
	maxExprMemory = 100_000
	// maxExprSteps bounds the loop iterations (map, filter, reduce, ...)
	// of one record, over all its expressions.
	maxExprSteps = 100_000
	// maxExprBytes bounds the bytes the string builders (+, repeat,
	// replace, join) may make for one record.
	maxExprBytes = 4 << 20
)

// ErrOverBudget matches a record whose expressions or transforms went past
// a limit (loop steps, memory, value size): the record is not written.
var ErrOverBudget = errors.New("over budget")

// budgetVar is the environment variable through which the patched calls
// reach the record's budget.
const budgetVar = "__jcoom_budget"

type budget struct {
	steps int // loop iterations left
	bytes int // builder bytes left
}

func newBudget() *budget { return &budget{steps: maxExprSteps, bytes: maxExprBytes} }

func overBudget(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrOverBudget, fmt.Sprintf(format, a...))
}

// charge takes n builder bytes for one new string.
func (b *budget) charge(n int) error {
	if n > MaxValueBytes {
		return overBudget("a string of %d bytes is over the %d-byte limit of a value", n, MaxValueBytes)
	}
	if b.bytes -= n; b.bytes < 0 {
		return overBudget("the expressions of one record made more than %d bytes of strings", maxExprBytes)
	}
	return nil
}

func budgetOf(v any) (*budget, error) {
	b, ok := v.(*budget)
	if !ok || b == nil {
		return nil, errors.New("expression run without its budget")
	}
	return b, nil
}

// bounded lists the builtins replaced by versions that check their output
// size before they allocate.
var bounded = map[string]func(b *budget, args ...any) (any, error){
	"repeat":  boundedRepeat,
	"replace": boundedReplace,
	"join":    boundedJoin,
}

// sandbox is the expr patcher that routes loops and string building
// through the record's budget: every predicate body (the per-item part
// of map, filter, reduce, ...) becomes __step(budget, body), every a + b
// becomes __add(budget, a, b), and repeat, replace and join receive the
// budget as their first argument.
type sandbox struct{}

func (sandbox) Visit(node *ast.Node) {
	budgetArg := func() ast.Node { return &ast.IdentifierNode{Value: budgetVar} }
	switch n := (*node).(type) {
	case *ast.PredicateNode:
		n.Node = &ast.CallNode{Callee: &ast.IdentifierNode{Value: "__step"}, Arguments: []ast.Node{budgetArg(), n.Node}}
	case *ast.BinaryNode:
		if n.Operator == "+" {
			ast.Patch(node, &ast.CallNode{Callee: &ast.IdentifierNode{Value: "__add"}, Arguments: []ast.Node{budgetArg(), n.Left, n.Right}})
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && bounded[id.Value] != nil {
			if len(n.Arguments) == 0 || !isBudgetArg(n.Arguments[0]) {
				n.Arguments = append([]ast.Node{budgetArg()}, n.Arguments...)
			}
		}
	}
}

func isBudgetArg(n ast.Node) bool {
	id, ok := n.(*ast.IdentifierNode)
	return ok && id.Value == budgetVar
}

// exprOptions are the expr-lang settings for rule expressions and the
// filter: any variable of the user may be used (missing ones are nil),
// plus sync_time and sync_credential; sizes and loops are bounded.
func exprOptions(boolean bool) []expr.Option {
	opts := []expr.Option{
		expr.Env(map[string]any{}), expr.AllowUndefinedVariables(),
		expr.MaxNodes(maxExprNodes),
		expr.Patch(sandbox{}),
		expr.Function("__step", func(args ...any) (any, error) {
			b, err := budgetOf(args[0])
			if err != nil {
				return nil, err
			}
			if b.steps--; b.steps < 0 {
				return nil, overBudget("the expressions of one record ran more than %d loop steps", maxExprSteps)
			}
			return args[1], nil
		}),
		expr.Function("__add", func(args ...any) (any, error) {
			b, err := budgetOf(args[0])
			if err != nil {
				return nil, err
			}
			return boundedAdd(b, args[1], args[2])
		}),
	}
	for name, fn := range bounded {
		opts = append(opts, expr.DisableBuiltin(name), expr.Function(name, func(args ...any) (any, error) {
			if len(args) == 0 {
				return nil, fmt.Errorf("%s: no arguments", name)
			}
			b, err := budgetOf(args[0])
			if err != nil {
				return nil, err
			}
			return fn(b, args[1:]...)
		}))
	}
	if boolean {
		opts = append(opts, expr.AsBool())
	}
	return opts
}

func boundedAdd(b *budget, x, y any) (out any, err error) {
	if xs, ok := x.(string); ok {
		if ys, ok := y.(string); ok {
			if err := b.charge(len(xs) + len(ys)); err != nil {
				return nil, err
			}
			return xs + ys, nil
		}
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%v", r)
		}
	}()
	return runtime.Add(x, y), nil
}

func boundedRepeat(b *budget, args ...any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("repeat takes a string and a count, got %d arguments", len(args))
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("repeat: %s is not a string", describe(args[0]))
	}
	n, ok := toInt(args[1])
	if !ok || n < 0 {
		return nil, fmt.Errorf("repeat: count %s is not a non-negative integer", describe(args[1]))
	}
	if len(s) > 0 && n > MaxValueBytes/len(s)+1 {
		return nil, overBudget("repeat of %d bytes %d times is over the %d-byte limit of a value", len(s), n, MaxValueBytes)
	}
	if err := b.charge(len(s) * n); err != nil {
		return nil, err
	}
	return strings.Repeat(s, n), nil
}

func boundedReplace(b *budget, args ...any) (any, error) {
	if len(args) != 3 && len(args) != 4 {
		return nil, fmt.Errorf("replace takes 3 or 4 arguments, got %d", len(args))
	}
	var strs [3]string
	for i := range strs {
		s, ok := args[i].(string)
		if !ok {
			return nil, fmt.Errorf("replace: argument %d (%s) is not a string", i+1, describe(args[i]))
		}
		strs[i] = s
	}
	s, old, repl := strs[0], strs[1], strs[2]
	n := -1
	if len(args) == 4 {
		var ok bool
		if n, ok = toInt(args[3]); !ok {
			return nil, fmt.Errorf("replace: count %s is not an integer", describe(args[3]))
		}
	}
	matches := strings.Count(s, old)
	if n >= 0 && n < matches {
		matches = n
	}
	size := len(s) + matches*(len(repl)-len(old))
	if err := b.charge(size); err != nil {
		return nil, err
	}
	return strings.Replace(s, old, repl, n), nil
}

func boundedJoin(b *budget, args ...any) (any, error) {
	if len(args) != 1 && len(args) != 2 {
		return nil, fmt.Errorf("join takes a list and an optional separator, got %d arguments", len(args))
	}
	sep := ""
	if len(args) == 2 {
		s, ok := args[1].(string)
		if !ok {
			return nil, fmt.Errorf("join: separator %s is not a string", describe(args[1]))
		}
		sep = s
	}
	var parts []string
	switch l := args[0].(type) {
	case []string:
		parts = l
	case []any:
		parts = make([]string, len(l))
		for i, v := range l {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("join: item %d (%s) is not a string", i, describe(v))
			}
			parts[i] = s
		}
	default:
		return nil, fmt.Errorf("join: %s is not a list of strings", describe(args[0]))
	}
	size := 0
	for _, p := range parts {
		size += len(p) + len(sep)
		if size > MaxValueBytes+len(sep) {
			break
		}
	}
	if err := b.charge(max(size-len(sep), 0)); err != nil {
		return nil, err
	}
	return strings.Join(parts, sep), nil
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), n == int64(int(n))
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}

// evalState is what the expressions of one record run with: the record
// itself, the run facts and the record's budget, built on first use.
type evalState struct {
	src    Record
	run    *RunInfo
	budget *budget
	env    map[string]any
}

func newEvalState(src Record, run *RunInfo) *evalState {
	return &evalState{src: src, run: run, budget: newBudget()}
}

func (s *evalState) environment() map[string]any {
	if s.env == nil {
		s.env = make(map[string]any, len(s.src)+3)
		maps.Copy(s.env, s.src)
		if s.run != nil {
			s.env["sync_time"], s.env["sync_credential"] = s.run.Time.UTC(), s.run.Credential
		}
		s.env[budgetVar] = s.budget
	}
	return s.env
}

// run evaluates p for this record within its budgets.
func (s *evalState) eval(p *vm.Program) (any, error) {
	m := vm.VM{MemoryBudget: maxExprMemory}
	out, err := m.Run(p, s.environment())
	if err != nil && strings.Contains(err.Error(), "memory budget exceeded") && !errors.Is(err, ErrOverBudget) {
		err = fmt.Errorf("%w: %w", ErrOverBudget, err)
	}
	return out, err
}

// valueSize is the number of bytes of the strings in v.
func valueSize(v any) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []any:
		n := 0
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	case map[string]any:
		n := 0
		for k, e := range x {
			n += len(k) + valueSize(e)
		}
		return n
	}
	return 0
}
