package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"

	"followthrough/store"
)

// TestMetricsOnTheirOwnAddress: with http.metrics_addr, /metrics,
// /healthz and /readyz answer there and not on http.addr, which serves
// only Slack; without it, one address serves both.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bdb := boltDatabase{db}
	health := healthMux(newMetrics(bdb), bdb, func() error { return nil })
	slackHTTP := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "slack") })
	get := func(addr, path string) int {
		t.Helper()
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	log := slog.New(slog.DiscardHandler)

	addr, metricsAddr, err := serveHTTP(ctx, listeners{addr: "127.0.0.1:0", metricsAddr: "127.0.0.1:0", health: health, slack: slackHTTP}, log)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/metrics": 200, "/healthz": 200, "/readyz": 200} {
		if got := get(metricsAddr, path); got != want {
			t.Errorf("%s on metrics_addr: %d", path, got)
		}
		if got := get(addr, path); got != http.StatusNotFound {
			t.Errorf("%s on the Slack address: %d; want 404", path, got)
		}
	}
	if got := get(addr, "/slack/events"); got != 200 {
		t.Errorf("/slack/ on addr: %d", got)
	}
	if got := get(metricsAddr, "/slack/events"); got != http.StatusNotFound {
		t.Errorf("/slack/ on metrics_addr: %d; want 404", got)
	}

	one, none, err := serveHTTP(ctx, listeners{addr: "127.0.0.1:0", health: health, slack: slackHTTP}, log)
	if err != nil || none != "" {
		t.Fatalf("one listener: %q %v", none, err)
	}
	if get(one, "/metrics") != 200 || get(one, "/slack/events") != 200 {
		t.Error("one address does not serve both")
	}
}

// TestSafetyRepliesAreCounted: each reply to distress counts by level,
// and nothing else of it reaches the metrics.
func TestSafetyRepliesAreCounted(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := newMetrics(boltDatabase{db})
	m.SafetyReply("discord", "crisis")
	m.SafetyReply("discord", "crisis")
	m.SafetyReply("slack", "concern")
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "followthrough_safety_replies_total" {
			continue
		}
		for _, mt := range f.GetMetric() {
			key := ""
			for _, l := range mt.GetLabel() {
				key += l.GetName() + "=" + l.GetValue() + " "
			}
			got[key] = mt.GetCounter().GetValue()
		}
	}
	if got["level=crisis platform=discord "] != 2 || got["level=concern platform=slack "] != 1 || len(got) != 2 {
		t.Fatalf("safety replies counted as %v", got)
	}
}
