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
	"unicode"
	"unicode/utf8"

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
	NextDue(ctx context.Context) (time.Time, bool, error)
	RunScheduler(ctx context.Context, wake <-chan struct{}) error
}

// Outbox is where the console takes its replies from.
type Outbox interface {
	PendingFrom(ctx context.Context, platform string, from uint64, max int) ([]bot.Envelope, error)
	Delivered(ctx context.Context, platform string, seqs ...uint64) error
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
// limit, this only stops a runaway paste from taking all memory. The
// rest of a longer line is read and dropped, and the chat goes on.
const maxLine = 1 << 20

// readLine reads one line of at most max bytes (cut at a character's
// boundary), without its line end; cut reports that more was dropped.
// At the end of the input it returns what was left and io.EOF.
func readLine(r *bufio.Reader, max int) (line string, cut bool, err error) {
	var b []byte
	for {
		part, isPrefix, err := r.ReadLine()
		if room := max - len(b); len(part) > room {
			part, cut = part[:room], true
		}
		b = append(b, part...)
		if err != nil || !isPrefix {
			if cut {
				for len(b) > 0 && !utf8.Valid(b) && len(b) > max-utf8.UTFMax {
					b = b[:len(b)-1]
				}
			}
			return string(b), cut, err
		}
	}
}

// inert makes text safe to print on a terminal: control characters
// (escape sequences that recolour, move the cursor or retitle the
// window) become U+FFFD; line ends and tabs stay.
func inert(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return utf8.RuneError
	}, s)
}

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
					if err := c.drain(ctx); err != nil && ctx.Err() == nil {
						c.printf("(could not read replies: %v)\n", err)
					}
				}
			}
		}()
	}
	defer bg.Wait()
	defer cancel()

	if c.Greet {
		if _, err := c.Engine.Handle(ctx, c.event("", "start")); err != nil {
			return fmt.Errorf("console: greet: %w", err)
		}
	}
	if err := c.drain(ctx); err != nil { // the greeting, and anything left from last time
		return err
	}
	in := bufio.NewReaderSize(c.In, 64*1024)
	for {
		if c.Prompt {
			c.printf("you> ")
		}
		text, cut, err := readLine(in, maxLine)
		if err != nil && text == "" && !cut {
			if errors.Is(err, io.EOF) {
				break
			}
			return fmt.Errorf("console: read input: %w", err)
		}
		if c.Echo {
			c.printf("> %s\n", inert(text))
		}
		if cut {
			c.printf("(that line was longer than %d bytes: only its start was read)\n", maxLine)
		}
		if err := c.line(ctx, text); err != nil {
			if errors.Is(err, errQuit) {
				break
			}
			return err
		}
		if err := c.drain(ctx); err != nil {
			return err
		}
	}
	return c.drain(ctx)
}

var errQuit = errors.New("quit")

// event is what the person said, as the engine takes it: in the console
// group, in a direct conversation, from someone who may set the group up
// (whoever runs the console runs the bot).
func (c *Chat) event(text, command string) bot.Event {
	return bot.Event{Person: c.Person(), Name: c.User, Zone: c.Zone, Text: text, Command: command,
		Place: bot.Place{Group: Group, Direct: true}, Admin: true}
}

// line handles one input line.
func (c *Chat) line(ctx context.Context, text string) error {
	trimmed := strings.TrimSpace(text)
	ev := c.event(text, "")
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
		next, ok, err := c.Engine.NextDue(ctx)
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
		if err := c.drain(ctx); err != nil {
			return err
		}
	}
	c.Sim.Set(target)
	return nil
}

// drain prints and removes what is queued for this person: their own
// replies and what is posted to their group. Everyone else's stay queued
// for them, to be seen when they chat.
func (c *Chat) drain(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	from := uint64(0)
	for {
		batch, err := c.Outbox.PendingFrom(ctx, Platform, from, 100)
		if err != nil {
			return fmt.Errorf("console: read outbox: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		var seqs []uint64
		for _, env := range batch {
			from = env.Seq + 1
			if !c.mine(env.Reply) {
				continue
			}
			c.print(env.Reply)
			seqs = append(seqs, env.Seq)
		}
		if len(seqs) == 0 {
			continue
		}
		if err := c.Outbox.Delivered(ctx, Platform, seqs...); err != nil {
			return fmt.Errorf("console: mark delivered: %w", err)
		}
	}
}

// mine reports whether a reply is for this terminal: to this person, or
// to the group they are in.
func (c *Chat) mine(r bot.Reply) bool {
	if r.Visibility == bot.Public {
		return r.Place.Group == Group
	}
	return r.To == c.Person()
}

// print writes one reply; c.mu is held.
func (c *Chat) print(r bot.Reply) {
	var b strings.Builder
	prefix := ""
	if c.Sim != nil {
		prefix = "[" + r.At.In(c.loc).Format("Mon 2006-01-02 15:04 MST") + "] "
	}
	if r.Visibility == bot.Public {
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
	// What the bot says can quote what a person typed ("I don't know
	// the command …"), escape sequences and all.
	io.WriteString(c.Out, inert(b.String()))
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
	// Names come from the person and the engine; neither may lead the
	// file out of its folder.
	path := filepath.Join(dir, fileName(to.User())+"-"+fileName(f.Name))
	if err := os.WriteFile(path, f.Data, 0o600); err != nil {
		return fmt.Sprintf("(could not save %s: %v)", f.Name, err)
	}
	return "saved: " + path
}

// fileName keeps the letters, digits and ._- of a name, so that it is
// one file name inside its folder: no separator, no leading dot.
func fileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	name := strings.TrimLeft(b.String(), ".")
	if name == "" {
		return "file"
	}
	return name
}

func (c *Chat) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.Out, format, args...)
}
