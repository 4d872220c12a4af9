package oomnitzatest

import "github.com/jcoom/jcoom/internal/fakehttp"

// Fault is a failure the server can inject into a request.
type Fault = fakehttp.Fault

// The faults. FaultCommitThenDrop applies the request and then drops the
// connection, so the client cannot know whether it worked.
const (
	FaultNone           = fakehttp.FaultNone
	Fault500            = fakehttp.Fault500
	Fault502            = fakehttp.Fault502
	Fault503            = fakehttp.Fault503
	FaultReset          = fakehttp.FaultReset
	FaultCommitThenDrop = fakehttp.FaultCommitThenDrop
	FaultSlowBody       = fakehttp.FaultSlowBody
	Fault429            = fakehttp.Fault429
)

// Inject scripts faults: the next requests to route (a key of Calls, such
// as "POST /api/v3/users"; "" for any route) get these faults, one each, in order.
// A route the server does not have is an error, and nothing is scripted.
func (s *Server) Inject(route string, faults ...Fault) error {
	return s.plumbing.Inject(route, faults...)
}

// InjectTooManyRequests scripts one 429 for the next request to route with
// this Retry-After value, sent as is ("" sends none).
func (s *Server) InjectTooManyRequests(route, retryAfter string) error {
	return s.plumbing.InjectTooManyRequests(route, retryAfter)
}

// FailRoute makes every request to route get fault f until Reset or
// FailRoute(route, FaultNone); scripted faults still come first.
func (s *Server) FailRoute(route string, f Fault) error { return s.plumbing.FailRoute(route, f) }

// FaultsServed counts the faults the server has served, keyed
// "ROUTE FAULT", e.g. "POST /api/v3/users 503".
func (s *Server) FaultsServed() map[string]int { return s.plumbing.FaultsServed() }

// Calls returns how many requests each route received, keyed like
// "POST /api/v3/users" or "PATCH /api/v3/users/{ident}".
func (s *Server) Calls() map[string]int { return s.plumbing.Calls() }

// ResetCalls zeroes the request counters only.
func (s *Server) ResetCalls() { s.plumbing.ResetCalls() }

// Reset zeroes every counter and drops scripted and route faults (the
// random fault rate of WithFaults stays). The data is untouched.
func (s *Server) Reset() { s.plumbing.Reset() }

// SetFaults changes the random faults of WithFaults while the server runs;
// SetFaults(0, 0) turns them off.
func (s *Server) SetFaults(p float64, seed uint64, kinds ...Fault) {
	s.plumbing.SetFaults(p, seed, kinds...)
}
