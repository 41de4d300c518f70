// Command followthrough runs Follow Through, an accountability partner for
// chat: in a terminal (followthrough chat), or on the platforms a config
// file enables (followthrough run --config FILE).
//
// This package only wires the others together: it reads flags and config,
// opens the store, builds the engine and starts the adapters.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"followthrough/adapters/console"
	"followthrough/adapters/discord"
	"followthrough/adapters/slack"
	"followthrough/bot"
	"followthrough/prompts"
	"followthrough/store"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// exit codes
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

const usage = `followthrough — an accountability partner that lives in chat

Usage:
  followthrough                      chat in this terminal (same as "chat")
  followthrough chat [flags]         chat in this terminal, no tokens needed
  followthrough run --config FILE    run the platforms FILE enables
  followthrough backup --db FILE OUT copy the database of a stopped bot
  followthrough check --db FILE|URL  run the database's consistency check
  followthrough copy --from A --to B copy everything from one database to another
                                     (a bbolt file or a postgres:// URL)
  followthrough bench [--json]       measure the engine, delivery and reminders at scale
                                     (built in with -tags bench only)
  followthrough version              print the version

Run "followthrough chat -h" for the chat flags.
`

// run is main without the process: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "chat"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "chat":
		err = runChat(ctx, args, stdin, stdout, stderr)
	case "run":
		err = runPlatforms(ctx, args, stderr)
	case "backup":
		err = runBackup(ctx, args, stdout, stderr)
	case "check":
		err = runCheck(ctx, args, stdout, stderr)
	case "copy":
		err = runCopy(ctx, args, stdout, stderr)
	case "bench":
		err = runBench(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "followthrough", versionString())
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "followthrough: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "followthrough %s: %v\n", cmd, err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "followthrough: %v\n", err)
		return exitError
	}
}

// usageError is a mistake in the command line.
type usageError struct{ error }

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

// defaultDBPath follows the XDG base directory convention.
func defaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "followthrough", "followthrough.db")
}

// loginName is the default console user.
func loginName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if n := os.Getenv("USER"); n != "" {
		return n
	}
	return "you"
}

// localZone finds the IANA name of this machine's zone, for people who
// do not say theirs.
func localZone() string {
	if tz := strings.TrimPrefix(os.Getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
	}
	if target, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.Index(target, "zoneinfo/"); i >= 0 {
			name := target[i+len("zoneinfo/"):]
			if _, err := time.LoadLocation(name); err == nil {
				return name
			}
		}
	}
	if b, err := os.ReadFile("/etc/timezone"); err == nil {
		name := strings.TrimSpace(string(b))
		if _, err := time.LoadLocation(name); err == nil && name != "" {
			return name
		}
	}
	return "UTC"
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// The years a simulated clock may start in.
const minStartYear, maxStartYear = 1970, 2200

func runChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", defaultDBPath(), "database file")
	name := fs.String("user", loginName(), "your name in this conversation")
	zone := fs.String("tz", localZone(), "your IANA time zone, like Europe/Berlin")
	clock := fs.String("clock", "real", "real, or simulated (then /wait 36h moves time on)")
	start := fs.String("start", "", "with --clock simulated: the start time, like 2026-03-02T08:00:00 (in --tz)")
	configPath := fs.String("config", "", "optional config file (for prompts, grace, log level)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	cfg := defaultConfig()
	cfg.Log.Level = "warn"
	if *configPath != "" {
		var err error
		if cfg, err = loadConfig(*configPath); err != nil {
			return err
		}
	}
	// The zone as it is used, everywhere: "UTC " would pass here and
	// fail in the console, after the banner.
	*zone = strings.TrimSpace(*zone)
	zones := bot.NewZones()
	loc, err := zones.Load(*zone)
	if err != nil {
		return usageError{fmt.Errorf("--tz: %v", err)}
	}
	userName, _ := bot.CleanText(*name)
	if userName == "" || strings.ContainsAny(userName, ":\n\t ") || len(userName) > 64 {
		return usageError{fmt.Errorf("--user %q: use a short name without spaces or colons", *name)}
	}
	var sim *bot.SimClock
	var clk bot.Clock = bot.SystemClock{}
	switch *clock {
	case "real":
		if *start != "" {
			return usageError{errors.New("--start needs --clock simulated")}
		}
	case "simulated":
		t := time.Now().In(loc).Truncate(time.Minute)
		if *start != "" {
			if t, err = time.ParseInLocation("2006-01-02T15:04:05", *start, loc); err != nil {
				if t, err = time.ParseInLocation("2006-01-02T15:04", *start, loc); err != nil {
					return usageError{fmt.Errorf("--start %q: write it like 2026-03-02T08:00:00", *start)}
				}
			}
		}
		// Times are kept as nanoseconds since 1970, which run out in
		// 2262: a start outside these years made every check-in the same.
		if y := t.Year(); y < minStartYear || y > maxStartYear {
			return usageError{fmt.Errorf("--start %q: the year must be between %d and %d", *start, minStartYear, maxStartYear)}
		}
		sim = bot.NewSimClock(t)
		clk = sim
	default:
		return usageError{fmt.Errorf("--clock %q: use real or simulated", *clock)}
	}
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	a, err := assemble(*dbPath, cfg, clk, *zone, log, nil)
	if err != nil {
		return err
	}
	defer a.db.Close()
	db, engine, wake, queued := a.db, a.engine, a.wake, a.queued
	chat := &console.Chat{
		Engine: engine, Outbox: db, In: stdin, Out: stdout,
		User: userName, Zone: *zone, Sim: sim, Prompt: isTerminal(stdin), Echo: !isTerminal(stdin), Greet: isTerminal(stdin),
		Wake: wake, Queued: queued, FilesDir: exportsDir(*dbPath),
	}
	if sim == nil {
		startHousekeeping(ctx, db, log)
	}
	if chat.Prompt {
		fmt.Fprintf(stdout, "Follow Through — chatting as %s (%s). /help for commands, Ctrl-D to leave.\n\n", userName, *zone)
	}
	return chat.Run(ctx)
}

// notify wakes a goroutine waiting on ch without blocking.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runPlatforms(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "config file (see config.example.yaml)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if *configPath == "" {
		return usageError{errors.New("--config FILE is required (start from config.example.yaml)")}
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		return err
	}
	if !cfg.Discord.Enabled && !cfg.Slack.Enabled {
		return fmt.Errorf("%s enables no chat platform: set discord.enabled or slack.enabled to true (see the README's Discord and Slack sections). To talk to the bot in this terminal: followthrough chat --db %s", *configPath, describeDatabase(cfg.Database))
	}
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	if cfg.Backup.Dir != "" {
		if err := store.CheckWritable(cfg.Backup.Dir); err != nil {
			return fmt.Errorf("backup.dir %s cannot be written: %w", cfg.Backup.Dir, err)
		}
	}
	var m *metrics
	a, err := assemble(cfg.Database, cfg, bot.SystemClock{}, cfg.Zone, log, func(db database) bot.Metrics {
		m = newMetrics(db)
		return m
	})
	if err != nil {
		return err
	}
	defer a.db.Close()
	db, engine, wake := a.db, a.engine, a.wake
	platforms, slackHTTP, err := buildPlatforms(cfg, a, m, log)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		_ = engine.RunScheduler(runCtx, wake)
	}()
	startHousekeeping(runCtx, db, log)
	if cfg.HTTP.Addr != "" || cfg.HTTP.MetricsAddr != "" {
		ready := func() error {
			for _, p := range platforms {
				if !p.connected() {
					return errors.New(p.name + ": not connected")
				}
			}
			return nil
		}
		addr, metricsAddr, err := serveHTTP(runCtx, listeners{addr: cfg.HTTP.Addr, metricsAddr: cfg.HTTP.MetricsAddr,
			health: healthMux(m, db, ready), slack: slackHTTP}, log)
		if err != nil {
			return fmt.Errorf("http.addr %s: %w", cfg.HTTP.Addr, err)
		}
		log.Info("http listening", "addr", addr, "metrics_addr", metricsAddr)
	}
	if file, ok := boltFile(db); ok && cfg.Backup.Dir != "" {
		startBackups(runCtx, file, cfg.Backup.Dir, cfg.Backup.Every.Duration, int(cfg.Backup.Keep), log)
	}
	log.Info("followthrough running", "version", versionString(), "database", describeDatabase(cfg.Database))
	runErr := runAll(runCtx, platforms)
	cancel()
	select {
	case <-stopped:
	case <-time.After(cfg.Shutdown.Timeout.Duration):
		log.Warn("shutdown deadline passed; closing the database anyway")
	}
	if runErr != nil {
		return runErr
	}
	log.Info("followthrough stopped cleanly")
	return nil
}

// platform is one running chat platform.
type platform struct {
	name      string
	run       func(context.Context) error
	connected func() bool
}

// buildPlatforms makes the adapters the config enables, each with its
// own wake-up channel for the outbox. Tokens come from the environment.
func buildPlatforms(cfg Config, a *assembled, m *metrics, log *slog.Logger) ([]platform, http.Handler, error) {
	var out []platform
	var slackHTTP http.Handler
	var delivery bot.DeliveryMetrics
	if m != nil {
		delivery = m
	}
	if cfg.Discord.Enabled {
		d, err := discord.New(discord.Options{
			Token: os.Getenv("DISCORD_TOKEN"), APIURL: cfg.Discord.APIURL, Guilds: cfg.Discord.Guilds,
			Engine: a.engine, Store: a.db, Log: log, Queued: a.subscribe(), Reconnect: true, Metrics: delivery,
			Rate: cfg.Discord.SendPerSecond, Grace: cfg.Reminders.Grace.Duration,
			Burst: int(cfg.Limits.Burst), PerMinute: cfg.Limits.PerMinute, OutboxMax: int(cfg.Limits.Outbox), OutboxDepth: a.outboxDepth(discord.Platform),
		})
		if err != nil {
			return nil, nil, err
		}
		out = append(out, platform{"discord", d.Run, d.Connected})
	}
	if cfg.Slack.Enabled {
		s, err := slack.New(slack.Options{
			BotToken: os.Getenv("SLACK_BOT_TOKEN"), AppToken: os.Getenv("SLACK_APP_TOKEN"), SigningSecret: os.Getenv("SLACK_SIGNING_SECRET"),
			Mode: cfg.Slack.Mode, APIURL: cfg.Slack.APIURL, Command: cfg.Slack.Command, Channel: cfg.Slack.Channel,
			Engine: a.engine, Store: a.db, Log: log, Queued: a.subscribe(), Metrics: delivery,
			Rate: cfg.Slack.SendPerSecond, PerChannel: cfg.Slack.PerChannel.Duration, Grace: cfg.Reminders.Grace.Duration,
			Burst: int(cfg.Limits.Burst), PerMinute: cfg.Limits.PerMinute, OutboxMax: int(cfg.Limits.Outbox), OutboxDepth: a.outboxDepth(slack.Platform),
		})
		if err != nil {
			return nil, nil, err
		}
		if cfg.Slack.Mode == slack.HTTP {
			slackHTTP = s.Handler()
		}
		out = append(out, platform{"slack", s.Run, s.Connected})
	}
	return out, slackHTTP, nil
}

// runAll runs the platforms until ctx ends or one fails; a platform that
// stops by itself without an error (Slack after an uninstall) leaves the
// others running.
func runAll(ctx context.Context, platforms []platform) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(platforms))
	for _, p := range platforms {
		go func() { errs <- p.run(ctx) }()
	}
	var first error
	for range platforms {
		if err := <-errs; err != nil && first == nil {
			first = err
			cancel()
		}
	}
	return first
}

// assembled is the core every way of running shares: the store, the
// engine on it, and the channels that wake the scheduler and senders.
type assembled struct {
	db           database
	engine       *bot.Engine
	wake, queued chan struct{}
	// senders are more wake-up channels for the outbox, one per platform
	// sender; made before the engine runs.
	senders []chan struct{}
}

// outboxDepth reads how many replies wait for a platform.
func (a *assembled) outboxDepth(platform string) func(context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		stats, err := a.db.OutboxStats(ctx)
		return stats[platform].Depth, err
	}
}

// subscribe gives a platform sender its own wake-up channel.
func (a *assembled) subscribe() <-chan struct{} {
	ch := make(chan struct{}, 1)
	a.senders = append(a.senders, ch)
	return ch
}

// escapes are the engine's escaping of echoed text, per platform. For
// now each is the identity: the Slack adapter escapes whole texts as it
// sends them, and Discord's messages parse no mentions.
func escapes() map[string]func(string) string {
	same := func(s string) string { return s }
	return map[string]func(string) string{console.Platform: same, discord.Platform: same, slack.Platform: same}
}

// assemble opens the database, loads the words and builds the engine.
// metricsFor, if set, builds the metrics once the store is open.
func assemble(dbPath string, cfg Config, clk bot.Clock, zone string, log *slog.Logger, metricsFor func(database) bot.Metrics) (*assembled, error) {
	db, err := openDatabase(context.Background(), dbPath, false)
	if err != nil {
		return nil, err
	}
	words, err := prompts.New(cfg.Prompts)
	if err != nil {
		db.Close()
		return nil, err
	}
	a := &assembled{db: db, wake: make(chan struct{}, 1), queued: make(chan struct{}, 1)}
	var m bot.Metrics
	if metricsFor != nil {
		m = metricsFor(db)
	}
	a.engine, err = bot.New(bot.Config{
		Store: db, Words: words, Clock: clk, Log: log, Grace: cfg.Reminders.Grace.Duration,
		DefaultZone: zone, Metrics: m, Weekly: cfg.weekly(), Escape: escapes(),
		Safety:     bot.SafetyConfig{Emergency: cfg.Safety.Emergency, Helplines: cfg.Safety.Helplines},
		CheckAfter: cfg.checkAfter(),
		Queued: func() {
			notify(a.queued)
			for _, ch := range a.senders {
				notify(ch)
			}
		},
		Rescheduled: func() { notify(a.wake) },
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}
