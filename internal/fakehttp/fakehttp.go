// Package fakehttp is the request plumbing shared by the jcoom fakes
// (jumpcloudtest, oomnitzatest): per-route call counters, latency, a
// token-bucket rate limit answering 429 with Retry-After, and scripted or
// random fault injection (5xx, connection reset, commit-then-drop, slow
// body).
package fakehttp

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Fault is a failure injected into one request.
type Fault int

// The faults.
const (
	// FaultNone handles the request normally.
	FaultNone Fault = iota
	// Fault500 answers 500 without handling the request.
	Fault500
	// Fault502 answers 502 without handling the request.
	Fault502
	// Fault503 answers 503 without handling the request.
	Fault503
	// FaultReset drops the connection before the request is handled.
	FaultReset
	// FaultCommitThenDrop handles the request, then drops the connection:
	// the write happens and the client never learns it did.
	FaultCommitThenDrop
	// FaultSlowBody sends the reply in four chunks with pauses.
	FaultSlowBody
	// Fault429 answers 429 with a Retry-After (1 second unless scripted
	// with InjectTooManyRequests) without handling the request.
	Fault429
)

var faultNames = [...]string{"none", "500", "502", "503", "reset", "commit-then-drop", "slow-body", "429"}

// String names the fault.
func (f Fault) String() string {
	if f >= 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("Fault(%d)", int(f))
}

// Hooks adapt the plumbing to one API.
type Hooks struct {
	// Admit runs after latency and rate limiting; it writes a reply and
	// returns false to refuse the request (authentication, tenancy).
	Admit func(w http.ResponseWriter, r *http.Request) bool
	// WriteError writes the API's error body for an injected or rate-limit
	// status.
	WriteError func(w http.ResponseWriter, status int)
}

// Plumbing wraps route handlers. It is safe for concurrent use.
type Plumbing struct {
	hooks    Hooks
	latency  time.Duration
	slowBody time.Duration
	limiter  *rate.Limiter
	now      func() time.Time

	conns atomic.Int64

	mu         sync.Mutex
	calls      map[string]int
	served     map[string]int
	routes     map[string]bool
	persistent map[string]Fault
	script     []scripted
	faultProb  float64
	faultKind  []Fault
	rng        *rand.Rand
}

type scripted struct {
	route      string
	fault      Fault
	retryAfter string
}

// New returns plumbing with the given hooks and no faults.
func New(h Hooks) *Plumbing {
	return &Plumbing{hooks: h, now: time.Now, slowBody: 50 * time.Millisecond,
		calls: map[string]int{}, served: map[string]int{}, routes: map[string]bool{}, persistent: map[string]Fault{},
		rng: rand.New(rand.NewPCG(1, 2))}
}

// Serve starts a loopback server for h that counts the connections
// clients open to it.
func (p *Plumbing) Serve(h http.Handler) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			p.conns.Add(1)
		}
	}
	ts.Start()
	return ts
}

// Connections returns how many connections clients have opened to the
// server started by Serve.
func (p *Plumbing) Connections() int { return int(p.conns.Load()) }

// SetLatency delays every request by d.
func (p *Plumbing) SetLatency(d time.Duration) { p.latency = d }

// SetSlowBody sets the pause between chunks of a FaultSlowBody reply.
func (p *Plumbing) SetSlowBody(d time.Duration) { p.slowBody = d }

// SetClock sets the clock used for rate limiting.
func (p *Plumbing) SetClock(now func() time.Time) { p.now = now }

// SetRateLimit answers 429 with a Retry-After (whole seconds, rounded up)
// beyond perSecond requests per second with the given burst.
func (p *Plumbing) SetRateLimit(perSecond float64, burst int) {
	p.limiter = rate.NewLimiter(rate.Limit(perSecond), max(burst, 1))
}

// SetFaults injects a fault with probability prob, drawn from kinds by a
// generator seeded with seed.
func (p *Plumbing) SetFaults(prob float64, seed uint64, kinds ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faultProb, p.faultKind = prob, kinds
	p.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// checkRoute refuses a route no handler serves (p.mu held), so that a
// typo in a test cannot leave a fault that never fires.
func (p *Plumbing) checkRoute(route string) error {
	if route == "" || p.routes[route] {
		return nil
	}
	known := make([]string, 0, len(p.routes))
	for r := range p.routes {
		known = append(known, r)
	}
	slices.Sort(known)
	return fmt.Errorf("fake: no route %q; routes are %s", route, strings.Join(known, ", "))
}

// Inject scripts faults: the next requests to route ("METHOD /pattern" as
// in Calls, or "" for any) get these faults, one each, in order. A route
// no handler serves is an error, and nothing is scripted.
func (p *Plumbing) Inject(route string, faults ...Fault) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkRoute(route); err != nil {
		return err
	}
	for _, f := range faults {
		p.script = append(p.script, scripted{route: route, fault: f})
	}
	return nil
}

// InjectTooManyRequests scripts one 429 for the next request to route,
// with this Retry-After value sent as is (seconds, an HTTP date, or
// anything a test wants a client to cope with; "" sends none).
func (p *Plumbing) InjectTooManyRequests(route, retryAfter string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkRoute(route); err != nil {
		return err
	}
	p.script = append(p.script, scripted{route: route, fault: Fault429, retryAfter: retryAfter})
	return nil
}

// FailRoute makes every request to route get fault f until Reset (or
// FailRoute(route, FaultNone)). Scripted faults come first.
func (p *Plumbing) FailRoute(route string, f Fault) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.checkRoute(route); err != nil {
		return err
	}
	if f == FaultNone {
		delete(p.persistent, route)
	} else {
		p.persistent[route] = f
	}
	return nil
}

// FaultsServed counts the faults served, keyed "ROUTE FAULT" (e.g.
// "POST /api/systemusers 503").
func (p *Plumbing) FaultsServed() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.served)
}

// Reset zeroes every counter and drops scripted and route faults; the
// random fault rate set by SetFaults stays.
func (p *Plumbing) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.calls)
	clear(p.served)
	clear(p.persistent)
	p.script = nil
}

// Calls returns the number of requests per route.
func (p *Plumbing) Calls() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]int, len(p.calls))
	for k, v := range p.calls {
		out[k] = v
	}
	return out
}

// ResetCalls zeroes the request counters.
func (p *Plumbing) ResetCalls() {
	p.mu.Lock()
	clear(p.calls)
	p.mu.Unlock()
}

// next picks the fault for a request and its Retry-After (p.mu held).
func (p *Plumbing) next(route string) (Fault, string) {
	for i, sc := range p.script {
		if sc.route == "" || sc.route == route {
			p.script = append(p.script[:i], p.script[i+1:]...)
			if sc.fault == Fault429 && sc.retryAfter == "" && sc.route != "" {
				return sc.fault, "1"
			}
			return sc.fault, sc.retryAfter
		}
	}
	if f, ok := p.persistent[route]; ok {
		return f, "1"
	}
	if p.faultProb > 0 && len(p.faultKind) > 0 && p.rng.Float64() < p.faultProb {
		return p.faultKind[p.rng.IntN(len(p.faultKind))], "1"
	}
	return FaultNone, ""
}

// Wrap counts, delays, limits, admits and injects faults around next. An
// empty route counts the request as "METHOD /path".
func (p *Plumbing) Wrap(route string, next http.Handler) http.Handler {
	if route != "" {
		p.mu.Lock()
		p.routes[route] = true
		p.mu.Unlock()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := route
		if key == "" {
			key = r.Method + " " + r.URL.Path
		}
		p.mu.Lock()
		p.calls[key]++
		fault, retryAfter := p.next(key)
		if fault != FaultNone {
			p.served[key+" "+fault.String()]++
		}
		p.mu.Unlock()

		if p.latency > 0 && !sleep(r.Context(), p.latency) {
			return
		}
		if p.limiter != nil {
			now := p.now()
			res := p.limiter.ReserveN(now, 1)
			if d := res.DelayFrom(now); d > 0 {
				res.CancelAt(now)
				w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(d.Seconds()))))
				p.hooks.WriteError(w, http.StatusTooManyRequests)
				return
			}
		}
		if p.hooks.Admit != nil && !p.hooks.Admit(w, r) {
			return
		}
		switch fault {
		case Fault429:
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			p.hooks.WriteError(w, http.StatusTooManyRequests)
		case Fault500, Fault502, Fault503:
			p.hooks.WriteError(w, map[Fault]int{Fault500: 500, Fault502: 502, Fault503: 503}[fault])
		case FaultReset:
			reset(w)
		case FaultCommitThenDrop:
			next.ServeHTTP(httptest.NewRecorder(), r)
			reset(w)
		case FaultSlowBody:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			p.writeSlowly(r.Context(), w, rec)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// reset drops the connection with a TCP RST and no reply. Aborting with
// http.ErrAbortHandler is net/http's documented way to end a handler.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(interface{ SetLinger(int) error }); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func (p *Plumbing) writeSlowly(ctx context.Context, w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	body := rec.Body.Bytes()
	chunk := max(len(body)/4, 1)
	for len(body) > 0 {
		n := min(chunk, len(body))
		_, _ = w.Write(body[:n])
		body = body[n:]
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		if !sleep(ctx, p.slowBody) {
			return
		}
	}
}
