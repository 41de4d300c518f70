package slack

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"followthrough/adapters/internal/render"
	"followthrough/bot"
)

// homes are the App Home views waiting to be published, and a hash of
// each one last published: most turns (a question answered mid-flow)
// change nothing the home shows, and views.publish is rate limited per
// workspace.
type homes struct {
	queue chan bot.PersonID
	mu    sync.Mutex
	due   map[bot.PersonID]bool
	shown map[bot.PersonID][32]byte
}

func newHomes() homes {
	return homes{queue: make(chan bot.PersonID, 256), due: map[bot.PersonID]bool{}, shown: map[bot.PersonID][32]byte{}}
}

// refresh asks for a person's App Home to be published again, once,
// whatever number of events asked for it meanwhile.
func (h *homes) refresh(id bot.PersonID) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.due[id] {
		return
	}
	select {
	case h.queue <- id:
		h.due[id] = true
	default: // busy: the next event refreshes it
	}
}

// opened asks for a home to be published even if it did not change:
// the person is looking at it.
func (h *homes) opened(id bot.PersonID) {
	h.mu.Lock()
	delete(h.shown, id)
	h.mu.Unlock()
	h.refresh(id)
}

// homeLoop publishes App Home views, one at a time.
func (a *Adapter) homeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-a.home.queue:
			a.home.mu.Lock()
			delete(a.home.due, id)
			a.home.mu.Unlock()
			if a.gone.Load() {
				continue
			}
			if err := a.publishHome(ctx, id); err != nil && ctx.Err() == nil {
				a.o.Log.Warn("slack: publish App Home", "person", id, "err", err)
			}
		}
	}
}

func (a *Adapter) publishHome(ctx context.Context, id bot.PersonID) error {
	snap, err := a.o.Engine.Snapshot(ctx, id, teamOfPerson(id))
	if err != nil {
		return fmt.Errorf("read progress: %w", err)
	}
	view := homeView(snap, a.o.Command, func(name bot.Msg, x bot.Extra) string {
		return a.o.Engine.Phrase(name, Platform, x)
	})
	b, _ := json.Marshal(view)
	sum := sha256.Sum256(b)
	a.home.mu.Lock()
	same := a.home.shown[id] == sum
	a.home.mu.Unlock()
	if same {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err = a.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: id.User(), View: view}); err != nil {
		return err
	}
	a.home.mu.Lock()
	a.home.shown[id] = sum
	a.home.mu.Unlock()
	return nil
}

// teamOfPerson is the workspace in a person id (slack:TEAM:USER).
func teamOfPerson(id bot.PersonID) string {
	parts := strings.Split(string(id), ":")
	if len(parts) != 3 {
		return ""
	}
	return parts[1]
}

// homeView is a person's App Home tab: goal, step, reminders, streak,
// milestones and recent wins, with buttons to change the plan, in the
// words of the prompts (home.*), which say gives.
func homeView(s bot.Snapshot, command string, say func(bot.Msg, bot.Extra) string) slack.HomeTabViewRequest {
	var blocks []slack.Block
	add := func(b slack.Block) { blocks = append(blocks, b) }
	line := func(name bot.Msg, value string) string { return say(name, bot.Extra{Value: value}) }
	add(slack.NewHeaderBlock(plain(render.Trim(line("home.title", ""), maxHeader))))
	if !s.Known || s.Goal == "" {
		add(slack.NewSectionBlock(mrkdwn(line("home.intro", escape(command))), nil, nil))
		return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	}
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		loc = time.UTC
	}
	plan := []string{line("home.goal", escape(s.Goal))}
	if s.Step != "" {
		plan = append(plan, line("home.step", escape(s.Step)))
	}
	if s.Anchor.Habit != "" {
		plan = append(plan, line("home.when", escape(s.Anchor.Habit)))
	}
	switch {
	case s.Paused:
		plan = append(plan, line("home.paused", ""))
	case !s.NextReminder.IsZero():
		plan = append(plan, say("home.next", bot.Extra{Value: s.NextReminder.In(loc).Format("Mon 2 Jan, 15:04"), Due: escape(s.Zone)}))
	default:
		plan = append(plan, line("home.none", ""))
	}
	add(slack.NewSectionBlock(mrkdwn(render.TrimEscaped(strings.Join(plan, "\n"), maxSection)), nil, nil))
	add(slack.NewSectionBlock(mrkdwn(say("home.streak", bot.Extra{Done: s.Streak, Of: s.BestStreak,
		CheckInCount: s.CheckIns, WinCount: s.Wins})), nil, nil))
	if len(s.Milestones) > 0 {
		var b strings.Builder
		b.WriteString(line("home.milestones", ""))
		for i, m := range s.Milestones {
			mark := "▫️"
			if !m.Done.IsZero() {
				mark = "✅"
			}
			fmt.Fprintf(&b, "\n%s %d. %s", mark, i+1, escape(render.Trim(m.Text, 200)))
		}
		add(slack.NewSectionBlock(mrkdwn(render.TrimEscaped(b.String(), maxSection)), nil, nil))
	}
	if len(s.RecentWins) > 0 {
		var b strings.Builder
		b.WriteString(line("home.wins", ""))
		for _, w := range s.RecentWins {
			fmt.Fprintf(&b, "\n• %s — %s", escape(render.Trim(w.Text, 200)), w.At.In(loc).Format("Mon 2 Jan"))
		}
		add(slack.NewSectionBlock(mrkdwn(render.TrimEscaped(b.String(), maxSection)), nil, nil))
	}
	add(slack.NewDividerBlock())
	button := func(name bot.Msg, style slack.Style, kind string, parts ...string) slack.BlockElement {
		return homeButton(render.Trim(line(name, ""), maxButtonText), style, kind, parts...)
	}
	add(slack.NewActionBlock("ft-home",
		button("home.button.done", slack.StylePrimary, render.KindCommand, "checkin", "done"),
		button("home.button.partly", "", render.KindCommand, "checkin", "partly"),
		button("home.button.notyet", "", render.KindCommand, "checkin", "not yet"),
		button("home.button.goal", "", render.KindForm, "goal"),
		button("home.button.step", "", render.KindForm, "step"),
		button("home.button.remind", "", render.KindForm, "remind"),
	))
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// homeButton is a button of the App Home: it runs a command, or opens a
// form. Its id is made of a few fixed words: it always fits.
func homeButton(label string, style slack.Style, kind string, parts ...string) *slack.ButtonBlockElement {
	id, _ := render.ID(render.SlackID, kind, parts...)
	b := slack.NewButtonBlockElement(id, id, plain(label))
	b.Style = style
	return b
}
