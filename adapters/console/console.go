// Package console lets a person talk to Follow Through in a terminal, with
// no tokens and no network: the way a newcomer first meets the bot, and
// the way coaches try a conversation before running it on a platform.
//
// Lines starting with / are commands (/help, /win sent the email); other
// lines are conversation; a number answers the choices offered last. With
// a simulated clock, /wait 36h moves time on and everything due in that
// time (reminders) happens in order, each printed at the time it fired.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"followthrough/bot"
)

// Platform is the console's platform name in person ids and the outbox.
const Platform = "console"

// Group is the group every console person belongs to: the people who
// share one database file, so that a coach and their members can be tried
// out with --user.
const Group = "console"

// Engine is what the console needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, ev bot.Event) ([]bot.Reply, error)
	FireDue(ctx context.Context) (int, error)
	NextDue() (time.Time, bool, error)
	RunScheduler(ctx context.Context, wake <-chan struct{}) error
}

// Outbox is where the console takes its replies from.
type Outbox interface {
	Pending(platform string, max int) ([]bot.Envelope, error)
	Delivered(platform string, seqs ...uint64) error
}

// Chat is one console conversation.
type Chat struct {
	Engine Engine
	Outbox Outbox
	In     io.Reader
	Out    io.Writer
	// User is the person's name; their id is console:User.
	User string
	// Zone is the person's IANA time zone.
	Zone string
	// Sim, when set, is the simulated clock that /wait moves.
	Sim *bot.SimClock
	// Prompt prints a "you>" prompt before each line (for terminals).
	Prompt bool
	// Echo prints each input line as "> line" (for piped input, so the
	// output reads as the whole conversation).
	Echo bool
	// Greet starts the conversation without waiting for the person: a
	// newcomer is welcomed, someone returning is reminded where they were.
	Greet bool
	// FilesDir is where attachments (an export) are saved; their paths
	// are printed.
	FilesDir string
	// Wake is signalled when a schedule changed (real-clock mode).
	Wake chan struct{}
	// Queued is signalled when replies were queued (real-clock mode).
	Queued chan struct{}

	loc     *time.Location
	mu      sync.Mutex // guards writing to Out and the fields below
	choices []bot.Choice
	ask     string
	token   string
}

// Person returns the console person's id.
func (c *Chat) Person() bot.PersonID { return bot.NewPersonID(Platform, c.User) }

// maxLine bounds one input line; longer lines are cut by the engine's own
// limit, this only stops a runaway paste from taking all memory.
const maxLine = 1 << 20

// Run reads lines until the input ends or ctx is done, answering each, and
// prints everything the outbox holds before it returns.
func (c *Chat) Run(ctx context.Context) error {
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		return fmt.Errorf("console: zone %q: %w", c.Zone, err)
	}
	c.loc = loc
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var bg sync.WaitGroup
	if c.Sim == nil {
		// Real time: reminders fire by themselves and are printed as
		// they are queued.
		bg.Add(2)
		go func() { defer bg.Done(); _ = c.Engine.RunScheduler(ctx, c.Wake) }()
		go func() {
			defer bg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case <-c.Queued:
					if err := c.drain(); err != nil {
						c.printf("(could not read replies: %v)\n", err)
					}
				}
			}
		}()
	}
	defer bg.Wait()
	defer cancel()

	if c.Greet {
		if _, err := c.Engine.Handle(ctx, bot.Event{Person: c.Person(), Name: c.User, Zone: c.Zone, Command: "start", Place: bot.Place{Group: Group}}); err != nil {
			return fmt.Errorf("console: greet: %w", err)
		}
	}
	if err := c.drain(); err != nil { // the greeting, and anything left from last time
		return err
	}
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	for {
		if c.Prompt {
			c.printf("you> ")
		}
		if !sc.Scan() {
			break
		}
		if c.Echo {
			c.printf("> %s\n", sc.Text())
		}
		if err := c.line(ctx, sc.Text()); err != nil {
			if errors.Is(err, errQuit) {
				break
			}
			return err
		}
		if err := c.drain(); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			c.printf("(a line longer than %d bytes ended the chat; everything before it is saved)\n", maxLine)
		} else {
			return fmt.Errorf("console: read input: %w", err)
		}
	}
	return c.drain()
}

var errQuit = errors.New("quit")

// line handles one input line.
func (c *Chat) line(ctx context.Context, text string) error {
	trimmed := strings.TrimSpace(text)
	ev := bot.Event{Person: c.Person(), Name: c.User, Zone: c.Zone, Text: text, Place: bot.Place{Group: Group}}
	switch {
	case trimmed == "/quit" || trimmed == "/exit":
		return errQuit
	case strings.HasPrefix(trimmed, "/wait"):
		return c.wait(ctx, strings.TrimSpace(strings.TrimPrefix(trimmed, "/wait")))
	case strings.HasPrefix(trimmed, "/") && len(trimmed) > 1:
		name, args, _ := strings.Cut(trimmed[1:], " ")
		ev.Command, ev.Text = strings.ToLower(name), strings.TrimSpace(args)
	default:
		c.mu.Lock()
		if n, err := strconv.Atoi(trimmed); err == nil && n >= 1 && n <= len(c.choices) {
			ev.Action, ev.Token, ev.Text = c.ask, c.token, c.choices[n-1].Value
		}
		c.mu.Unlock()
	}
	replies, err := c.Engine.Handle(ctx, ev)
	if err != nil {
		c.printf("(something went wrong on my side: %v — nothing you said was lost; try again)\n", err)
	}
	for _, r := range replies {
		if r.Direct { // not in the outbox: print it now
			c.mu.Lock()
			c.print(r)
			c.mu.Unlock()
		}
	}
	return nil
}

// wait moves the simulated clock on by d, firing everything due on the
// way, in order, and printing each reply at the time it fired.
func (c *Chat) wait(ctx context.Context, arg string) error {
	if c.Sim == nil {
		c.printf("(/wait only works with a simulated clock: start with --clock simulated)\n")
		return nil
	}
	d, err := bot.ParseDuration(arg)
	if err != nil || d <= 0 {
		c.printf("(/wait needs a duration, like /wait 36h, /wait 2d or /wait 90m)\n")
		return nil
	}
	if d > 5*366*24*time.Hour {
		c.printf("(/wait goes up to five years at a time)\n")
		return nil
	}
	target := c.Sim.Now().Add(d)
	for {
		next, ok, err := c.Engine.NextDue()
		if err != nil {
			return err
		}
		if !ok || next.After(target) {
			break
		}
		if next.After(c.Sim.Now()) {
			c.Sim.Set(next)
		}
		if _, err := c.Engine.FireDue(ctx); err != nil {
			return err
		}
		if err := c.drain(); err != nil {
			return err
		}
	}
	c.Sim.Set(target)
	return nil
}

// drain prints and removes everything queued for the console.
func (c *Chat) drain() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		batch, err := c.Outbox.Pending(Platform, 100)
		if err != nil {
			return fmt.Errorf("console: read outbox: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		seqs := make([]uint64, 0, len(batch))
		for _, env := range batch {
			c.print(env.Reply)
			seqs = append(seqs, env.Seq)
		}
		if err := c.Outbox.Delivered(Platform, seqs...); err != nil {
			return fmt.Errorf("console: mark delivered: %w", err)
		}
	}
}

// print writes one reply; c.mu is held.
func (c *Chat) print(r bot.Reply) {
	var b strings.Builder
	prefix := ""
	if c.Sim != nil {
		prefix = "[" + r.At.In(c.loc).Format("Mon 2006-01-02 15:04 MST") + "] "
	}
	if r.Visibility == bot.Group {
		prefix += "(to your group) "
	}
	for i, line := range strings.Split(r.Text, "\n") {
		if i == 0 {
			b.WriteString(prefix + line + "\n")
			continue
		}
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("  " + line + "\n")
	}
	if len(r.Choices) > 0 {
		b.WriteString("  ")
		for i, ch := range r.Choices {
			if i > 0 {
				b.WriteString("   ")
			}
			fmt.Fprintf(&b, "%d) %s", i+1, ch.Label)
		}
		b.WriteString("\n")
		c.choices, c.ask, c.token = r.Choices, r.Ask, r.Token
	} else if r.Visibility == bot.Private {
		// A number typed now answers the conversation, not old buttons.
		c.choices, c.ask, c.token = nil, "", ""
	}
	for _, f := range r.Files {
		b.WriteString("  " + c.save(r.To, f) + "\n")
	}
	io.WriteString(c.Out, b.String())
}

// save writes an attachment to FilesDir, under the name of the person it
// is for, and says where it went.
func (c *Chat) save(to bot.PersonID, f bot.File) string {
	dir := c.FilesDir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Sprintf("(could not save %s: %v)", f.Name, err)
	}
	who := c.User
	if _, name, ok := strings.Cut(string(to), ":"); ok && name != "" {
		who = name
	}
	path := filepath.Join(dir, who+"-"+filepath.Base(f.Name))
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return fmt.Sprintf("(could not save %s: %v)", f.Name, err)
	}
	return "saved: " + path
}

func (c *Chat) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.Out, format, args...)
}
