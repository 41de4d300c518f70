//go:build bench

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"

	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

// benchResult is what `followthrough bench` measures. The JSON keys are
// the ones the delivery work's dashboards read.
type benchResult struct {
	SpikePeople int     `json:"spike_people"`
	SpikeDue    int     `json:"spike_due"`
	SpikeQueueS float64 `json:"spike_queue_s"`
	// Resident memory: total (VmRSS), and the anonymous part the process
	// itself holds (RssAnon). The rest of the total is the kernel's
	// mapping of database file pages the spike read: page cache, shared
	// and dropped under memory pressure, not heap.
	SpikeRSSMB       float64 `json:"spike_rss_mb"`
	SpikeAnonMB      float64 `json:"spike_anon_mb"`
	IdleRSSMB        float64 `json:"idle_rss_mb"`
	StartupS         float64 `json:"startup_s"`
	NaiveCronRSSMB   float64 `json:"naive_cron_rss_mb"`
	NaiveCronAnonMB  float64 `json:"naive_cron_anon_mb"`
	NaiveOverIndex   float64 `json:"naive_over_index_rss"`
	NaiveOverIdxAnon float64 `json:"naive_over_index_anon"`
	GoVersion        string  `json:"go"`
	CPUs             int     `json:"cpus"`
	engineResult
	deliveryResult
	postgresResult
}

// childReport is what a measuring child process prints.
type childReport struct {
	StartupS float64 `json:"startup_s,omitempty"`
	QueueS   float64 `json:"queue_s,omitempty"`
	Queued   int     `json:"queued,omitempty"`
	IdleRSS  float64 `json:"idle_rss_mb,omitempty"`
	RSS      float64 `json:"rss_mb"`
	Anon     float64 `json:"anon_mb"`
}

// spikeAt is the minute at which the spike's people are all due.
var spikeAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	people := fs.Int("people", 100000, "people with daily reminders")
	due := fs.Int("due", 10000, "of them, how many are due in the same minute")
	child := fs.String("child", "", "internal: measure one design in this process (index or naive)")
	dbPath := fs.String("db", "", "internal: the database the index child measures")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of queueing the spike to this file")
	enginePeople := fs.Int("engine-people", 1000, "people sending events in the engine throughput test")
	events := fs.Int("events", 20000, "events in the engine throughput test")
	workers := fs.Int("workers", 64, "concurrent chats in the engine throughput test")
	steady := fs.Int("steady", 1000, "events per second for the latency test")
	steadyFor := fs.Duration("steady-for", 5*time.Second, "how long the latency test runs")
	messages := fs.Int("messages", 500, "messages in the delivery test")
	limit := fs.Int("limit", 50, "the fake Discord's global limit, requests per second")
	pgServer := fs.String("postgres", os.Getenv("FOLLOWTHROUGH_BENCH_POSTGRES"), "a PostgreSQL server (postgres://...) to measure the engine on too, in a schema of its own; default $FOLLOWTHROUGH_BENCH_POSTGRES")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	switch *child {
	case "index":
		return benchIndexChild(ctx, *dbPath, *due, *cpuProfile, stdout)
	case "naive":
		return benchNaiveChild(*people, stdout)
	case "":
	default:
		return usageError{fmt.Errorf("--child %q", *child)}
	}
	if *people < 1 || *due < 0 || *due > *people || *people > 5_000_000 {
		return usageError{errors.New("--people must be 1 to 5,000,000 and --due at most --people")}
	}
	if *messages < 1 || *limit < 1 || *limit > 1000 {
		return usageError{errors.New("--messages must be positive and --limit 1 to 1000")}
	}
	if *enginePeople < 1 || *events < 1 || *workers < 1 || *steady < 1 || *steady > 100000 || *steadyFor < 100*time.Millisecond {
		return usageError{errors.New("--engine-people, --events, --workers and --steady must be positive (--steady at most 100000), --steady-for at least 100ms")}
	}

	dir, err := os.MkdirTemp("", "followthrough-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bench.db")
	fmt.Fprintf(stderr, "bench: writing %d people (%d due at %s) to %s\n", *people, *due, spikeAt.Format("15:04 MST"), path)
	if err := benchPopulate(ctx, path, *people, *due); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var index, naive childReport
	fmt.Fprintln(stderr, "bench: measuring the due index (start-up, queueing the spike, memory)")
	if err := runChild(ctx, self, &index, "--child", "index", "--db", path, "--due", strconv.Itoa(*due), "--cpuprofile", *cpuProfile); err != nil {
		return err
	}
	if index.Queued != *due {
		return fmt.Errorf("bench: queued %d reminders, want %d", index.Queued, *due)
	}
	fmt.Fprintln(stderr, "bench: measuring the naive design (one robfig/cron entry per person)")
	if err := runChild(ctx, self, &naive, "--child", "naive", "--people", strconv.Itoa(*people)); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "bench: engine throughput (%d events from %d people, %d at a time) and latency at %d/s\n", *events, *enginePeople, *workers, *steady)
	eng, err := benchEngine(ctx, dir, *enginePeople, *events, *workers, *steady, *steadyFor)
	if err != nil {
		return err
	}
	var pg postgresResult
	if *pgServer != "" {
		fmt.Fprintf(stderr, "bench: the same on PostgreSQL (%s), and raw PostgreSQL doing the same writes\n", describeDatabase(*pgServer))
		if pg, err = benchPostgres(ctx, *pgServer, *enginePeople, *events, *workers, *steady, *steadyFor); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "bench: delivery of %d messages through discordgo to a fake Discord allowing %d/s\n", *messages, *limit)
	del, err := benchDelivery(ctx, dir, *messages, *limit)
	if err != nil {
		return err
	}
	res := benchResult{engineResult: eng, deliveryResult: del, postgresResult: pg,
		SpikePeople: *people, SpikeDue: *due, SpikeQueueS: index.QueueS, SpikeRSSMB: index.RSS,
		SpikeAnonMB: index.Anon, IdleRSSMB: index.IdleRSS, StartupS: index.StartupS,
		NaiveCronRSSMB: naive.RSS, NaiveCronAnonMB: naive.Anon,
		GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
	}
	if index.RSS > 0 && index.Anon > 0 {
		res.NaiveOverIndex = naive.RSS / index.RSS
		res.NaiveOverIdxAnon = naive.Anon / index.Anon
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "engine\t%d people, events handled end to end with a durable commit\n", *enginePeople)
	fmt.Fprintf(tw, "  throughput\t%.0f events/s (%d at a time)\n", res.EventsPerS, *workers)
	fmt.Fprintf(tw, "  raw bbolt, batched, the same writes\t%.0f events' writes/s (engine at %.0f%% of it)\n", res.CeilingPerS, 100*res.OfCeiling)
	fmt.Fprintf(tw, "  what each event wrote\tperson %d B, win %d B, outbox entry %d B, event id %d B (and its time)\n",
		res.Shape.Person, res.Shape.Win, res.Shape.Outbox, res.Shape.EventID)
	fmt.Fprintf(tw, "  latency at a steady %d/s\tp50 %.2f ms, p99 %.2f ms\n", res.SteadyRate, res.P50ms, res.P99ms)
	if *pgServer != "" {
		fmt.Fprintf(tw, "engine on PostgreSQL\tthe same events, one instance, a pool of %d connections\n", res.PgConns)
		fmt.Fprintf(tw, "  throughput\t%.0f events/s (bbolt: %.0f)\n", res.PgEventsPerS, res.EventsPerS)
		fmt.Fprintf(tw, "  raw PostgreSQL, the same writes\t%.0f events' writes/s (engine at %.0f%% of it)\n", res.PgRawPerS, 100*res.PgOfRaw)
		fmt.Fprintf(tw, "  what each event wrote\tperson %d B, win %d B, outbox entry %d B, event id %d B\n",
			res.PgShape.Person, res.PgShape.Win, res.PgShape.Outbox, res.PgShape.EventID)
		fmt.Fprintf(tw, "  latency at a steady %d/s\tp50 %.2f ms, p99 %.2f ms (bbolt: p50 %.2f ms, p99 %.2f ms)\n",
			res.SteadyRate, res.PgP50ms, res.PgP99ms, res.P50ms, res.P99ms)
	}
	fmt.Fprintf(tw, "delivery\t%d messages through discordgo, the fake Discord allowing %d/s\n", res.Messages, res.LimitPerS)
	fmt.Fprintf(tw, "  time\t%.2f s; the limit allows %.2f s at best (%.2fx)\n", res.Seconds, res.BoundS, res.OverBound)
	fmt.Fprintf(tw, "  answered 429\t%d of %d requests\n", res.Got429, res.Requests)
	fmt.Fprintf(tw, "  lost, duplicated\t%d, %d\n", res.Lost, res.Duplicates)
	fmt.Fprintf(tw, "reminder spike\t%d people, %d due in one minute (%s, %d CPUs)\n", *people, *due, res.GoVersion, res.CPUs)
	fmt.Fprintf(tw, "  start-up with %d schedules\t%.3f s\n", *people, res.StartupS)
	fmt.Fprintf(tw, "  queue %d due reminders\t%.3f s\n", *due, res.SpikeQueueS)
	fmt.Fprintf(tw, "  resident memory, idle\t%.1f MB\n", res.IdleRSSMB)
	fmt.Fprintf(tw, "  resident memory after the spike\t%.1f MB anonymous, %.1f MB with mapped database pages\n", res.SpikeAnonMB, res.SpikeRSSMB)
	fmt.Fprintf(tw, "  naive: one cron entry per person\t%.1f MB anonymous (%.1fx), %.1f MB in all (%.1fx)\n",
		res.NaiveCronAnonMB, res.NaiveOverIdxAnon, res.NaiveCronRSSMB, res.NaiveOverIndex)
	return tw.Flush()
}

func runChild(ctx context.Context, self string, into *childReport, args ...string) error {
	cmd := exec.CommandContext(ctx, self, append([]string{"bench"}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bench child %v: %v: %s", args, err, errOut.String())
	}
	return json.Unmarshal(out.Bytes(), into)
}

// benchZones are where the bench's people live: the spike minute is 09:00
// UTC, which is a different local time in each.
var benchZones = []string{"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC", "America/Los_Angeles"}

// benchPopulate writes people with daily reminders spread over the day,
// due of them at spikeAt.
func benchPopulate(ctx context.Context, path string, people, due int) error {
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer db.Close()
	zones := bot.NewZones()
	batch := make([]*bot.Person, 0, 10000)
	for i := 0; i < people; i++ {
		zone := benchZones[i%len(benchZones)]
		loc, err := zones.Load(zone)
		if err != nil {
			return err
		}
		var at time.Time
		if i < due {
			at = spikeAt // 09:00 UTC, whatever that is locally
		} else {
			// Spread over the day, never in the spike minute.
			at = spikeAt.Add(time.Duration(1+i%1439) * time.Minute)
		}
		local := at.In(loc)
		hhmm := fmt.Sprintf("%02d:%02d", local.Hour(), local.Minute())
		p := &bot.Person{
			ID: bot.NewPersonID("bench", strconv.Itoa(i)), Version: 1,
			Identity: bot.Identity{Name: "Person " + strconv.Itoa(i), Zone: zone,
				Joined: spikeAt.Add(-30 * 24 * time.Hour), LastSeen: spikeAt.Add(-time.Hour)},
			Plan: bot.Plan{Goal: "Write 300 words of my novel every weekday", Step: "open the draft and write one sentence",
				StartingReason: "my writing group meets monthly and I keep arriving empty-handed",
				Anchor:         bot.Anchor{Habit: "my morning coffee", Time: hhmm}, Onboarded: true},
			Schedule: bot.Schedule{Cron: fmt.Sprintf("%d %d * * *", local.Minute(), local.Hour()), Label: "daily at " + hhmm, Next: at},
		}
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			if err := db.Import(ctx, batch, 0); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return db.Import(ctx, batch, 0)
}

// benchIndexChild is Follow Through's design: open the database, find the
// next due time (start-up), then fire the spike and queue its reminders.
func benchIndexChild(ctx context.Context, path string, due int, cpuProfile string, stdout io.Writer) error {
	start := time.Now()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	words, err := prompts.New("")
	if err != nil {
		return err
	}
	clock := bot.NewSimClock(spikeAt.Add(-time.Minute))
	engine, err := bot.New(bot.Config{Store: db, Words: words, Clock: clock})
	if err != nil {
		return err
	}
	next, ok, err := engine.NextDue(ctx)
	if err != nil || !ok || !next.Equal(spikeAt) && due > 0 {
		return fmt.Errorf("bench: next due %v %v %v; want %v", next, ok, err, spikeAt)
	}
	rep := childReport{StartupS: time.Since(start).Seconds()}
	runtime.GC()
	rep.IdleRSS, _ = rssMB()

	clock.Set(spikeAt.Add(30 * time.Second))
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	t0 := time.Now()
	if _, err := engine.FireDue(ctx); err != nil {
		return err
	}
	rep.QueueS = time.Since(t0).Seconds()
	queued, err := db.Pending(ctx, "bench", due+1)
	if err != nil {
		return err
	}
	rep.Queued = len(queued)
	queued = nil
	runtime.GC()
	rep.RSS, rep.Anon = rssMB()
	return json.NewEncoder(stdout).Encode(rep)
}

// benchNaiveChild is the design we did not build: one robfig/cron entry
// per person, each with its own CRON_TZ, all held in memory.
func benchNaiveChild(people int, stdout io.Writer) error {
	c := cron.New()
	for i := 0; i < people; i++ {
		zone := benchZones[i%len(benchZones)]
		id := bot.NewPersonID("bench", strconv.Itoa(i))
		spec := fmt.Sprintf("CRON_TZ=%s %d %d * * *", zone, i%60, (i/60)%24)
		if _, err := c.AddFunc(spec, func() { _ = id }); err != nil {
			return err
		}
	}
	c.Start()
	defer c.Stop()
	runtime.GC()
	var rep childReport
	rep.RSS, rep.Anon = rssMB()
	return json.NewEncoder(stdout).Encode(rep)
}

// rssMB reads this process's resident set size and its anonymous part
// from /proc (Linux); zeros where that is not available.
func rssMB() (total, anon float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	field := func(name string) float64 {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, name+":"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				return kb / 1024
			}
		}
		return 0
	}
	return field("VmRSS"), field("RssAnon")
}
