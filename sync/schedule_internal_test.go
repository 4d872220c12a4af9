package sync

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

func TestRunEveryOnVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		start := time.Now()
		var starts []time.Duration
		running := 0
		run := func(ctx context.Context) (*Report, error) {
			running++
			if running > 1 {
				t.Error("two runs at once")
			}
			defer func() { running-- }()
			starts = append(starts, time.Since(start))
			// The second run outlasts the interval: the next waits for it.
			if len(starts) == 2 {
				time.Sleep(90 * time.Minute)
			}
			return &Report{}, nil
		}
		var reports int
		err := runEvery(ctx, Every(time.Hour), run, func(*Report, error) {
			reports++
			if reports == 4 {
				cancel()
			}
		}, func(string, ...any) {})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		want := []time.Duration{time.Hour, 2 * time.Hour, 4*time.Hour + 30*time.Minute, 5*time.Hour + 30*time.Minute}
		if len(starts) != len(want) {
			t.Fatalf("starts %v", starts)
		}
		for i := range want {
			if starts[i] != want[i] {
				t.Errorf("run %d at %v, want %v", i, starts[i], want[i])
			}
		}
	})
}

func TestRunEveryJitterAndDaily(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		start := time.Now()
		var at []time.Time
		err := runEvery(ctx, Every(time.Hour).WithJitter(10*time.Minute), func(context.Context) (*Report, error) {
			at = append(at, time.Now())
			if len(at) == 5 {
				cancel()
			}
			return &Report{}, nil
		}, nil, func(string, ...any) {})
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		prev := start
		for i, a := range at {
			if d := a.Sub(prev); d < time.Hour || d >= time.Hour+10*time.Minute {
				t.Errorf("run %d came %v after the previous", i, d)
			}
			prev = a
		}

		// Daily: the first run is at the next 02:00 UTC.
		ctx2, cancel2 := context.WithCancel(t.Context())
		defer cancel2()
		var first time.Time
		_ = runEvery(ctx2, Daily("02:00", time.UTC), func(context.Context) (*Report, error) {
			first = time.Now()
			cancel2()
			return &Report{}, nil
		}, nil, func(string, ...any) {})
		if first.UTC().Hour() != 2 || first.UTC().Minute() != 0 || time.Until(first) > 24*time.Hour {
			t.Errorf("daily run at %v", first)
		}
		// Cancelled while waiting: returns at once.
		ctx3, cancel3 := context.WithCancel(t.Context())
		cancel3()
		if err := runEvery(ctx3, Daily("02:00", nil), nil, nil, func(string, ...any) {}); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
		if err := runEvery(t.Context(), Schedule{}, nil, nil, func(string, ...any) {}); err == nil {
			t.Error("the zero schedule ran")
		}
	})
}
