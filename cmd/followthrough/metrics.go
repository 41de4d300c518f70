package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"followthrough/adapters/slack"
)

// metrics implements bot.Metrics and bot.DeliveryMetrics on a Prometheus
// registry of its own (no global state).
type metrics struct {
	reg       *prometheus.Registry
	events    *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	sent      *prometheus.CounterVec
	failures  *prometheus.CounterVec
	reminders *prometheus.CounterVec
	safety    *prometheus.CounterVec
}

func newMetrics(db database) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "followthrough_events_total",
			Help: "Events handled, by platform and kind (message, command, action)."}, []string{"platform", "kind"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "followthrough_event_seconds",
			Help:    "Time to handle an event end to end (engine, durable commit, outbox).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}}, []string{"platform"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "followthrough_replies_sent_total",
			Help: "Replies the platform accepted."}, []string{"platform"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "followthrough_send_failures_total",
			Help: "Failed send attempts, by reason."}, []string{"platform", "reason"}),
		reminders: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "followthrough_reminders_total",
			Help: "Due reminders: sent on time, sent late after downtime, or skipped."}, []string{"result"}),
		safety: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "followthrough_safety_replies_total",
			Help: "Replies to distress, by level (crisis, concern): counts only, never what was said."}, []string{"platform", "level"}),
	}
	m.reg.MustRegister(m.events, m.latency, m.sent, m.failures, m.reminders, m.safety,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{db: db})
	return m
}

func (m *metrics) EventHandled(platform, kind string, took time.Duration) {
	m.events.WithLabelValues(platform, kind).Inc()
	m.latency.WithLabelValues(platform).Observe(took.Seconds())
}

// SafetyReply counts a reply to distress (bot.SafetyMetrics).
func (m *metrics) SafetyReply(platform, level string) {
	m.safety.WithLabelValues(platform, level).Inc()
}

func (m *metrics) Reminders(onTime, late, skipped int) {
	m.reminders.WithLabelValues("fired").Add(float64(onTime))
	m.reminders.WithLabelValues("late").Add(float64(late))
	m.reminders.WithLabelValues("skipped").Add(float64(skipped))
}

func (m *metrics) Sent(platform string)         { m.sent.WithLabelValues(platform).Inc() }
func (m *metrics) Failed(platform, kind string) { m.failures.WithLabelValues(platform, kind).Inc() }

// storeCollector reports the outbox and the people, read at scrape time;
// the people count (a full scan) is kept for a minute.
type storeCollector struct {
	db             database
	mu             sync.Mutex
	at             time.Time
	people, active int
}

// scrapeTimeout bounds the store's part of one scrape.
const scrapeTimeout = 5 * time.Second

var (
	outboxDepth = prometheus.NewDesc("followthrough_outbox_depth", "Replies waiting to be sent.", []string{"platform"}, nil)
	outboxAge   = prometheus.NewDesc("followthrough_outbox_oldest_seconds", "Age of the oldest reply waiting.", []string{"platform"}, nil)
	peopleDesc  = prometheus.NewDesc("followthrough_people", "People known, and active in the last 7 days.", []string{"state"}, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxDepth
	ch <- outboxAge
	ch <- peopleDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	// A scrape has no context of its own: a stuck store must not hold
	// it past Prometheus' own timeout.
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if stats, err := c.db.OutboxStats(ctx); err == nil {
		for platform, s := range stats {
			ch <- prometheus.MustNewConstMetric(outboxDepth, prometheus.GaugeValue, float64(s.Depth), platform)
			age := 0.0
			if !s.Oldest.IsZero() {
				age = time.Since(s.Oldest).Seconds()
			}
			ch <- prometheus.MustNewConstMetric(outboxAge, prometheus.GaugeValue, age, platform)
		}
	}
	c.mu.Lock()
	if time.Since(c.at) > time.Minute {
		if all, active, err := c.db.PeopleStats(ctx, time.Now().Add(-7*24*time.Hour)); err == nil {
			c.people, c.active, c.at = all, active, time.Now()
		}
	}
	people, active := c.people, c.active
	c.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(peopleDesc, prometheus.GaugeValue, float64(people), "all")
	ch <- prometheus.MustNewConstMetric(peopleDesc, prometheus.GaugeValue, float64(active), "active_7d")
}

// healthMux serves /healthz (the process answers), /readyz (the
// database answers — a ping of PostgreSQL, a read of the bbolt file — and
// every enabled platform is connected) and /metrics (Prometheus).
func healthMux(m *metrics, db database, ready func() error) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(r.Context()); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if err := ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return mux
}

// listeners are what the HTTP listeners serve: health and metrics, and
// Slack's HTTP mode (nil when off), on one address or two.
type listeners struct {
	addr, metricsAddr string
	health, slack     http.Handler
}

// serveHTTP runs the HTTP listeners until ctx ends and returns the
// addresses they listen on (the second empty when there is one). With
// no metricsAddr, health and metrics share addr with Slack's HTTP mode.
func serveHTTP(ctx context.Context, l listeners, log *slog.Logger) (addr, metricsAddr string, err error) {
	if l.metricsAddr == "" {
		mux := http.NewServeMux()
		mux.Handle("/", l.health)
		if l.slack != nil {
			mux.Handle("/slack/", l.slack)
		}
		addr, err = serve(ctx, l.addr, mux, log)
		return addr, "", err
	}
	if metricsAddr, err = serve(ctx, l.metricsAddr, l.health, log); err != nil {
		return "", "", fmt.Errorf("http.metrics_addr %s: %w", l.metricsAddr, err)
	}
	if l.slack != nil {
		mux := http.NewServeMux()
		mux.Handle("/slack/", l.slack)
		addr, err = serve(ctx, l.addr, mux, log)
	}
	return addr, metricsAddr, err
}

// serve runs h on addr until ctx ends, with the limits every listener
// facing a network gets: timeouts, a header cap, a bound on the
// connections open at once.
func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (string, error) {
	ln, err := slack.Listen(addr)
	if err != nil {
		return "", err
	}
	srv := slack.NewServer(h)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http listener", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	return ln.Addr().String(), nil
}
