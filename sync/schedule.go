package sync

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Schedule says when RunEvery runs: Daily (the default cadence, like
// Oomnitza's connectors) or Every, optionally with jitter.
type Schedule struct {
	daily        bool
	hour, minute int
	loc          *time.Location
	every        time.Duration
	jitter       time.Duration
	err          error
}

// Daily runs once a day at hh:mm in loc (nil: UTC).
func Daily(hhmm string, loc *time.Location) Schedule {
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return Schedule{err: fmt.Errorf("sync: Daily(%q): want HH:MM, 00:00 to 23:59", hhmm)}
	}
	return Schedule{daily: true, hour: t.Hour(), minute: t.Minute(), loc: loc}
}

// Every runs every d (at least one second), the first run d from now.
func Every(d time.Duration) Schedule {
	if d < time.Second {
		return Schedule{err: fmt.Errorf("sync: Every(%v): want at least 1s", d)}
	}
	return Schedule{every: d}
}

// WithJitter delays each run by a random duration below d, so that many
// syncs on the same schedule do not start together.
func (s Schedule) WithJitter(d time.Duration) Schedule {
	if d < 0 && s.err == nil {
		s.err = fmt.Errorf("sync: WithJitter(%v): want 0 or more", d)
	}
	s.jitter = d
	return s
}

// Err says why the schedule is invalid.
func (s Schedule) Err() error {
	if s.err == nil && !s.daily && s.every == 0 {
		return errors.New("sync: the zero Schedule; use Daily or Every")
	}
	return s.err
}

// Next returns the first run time after t, jitter aside.
func (s Schedule) Next(t time.Time) time.Time {
	if s.daily {
		lt := t.In(s.loc)
		next := time.Date(lt.Year(), lt.Month(), lt.Day(), s.hour, s.minute, 0, 0, s.loc)
		if !next.After(t) {
			next = time.Date(lt.Year(), lt.Month(), lt.Day()+1, s.hour, s.minute, 0, 0, s.loc)
		}
		return next
	}
	return t.Add(s.every)
}

// String describes the schedule.
func (s Schedule) String() string {
	var out string
	switch {
	case s.daily:
		out = fmt.Sprintf("daily at %02d:%02d %s", s.hour, s.minute, s.loc)
	case s.every > 0:
		out = "every " + s.every.String()
	default:
		return "invalid schedule"
	}
	if s.jitter > 0 {
		out += " (jitter " + s.jitter.String() + ")"
	}
	return out
}

// RunEvery runs the sync on the schedule until ctx ends, calling onReport
// after each run with its report and error (a draft mapping, a threshold
// stop). Runs never overlap: a run that outlasts the interval delays the
// next, and missed times are skipped, not made up. It returns ctx's error
// when ctx ends, or the schedule's when it is invalid.
func (s *Syncer) RunEvery(ctx context.Context, sched Schedule, onReport func(*Report, error)) error {
	return runEvery(ctx, sched, s.Run, onReport, s.set.log.Info)
}

// runEvery is RunEvery's loop over any run function.
func runEvery(ctx context.Context, sched Schedule, run func(context.Context) (*Report, error), onReport func(*Report, error), logf func(string, ...any)) error {
	if err := sched.Err(); err != nil {
		return err
	}
	if onReport == nil {
		onReport = func(*Report, error) {}
	}
	for {
		next := sched.Next(time.Now())
		if sched.jitter > 0 {
			next = next.Add(rand.N(sched.jitter))
		}
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
		logf("sync: scheduled run", "schedule", sched.String())
		rep, err := run(ctx)
		onReport(rep, err)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}
