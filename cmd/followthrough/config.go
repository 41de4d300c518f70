package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"followthrough/bot"
	"followthrough/store/postgres"
)

// Config is the file given to `followthrough run --config FILE`. Every key
// is documented in config.example.yaml. Secrets never live here: tokens
// come from environment variables.
type Config struct {
	// Database is the bbolt file, or a postgres:// URL for PostgreSQL.
	Database string `yaml:"database"`
	// Zone is the time zone for people whose platform does not say.
	Zone string `yaml:"zone"`
	// Prompts points at a folder of message files that replace the
	// built-in wording.
	Prompts string `yaml:"prompts"`
	Log     struct {
		Level  string `yaml:"level"`
		Format string `yaml:"format"`
	} `yaml:"log"`
	Reminders struct {
		Grace Duration `yaml:"grace"`
		// CheckAfter is how long after a reminder "how did it go?"
		// follows, unless the person reported first or chose their own
		// (remind check …); 0 turns it off for everyone.
		CheckAfter *Duration `yaml:"check_after"`
	} `yaml:"reminders"`
	// Weekly is each group's digest and each coach's report.
	Weekly struct {
		Enabled bool     `yaml:"enabled"`
		Day     string   `yaml:"day"`
		Time    string   `yaml:"time"`
		Grace   Duration `yaml:"grace"`
	} `yaml:"weekly"`
	Discord struct {
		Enabled bool `yaml:"enabled"`
		// Guilds get the slash commands at once; empty: global commands.
		Guilds []string `yaml:"guilds"`
		// APIURL points at another Discord (a local fake, for tests).
		APIURL string `yaml:"api_url"`
		// SendPerSecond bounds proactive sends (Discord allows 50/s).
		SendPerSecond float64 `yaml:"send_per_second"`
	} `yaml:"discord"`
	Slack struct {
		Enabled bool `yaml:"enabled"`
		// Mode is socket (default) or http.
		Mode string `yaml:"mode"`
		// Command is the slash command named in the app's manifest.
		Command string `yaml:"command"`
		// Channel is the team channel id for public wins until an admin
		// runs setup.
		Channel string `yaml:"channel"`
		// APIURL points at another Slack (a local fake, for tests).
		APIURL string `yaml:"api_url"`
		// SendPerSecond bounds all posts; PerChannel spaces posts to one
		// conversation (Slack allows about 1 per second per channel).
		SendPerSecond float64  `yaml:"send_per_second"`
		PerChannel    Duration `yaml:"per_channel"`
	} `yaml:"slack"`
	HTTP struct {
		// Addr is where /healthz, /readyz and /metrics listen, and
		// Slack's HTTP mode; empty: off.
		Addr string `yaml:"addr"`
		// MetricsAddr, if set, takes /healthz, /readyz and /metrics off
		// Addr, onto a listener of their own (on loopback, say, while
		// Addr faces Slack).
		MetricsAddr string `yaml:"metrics_addr"`
	} `yaml:"http"`
	// Safety is where a reply to distress points people: the emergency
	// number to call and where to find a free helpline. Empty: the words
	// in the prompts (an international default).
	Safety struct {
		Emergency string `yaml:"emergency"`
		Helplines string `yaml:"helplines"`
	} `yaml:"safety"`
	// Limits bound what people and floods can make the bot keep.
	Limits struct {
		// PerMinute and Burst bound each person's events: Burst at
		// once, PerMinute on average; past it, events are dropped and
		// the person told once in a while.
		PerMinute float64 `yaml:"per_minute"`
		Burst     Count   `yaml:"burst"`
		// Outbox bounds the replies waiting for one platform: past it,
		// new events are refused so that the platform sends them again
		// later (Slack) or are read later (Discord).
		Outbox Count `yaml:"outbox"`
	} `yaml:"limits"`
	Backup struct {
		Dir   string   `yaml:"dir"`
		Every Duration `yaml:"every"`
		Keep  Count    `yaml:"keep"`
	} `yaml:"backup"`
	Shutdown struct {
		Timeout Duration `yaml:"timeout"`
	} `yaml:"shutdown"`
}

// Duration is a time.Duration written like "2h", "90m" or "1d".
type Duration struct{ time.Duration }

// UnmarshalYAML reads a duration, naming the line of a bad one.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := bot.ParseDuration(n.Value)
	if err != nil || n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: %q is not a duration (write it like 2h, 90m or 1d)", n.Line, n.Value)
	}
	d.Duration = v
	return nil
}

// Count is a whole number. The YAML library reads 1.5 into an int as 1,
// without a word; a count that is not written as a whole number is an
// error instead.
type Count int

// UnmarshalYAML reads a whole number, naming the line of anything else.
func (c *Count) UnmarshalYAML(n *yaml.Node) error {
	var v int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		return fmt.Errorf("line %d: %q is not a whole number", n.Line, n.Value)
	}
	*c = Count(v)
	return nil
}

// checkAfter is the engine's delay for "how did it go?": the file's, the
// engine's default when it says nothing, never when it says 0.
func (c *Config) checkAfter() time.Duration {
	switch {
	case c.Reminders.CheckAfter == nil:
		return 0
	case c.Reminders.CheckAfter.Duration <= 0:
		return -1
	}
	return c.Reminders.CheckAfter.Duration
}

// defaultConfig is what applies where the file says nothing.
func defaultConfig() Config {
	var c Config
	c.Database = defaultDBPath()
	c.Zone = "UTC"
	c.Log.Level = "info"
	c.Log.Format = "text"
	c.Reminders.Grace = Duration{2 * time.Hour}
	c.Weekly.Enabled = true
	c.Weekly.Day = "sunday"
	c.Weekly.Time = "18:00"
	c.Weekly.Grace = Duration{12 * time.Hour}
	c.Shutdown.Timeout = Duration{10 * time.Second}
	c.Backup.Every = Duration{6 * time.Hour}
	c.Backup.Keep = 14
	c.Discord.SendPerSecond = 40
	c.Slack.SendPerSecond = 20
	c.Slack.PerChannel = Duration{time.Second}
	c.Slack.Mode = "socket"
	c.Slack.Command = "/followthrough"
	c.Limits.PerMinute = 30 // as adapters/internal/limit's defaults
	c.Limits.Burst = 20
	c.Limits.Outbox = 20000
	return c
}

// loadConfig reads and checks a config file. Errors name the file, the
// line and the key.
func loadConfig(path string) (Config, error) {
	c := defaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if err := parseConfig(b, &c); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

func parseConfig(b []byte, c *Config) error {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return cleanYAMLError(err, &root)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return cleanYAMLError(err, &root)
	}
	// A second document (after ---) would be silently ignored.
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return fmt.Errorf("line %d: a second YAML document (after ---); the config is one document, so put all its keys in one", lastMarker(b))
	} else if !errors.Is(err, io.EOF) {
		return cleanYAMLError(err, &root)
	}
	check := func(key string, ok bool, what string) error {
		if ok {
			return nil
		}
		return fmt.Errorf("line %d: %s: %s", lineOf(&root, key), key, what)
	}
	zones := bot.NewZones()
	_, zerr := zones.Load(c.Zone)
	for _, err := range []error{
		check("database", strings.TrimSpace(c.Database) != "", "must name a file, or a postgres:// URL"),
		check("backup.dir", c.Backup.Dir == "" || !postgres.IsURL(c.Database), "is for the bbolt file: back PostgreSQL up with pg_dump (see the README)"),
		check("zone", zerr == nil, fmt.Sprintf("%q is not an IANA time zone (like Europe/Berlin)", c.Zone)),
		check("log.level", oneOf(c.Log.Level, "debug", "info", "warn", "error"), fmt.Sprintf("%q: use debug, info, warn or error", c.Log.Level)),
		check("log.format", oneOf(c.Log.Format, "text", "json"), fmt.Sprintf("%q: use text or json", c.Log.Format)),
		check("reminders.grace", c.Reminders.Grace.Duration > 0 && c.Reminders.Grace.Duration <= 7*24*time.Hour, "must be between 1m and 7d"),
		check("weekly.day", validWeekday(c.Weekly.Day), fmt.Sprintf("%q: use a day of the week, like sunday or fri", c.Weekly.Day)),
		check("weekly.time", validClock(c.Weekly.Time), fmt.Sprintf("%q: use a time of day, like 18:00", c.Weekly.Time)),
		check("weekly.grace", c.Weekly.Grace.Duration > 0 && c.Weekly.Grace.Duration <= 6*24*time.Hour, "must be between 1m and 6d"),
		check("backup.every", c.Backup.Every.Duration >= time.Minute, "must be at least 1m"),
		check("backup.keep", c.Backup.Keep >= 1 && c.Backup.Keep <= 10000, "must be between 1 and 10000"),
		check("shutdown.timeout", c.Shutdown.Timeout.Duration >= time.Second && c.Shutdown.Timeout.Duration <= 5*time.Minute, "must be between 1s and 5m"),
		check("discord.api_url", c.Discord.APIURL == "" || strings.HasPrefix(c.Discord.APIURL, "http://") || strings.HasPrefix(c.Discord.APIURL, "https://"), "must be an http(s) URL, or empty for the real Discord"),
		check("discord.guilds", validIDs(c.Discord.Guilds), "guild ids are numbers (right-click the server → Copy Server ID)"),
		check("discord.send_per_second", c.Discord.SendPerSecond > 0 && c.Discord.SendPerSecond <= 50, "must be above 0 and at most 50 (Discord's global limit)"),
		check("slack.send_per_second", c.Slack.SendPerSecond > 0 && c.Slack.SendPerSecond <= 100, "must be above 0 and at most 100"),
		check("slack.per_channel", c.Slack.PerChannel.Duration >= 0 && c.Slack.PerChannel.Duration <= time.Minute, "must be between 0s and 1m"),
		check("slack.mode", oneOf(c.Slack.Mode, "socket", "http"), fmt.Sprintf("%q: use socket (no public URL needed) or http", c.Slack.Mode)),
		check("slack.mode", !c.Slack.Enabled || c.Slack.Mode != "http" || c.HTTP.Addr != "", "http mode needs http.addr: Slack posts events to that listener (behind your HTTPS proxy)"),
		check("slack.command", slashCommand.MatchString(c.Slack.Command), fmt.Sprintf("%q: a slash command is / and up to 31 lower-case letters, digits, - or _ (as in the app manifest)", c.Slack.Command)),
		check("slack.channel", c.Slack.Channel == "" || slackChannel.MatchString(c.Slack.Channel), fmt.Sprintf("%q: use the channel's id, like C0123ABCD (channel details → About, at the bottom)", c.Slack.Channel)),
		check("http.metrics_addr", c.HTTP.MetricsAddr == "" || c.HTTP.MetricsAddr != c.HTTP.Addr, "must differ from http.addr (leave it empty to serve metrics on http.addr)"),
		check("limits.per_minute", c.Limits.PerMinute >= 1 && c.Limits.PerMinute <= 6000, "must be between 1 and 6000"),
		check("limits.burst", c.Limits.Burst >= 1 && c.Limits.Burst <= 10000, "must be between 1 and 10000"),
		check("limits.outbox", c.Limits.Outbox >= 100 && c.Limits.Outbox <= 10000000, "must be between 100 and 10000000"),
		check("slack.api_url", c.Slack.APIURL == "" || strings.HasPrefix(c.Slack.APIURL, "http://") || strings.HasPrefix(c.Slack.APIURL, "https://"), "must be an http(s) URL, or empty for the real Slack"),
	} {
		if err != nil {
			return err
		}
	}
	if c.Prompts != "" {
		if st, err := os.Stat(c.Prompts); err != nil || !st.IsDir() {
			return fmt.Errorf("line %d: prompts: %q is not a folder", lineOf(&root, "prompts"), c.Prompts)
		}
	}
	return nil
}

// lastMarker is the line of the last document marker (---) in b.
func lastMarker(b []byte) int {
	line := 0
	for i, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "---") {
			line = i + 1
		}
	}
	return line
}

func validWeekday(s string) bool { _, ok := bot.ParseWeekday(s); return ok }

func validClock(s string) bool { _, _, err := bot.ParseClock(s); return err == nil }

// weekly turns the config's weekly keys into the engine's.
func (c Config) weekly() bot.Weekly {
	day, _ := bot.ParseWeekday(c.Weekly.Day)
	return bot.Weekly{Off: !c.Weekly.Enabled, Day: day, Time: c.Weekly.Time, Grace: c.Weekly.Grace.Duration}
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

// lineOf finds the line of a dotted key in a YAML document, or 0.
func lineOf(doc *yaml.Node, dotted string) int {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := 0
	for _, part := range strings.Split(dotted, ".") {
		if n == nil || n.Kind != yaml.MappingNode {
			return line
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == part {
				line = n.Content[i].Line
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return line
}

// keyAt finds the dotted key written on a line of a YAML document.
func keyAt(n *yaml.Node, line int, prefix string) string {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return keyAt(n.Content[0], line, prefix)
	}
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := prefix + n.Content[i].Value
		if n.Content[i].Line == line {
			return k
		}
		v := n.Content[i+1]
		if v.Kind == yaml.MappingNode {
			if deeper := keyAt(v, line, k+"."); deeper != "" {
				return deeper
			}
		} else if v.Line == line { // a list or value starting below its key
			return k
		}
	}
	return ""
}

var (
	slashCommand = regexp.MustCompile(`^/[a-z0-9_-]{1,31}$`)
	slackChannel = regexp.MustCompile(`^[CG][A-Z0-9]{4,}$`)
	unknownField = regexp.MustCompile(`^line (\d+): field (.+) not found in type .+$`)
	wrongType    = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
)

// cleanYAMLError turns the YAML library's wording into ours, naming the
// key: "field x not found in type main.Config" becomes "unknown key x".
func cleanYAMLError(err error, root *yaml.Node) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if m := unknownField.FindStringSubmatch(l); m != nil {
			line, _ := strconv.Atoi(m[1])
			key := keyAt(root, line, "")
			if key == "" {
				key = m[2]
			}
			l = fmt.Sprintf("line %d: unknown key %q (see config.example.yaml for the keys)", line, key)
		} else if m := wrongType.FindStringSubmatch(l); m != nil {
			line, _ := strconv.Atoi(m[1])
			want := "a single value"
			switch {
			case strings.HasPrefix(m[4], "struct"), strings.HasPrefix(m[4], "main."):
				want = "a section of keys, indented below it"
			case strings.HasPrefix(m[4], "[]"):
				want = "a list"
			}
			key := keyAt(root, line, "")
			if key == "" {
				key = "this key"
			}
			what := "a " + map[string]string{"seq": "list", "map": "section", "str": "value", "int": "number", "bool": "yes/no value"}[m[2]]
			if m[3] != "" {
				what = strconv.Quote(m[3])
			}
			l = fmt.Sprintf("line %d: %s: %s does not fit here; %s takes %s (see config.example.yaml)", line, key, what, key, want)
		}
		lines = append(lines, l)
	}
	return errors.New(strings.Join(lines, "; "))
}

// validIDs reports whether every id is a Discord snowflake (digits).
func validIDs(ids []string) bool {
	for _, id := range ids {
		if id == "" || len(id) > 20 || strings.Trim(id, "0123456789") != "" {
			return false
		}
	}
	return true
}
