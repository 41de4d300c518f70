package bot

import (
	"context"
	"fmt"
	"time"
)

// fireBatch is how many due reminders are fired in one transaction.
const fireBatch = 1000

// FireDue sends every reminder due by now: each is fired, its next time
// computed and the reminder queued in the outbox in one transaction, so a
// crash can neither lose a reminder nor send it twice from here. Then it
// makes the weekly rounds due (see fireWeekly). It returns how many
// people were handled (fired, skipped or rescheduled).
func (e *Engine) FireDue(ctx context.Context) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		now := e.clock.Now()
		sent, late, skipped := 0, 0, 0
		n, err := e.store.FireDue(now, fireBatch, func(p *Person, due time.Time) []Reply {
			r := e.fire(p, due, now)
			switch {
			case len(r) == 0 && now.Sub(due) > e.grace:
				skipped++
			case len(r) > 0 && r[len(r)-1].Late:
				late++
			case len(r) > 0:
				sent++
			}
			return r
		})
		e.metrics.Reminders(sent, late, skipped)
		total += n
		if err != nil {
			return total, fmt.Errorf("bot: fire reminders: %w", err)
		}
		if sent+late > 0 && e.queued != nil {
			e.queued()
		}
		if n < fireBatch {
			break
		}
	}
	if _, err := e.fireWeekly(ctx, e.clock.Now()); err != nil {
		return total, err
	}
	return total, nil
}

// NextDue returns when the next reminder or weekly round is due.
func (e *Engine) NextDue() (time.Time, bool, error) {
	next, ok, err := e.store.NextDue()
	if err != nil {
		return next, ok, err
	}
	if w, wok := e.nextWeekly(e.clock.Now()); wok && (!ok || w.Before(next)) {
		next, ok = w, true
	}
	return next, ok, nil
}

// fire decides what a due reminder becomes and moves the person's next
// reminder on. It only changes p and returns replies: no side effects, as
// the store may call it more than once.
func (e *Engine) fire(p *Person, due, now time.Time) []Reply {
	t := &turn{e: e, p: p, ev: Event{Person: p.ID}, now: now}
	loc := e.zoneOf(p)
	t.loc = loc
	s := &p.Schedule
	if s.Paused && !s.PausedUntil.IsZero() && !now.Before(s.PausedUntil) {
		p.resume(s.PausedUntil)
	}
	late := now.Sub(due)
	switch {
	case s.Cron == "" || s.Paused:
		t.reschedule()
		return nil
	case late > e.grace:
		// Missed while the bot was down, too long ago to be useful: skip
		// it without counting it as the person's miss. Computing the next
		// time from now (not from due) means no burst of stale reminders.
		e.log.Info("reminder skipped after downtime", "person", p.ID, "due", due, "late", late)
		t.reschedule()
		return nil
	}
	// Someone who goes quiet gets fewer reminders, not more.
	if !p.LastReminder.IsZero() && p.LastSeen.Before(p.LastReminder) {
		p.Unanswered++
	} else {
		p.Unanswered = 0
	}
	// A reminder with no check-in before the next one is a missed day.
	missed := !p.LastReminder.IsZero() && p.LastCheckIn.Before(p.LastReminder)
	if missed {
		p.Misses++
	}
	if p.Unanswered >= quietPause {
		p.pause(now, time.Time{})
		e.log.Info("reminders paused for a quiet person", "person", p.ID)
		t.reschedule()
		return nil
	}
	p.LastReminder = now
	vars := map[string]any{"Late": late > time.Minute, "Due": t.when(due), "Missed": missed}
	// Take the person to the question unless they are in the middle of
	// a conversation right now (asked within the hour): the reminder is
	// then the latest question, and their answer belongs to it. The
	// buttons work either way (they go by time).
	asked, _ := time.Parse(time.RFC3339, p.Flow.Draft["asked"])
	takeOver := p.Flow.Flow == "" || p.Flow.Flow == "checkin" || p.Flow.Flow == "stillwant" ||
		e.flows[p.Flow.Flow] == nil || now.Sub(asked) > time.Hour
	openToken := p.Flow.Token
	if p.Misses == 2 && p.Unanswered < quietAsk && takeOver {
		// Two missed days: curiosity and an offer to adjust, not
		// another reminder.
		t.enter("adjust", "open")
		p.Flow.Draft["asked"] = now.UTC().Format(time.RFC3339)
		t.say("adjust.open", vars)
	} else if p.Unanswered == quietAsk {
		if takeOver {
			t.enter("stillwant", "answer")
			p.Flow.Draft["asked"] = now.UTC().Format(time.RFC3339)
		}
		t.ask("quiet.stillwant", "stillwant", stillWant, vars)
	} else {
		if takeOver {
			t.enter("checkin", "outcome")
			p.Flow.Draft["asked"] = now.UTC().Format(time.RFC3339)
		}
		t.ask("reminder", "checkin", outcomes, vars)
	}
	if !takeOver {
		p.Flow.Token = openToken
	}
	t.replies[len(t.replies)-1].Late = late > time.Minute
	for i := range t.replies {
		t.replies[i].Reminder = true
	}
	t.reschedule()
	if gap := quietGap(p.Unanswered); gap > 0 {
		if sched, err := e.crons.Parse(s.Cron); err == nil {
			p.NextReminder = NextFire(sched, now.Add(gap-time.Hour), loc)
		}
	}
	return t.replies
}

// Backing off for people who stopped answering: after quietAsk unanswered
// reminders the bot asks once whether they still want this; then it
// reminds every other day, then weekly; at quietPause it pauses quietly.
const (
	quietAsk   = 3
	quietPause = 8
)

// quietGap is the least time to the next reminder after n unanswered ones.
func quietGap(n int) time.Duration {
	switch {
	case n < quietAsk:
		return 0
	case n < quietAsk+2:
		return 2 * 24 * time.Hour
	default:
		return 7 * 24 * time.Hour
	}
}

// RunScheduler fires reminders as they come due until ctx ends. It sleeps
// until the earliest due time, or until wake says a schedule changed. It
// is for real clocks; simulations call FireDue themselves.
func (e *Engine) RunScheduler(ctx context.Context, wake <-chan struct{}) error {
	for {
		if _, err := e.FireDue(ctx); err != nil && ctx.Err() == nil {
			e.log.Error("fire reminders", "err", err)
		}
		wait := time.Minute
		if next, ok, err := e.NextDue(); err == nil && ok {
			if d := next.Sub(e.clock.Now()); d < wait {
				wait = d
			}
		}
		if wait < 0 {
			wait = 0
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-wake:
			timer.Stop()
		case <-timer.C:
		}
	}
}
