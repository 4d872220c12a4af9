package oomnitza_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/jcoom/jcoom/oomnitza"
	"github.com/jcoom/jcoom/oomnitza/oomnitzatest"
)

func TestSecretCanary(t *testing.T) {
	const canary = "CANARY-oomnitza-token-44d1"
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := oomnitzatest.NewServer(oomnitzatest.WithToken(canary),
		oomnitzatest.WithFaults(0.4, 3, oomnitzatest.Fault500, oomnitzatest.Fault503, oomnitzatest.FaultReset, oomnitzatest.FaultCommitThenDrop))
	defer srv.Close()
	c, err := srv.Client(oomnitza.WithLogger(log), oomnitza.WithRetries(2), fastBackoff)
	require.NoError(t, err)
	bad, err := oomnitza.NewClient(srv.URL, "wrong-"+canary, oomnitza.WithLogger(log))
	require.NoError(t, err)
	var texts []string
	record := func(v ...any) {
		for _, x := range v {
			texts = append(texts, fmt.Sprintf("%v|%+v|%#v", x, x, x))
		}
	}
	ctx := t.Context()
	for i := range 10 {
		_, err := c.Users.Create(ctx, oomnitza.Record{"username": fmt.Sprint("c", i), "role": 25})
		record(err)
		_, err = c.Users.Get(ctx, "missing")
		record(err)
		for _, err := range c.Users.All(ctx, nil) {
			record(err)
		}
		_, err = bad.Users.List(ctx, nil)
		record(err)
		_, err = c.SaaS.Create(ctx, &oomnitza.SaaS{SaaSName: fmt.Sprint("app", i)})
		record(err)
	}
	record(c, *c, bad, c.Users, c.SaaS)
	for _, s := range append(texts, logs.String()) {
		require.NotContains(t, s, canary)
	}
	assert.NotEmpty(t, logs.String())
}

func TestRedirectToAnotherHostNeverCarriesToken(t *testing.T) {
	var mu sync.Mutex
	var tokens []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tokens = append(tokens, r.Header.Get("Authorization2"))
		mu.Unlock()
		_, _ = io.WriteString(w, `[]`)
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer origin.Close()
	c, err := oomnitza.NewClient(origin.URL, testToken, oomnitza.WithRetries(0))
	require.NoError(t, err)
	_, err = c.Users.List(t.Context(), nil)
	require.ErrorContains(t, err, "redirect refused")
	mu.Lock()
	defer mu.Unlock()
	assert.Empty(t, tokens)
}
