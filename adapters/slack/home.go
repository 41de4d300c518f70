package slack

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
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
	view := homeView(snap, a.o.Command)
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
// milestones and recent wins, with buttons to change the plan.
func homeView(s bot.Snapshot, command string) slack.HomeTabViewRequest {
	var blocks []slack.Block
	add := func(b slack.Block) { blocks = append(blocks, b) }
	add(slack.NewHeaderBlock(plain("Your plan")))
	if !s.Known || s.Goal == "" {
		add(slack.NewSectionBlock(mrkdwn("Hi! I'm your accountability partner: together we turn a goal into one small step, "+
			"and I check in with you between sessions.\nOpen the *Messages* tab and say hello to start, or use `"+escape(command)+" help`."), nil, nil))
		return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	}
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		loc = time.UTC
	}
	plan := "*Goal:* " + escape(s.Goal)
	if s.Step != "" {
		plan += "\n*Next step:* " + escape(s.Step)
	}
	if s.Anchor.Habit != "" {
		plan += "\n*When:* " + escape(s.Anchor.Habit)
	}
	switch {
	case s.Paused:
		plan += "\n*Reminders:* paused"
	case !s.NextReminder.IsZero():
		plan += "\n*Next reminder:* " + s.NextReminder.In(loc).Format("Mon 2 Jan, 15:04") + " (" + escape(s.Zone) + ")"
	default:
		plan += "\n*Reminders:* none set"
	}
	add(slack.NewSectionBlock(mrkdwn(render.TrimEscaped(plan, maxSection)), nil, nil))
	streak := fmt.Sprintf("*Streak:* %s", days(s.Streak))
	if s.BestStreak > s.Streak {
		streak += fmt.Sprintf(" (best %s)", days(s.BestStreak))
	}
	streak += fmt.Sprintf("   *Check-ins:* %d   *Wins:* %d", s.CheckIns, s.Wins)
	add(slack.NewSectionBlock(mrkdwn(streak), nil, nil))
	if len(s.Milestones) > 0 {
		var b strings.Builder
		b.WriteString("*Milestones*")
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
		b.WriteString("*Recent wins* 🎉")
		for _, w := range s.RecentWins {
			fmt.Fprintf(&b, "\n• %s — %s", escape(render.Trim(w.Text, 200)), w.At.In(loc).Format("Mon 2 Jan"))
		}
		add(slack.NewSectionBlock(mrkdwn(render.TrimEscaped(b.String(), maxSection)), nil, nil))
	}
	add(slack.NewDividerBlock())
	add(slack.NewActionBlock("ft-home",
		homeButton("Done today ✓", slack.StylePrimary, render.KindCommand, "checkin", "done"),
		homeButton("Partly", "", render.KindCommand, "checkin", "partly"),
		homeButton("Not yet", "", render.KindCommand, "checkin", "not yet"),
		homeButton("Change goal", "", render.KindForm, "goal"),
		homeButton("Change step", "", render.KindForm, "step"),
		homeButton("Reminder time", "", render.KindForm, "remind"),
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

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}
