package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"followthrough/store"
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
}

func newMetrics(db *store.DB) *metrics {
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
	}
	m.reg.MustRegister(m.events, m.latency, m.sent, m.failures, m.reminders,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{db: db})
	return m
}

func (m *metrics) EventHandled(platform, kind string, took time.Duration) {
	m.events.WithLabelValues(platform, kind).Inc()
	m.latency.WithLabelValues(platform).Observe(took.Seconds())
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
	db             *store.DB
	mu             sync.Mutex
	at             time.Time
	people, active int
}

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
	if stats, err := c.db.OutboxStats(); err == nil {
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
		if all, active, err := c.db.PeopleStats(time.Now().Add(-7 * 24 * time.Hour)); err == nil {
			c.people, c.active, c.at = all, active, time.Now()
		}
	}
	people, active := c.people, c.active
	c.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(peopleDesc, prometheus.GaugeValue, float64(people), "all")
	ch <- prometheus.MustNewConstMetric(peopleDesc, prometheus.GaugeValue, float64(active), "active_7d")
}

// serveHTTP runs the health and metrics listener until ctx ends.
// /healthz: the process answers. /readyz: the store answers and every
// enabled platform is connected. /metrics: Prometheus.
// slackHTTP, if set, serves Slack's HTTP mode under /slack/.
func serveHTTP(ctx context.Context, addr string, m *metrics, db *store.DB, ready func() error, slackHTTP http.Handler, log *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if _, err := db.OutboxStats(); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if err := ready(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	if slackHTTP != nil {
		mux.Handle("/slack/", slackHTTP)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
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
