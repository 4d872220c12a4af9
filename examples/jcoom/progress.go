package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	jcsync "github.com/jcoom/jcoom/sync"
)

// progressView draws one progress bar per phase of a sync on a terminal.
// A nil *progressView draws nothing, which is what a pipe gets.
type progressView struct {
	w     io.Writer
	phase string
	bar   *progressbar.ProgressBar
}

// progress returns a progress view when stderr is a terminal and the
// output is text, nil otherwise.
func (a *app) progress() *progressView {
	if !a.interactive || a.jsonOut {
		return nil
	}
	return &progressView{w: a.err}
}

// update is a sync.WithProgress callback; the syncer serialises calls.
func (v *progressView) update(p jcsync.Progress) {
	if v == nil {
		return
	}
	if p.Phase != v.phase || v.bar == nil {
		v.finish()
		v.phase = p.Phase
		v.bar = progressbar.NewOptions(p.Total,
			progressbar.OptionSetWriter(v.w),
			progressbar.OptionSetDescription(p.Phase),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("records"),
			progressbar.OptionShowIts(),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	if p.Total > 0 && int64(p.Total) != v.bar.GetMax64() {
		v.bar.ChangeMax(p.Total)
	}
	_ = v.bar.Set(p.Done)
}

// finish clears the current bar.
func (v *progressView) finish() {
	if v == nil || v.bar == nil {
		return
	}
	_ = v.bar.Finish()
	_ = v.bar.Clear()
	v.bar = nil
}
