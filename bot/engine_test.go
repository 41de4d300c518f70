package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"followthrough/bot"
	"followthrough/bot/bottest"
)

var monday8 = bottest.DefaultStart

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

var ctx = context.Background()

func TestRestartResumesMidFlow(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Say("ana", "hi")
	k.Say("ana", "my coach suggested it")
	k.Restart()
	got := bottest.Joined(k.Say("ana", "be more confident"))
	if !strings.Contains(got, "what would you be doing differently") {
		t.Fatalf("after restart the goal was not taken as the answer to the goal question:\n%s", got)
	}
	if p := k.Person(bottest.ID("ana")); p.Plan.StartingReason != "my coach suggested it" {
		t.Errorf("starting reason = %q", p.Plan.StartingReason)
	}
}

func TestDuplicateEventHandledOnce(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	ev := bot.Event{ID: "evt-1", Person: bottest.ID("ana"), Command: "win", Text: "called the bank"}
	if got := bottest.Texts(k.Send(ev)); len(got) == 0 {
		t.Fatal("first delivery got no reply")
	}
	if got := bottest.Texts(k.Send(ev)); len(got) != 0 {
		t.Fatalf("redelivery answered again: %v", got)
	}
	wins, err := k.DB.Wins(ctx, ev.Person, 10)
	if err != nil || len(wins) != 1 {
		t.Fatalf("wins = %v, %v; want exactly one", wins, err)
	}
	// Nor is a redelivery counted as an event handled.
	var m countedEvents
	e, err := bot.New(bot.Config{Store: k.DB, Words: k.Words, Clock: k.Clock, Metrics: &m})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Handle(context.Background(), ev); err != nil || len(got) != 0 {
		t.Fatalf("third delivery: %v, %v", got, err)
	}
	if _, err := e.Handle(context.Background(), bot.Event{ID: "evt-2", Person: ev.Person, Command: "win", Text: "paid it"}); err != nil {
		t.Fatal(err)
	}
	if m.n.Load() != 1 {
		t.Errorf("%d events counted as handled; want 1 (the new one, not the redelivery)", m.n.Load())
	}
}

// countedEvents counts the events the engine reports handled.
type countedEvents struct{ n atomic.Int64 }

func (c *countedEvents) EventHandled(string, string, time.Duration) { c.n.Add(1) }
func (c *countedEvents) Reminders(int, int, int)                    {}

func TestHugeAndHostileInput(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	huge := strings.Repeat("🙂 word ", 2000) // 10,000+ characters
	got := bottest.Joined(k.Say("ana", "win "+huge))
	if !strings.Contains(got, "kept the first 2000 characters") {
		t.Errorf("no word about trimming:\n%s", short(got))
	}
	wins, _ := k.DB.Wins(ctx, bottest.ID("ana"), 1)
	if len(wins) != 1 || utf8.RuneCountInString(wins[0].Text) > bot.MaxTextRunes || !strings.HasPrefix(wins[0].Text, "🙂 word") {
		t.Fatalf("win not stored trimmed: %d runes", utf8.RuneCountInString(wins[0].Text))
	}
	for _, text := range []string{"\x00\x01\x02", "\u202Egnirts", "<@everyone> @here", strings.Repeat("\n", 50), "\xff\xfe"} {
		if got := k.Say("ana", text); len(got) == 0 {
			t.Errorf("no reply to %q", text)
		}
	}
}

func TestDowntimeGrace(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana") // daily 9:00, first due today 09:00
	id := bottest.ID("ana")
	drain := func() []bot.Envelope {
		t.Helper()
		env, err := k.DB.Pending(ctx, "test", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []uint64
		for _, e := range env {
			seqs = append(seqs, e.Seq)
		}
		if err := k.DB.Delivered(ctx, "test", seqs...); err != nil {
			t.Fatal(err)
		}
		return env
	}
	drain()

	// Down from 08:59 to 10:30: 90 minutes late, inside the 2h grace.
	k.Clock.Set(monday8.Add(150 * time.Minute))
	if _, err := k.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	env := drain()
	if len(env) != 1 || !env[0].Reply.Late || !strings.Contains(env[0].Reply.Text, "offline") {
		t.Fatalf("want one late reminder, got %+v", env)
	}
	// "How did it go?" follows two hours later, then tomorrow's reminder.
	if s := k.Person(bottest.ID("ana")).Schedule; !s.Next.Equal(s.Check) || !s.Check.Equal(monday8.Add(270*time.Minute)) {
		t.Errorf("next due %v, check %v; want the check at 12:30", s.Next, s.Check)
	}
	k.Clock.Set(monday8.Add(270 * time.Minute))
	if _, err := k.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if env := drain(); len(env) != 1 || !strings.Contains(env[0].Reply.Text, "How did it go") {
		t.Fatalf("want the follow-up question, got %+v", env)
	}
	if next := k.Person(bottest.ID("ana")).Schedule.Next; !next.Equal(time.Date(2026, 3, 3, 9, 0, 0, 0, monday8.Location())) {
		t.Errorf("next reminder %v; want tomorrow 09:00", next)
	}

	// Down for three days: no burst, nothing sent, next one in the future.
	k.Clock.Set(time.Date(2026, 3, 6, 12, 0, 0, 0, monday8.Location()))
	if _, err := k.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if env := drain(); len(env) != 0 {
		t.Fatalf("stale reminders sent after long downtime: %d", len(env))
	}
	p := k.Person(bottest.ID("ana"))
	if want := time.Date(2026, 3, 7, 9, 0, 0, 0, monday8.Location()); !p.Schedule.Next.Equal(want) {
		t.Errorf("next reminder %v; want %v", p.Schedule.Next, want)
	}
	if p.ID != id {
		t.Fatal("wrong person")
	}
}

func TestStaleButton(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	id := bottest.ID("ana")
	replies, err := k.Engine.Handle(context.Background(), bot.Event{Person: id, Command: "checkin"})
	if err != nil || len(replies) != 1 || replies[0].Token == "" {
		t.Fatalf("checkin question: %+v %v", replies, err)
	}
	old := replies[0]
	k.Clock.Set(monday8.Add(time.Minute))
	bottest.Texts(k.Send(bot.Event{Person: id, Action: old.Ask, Token: old.Token, Text: "done"}))
	k.Clock.Set(monday8.Add(2 * time.Minute))
	got := bottest.Joined(bottest.Texts(k.Send(bot.Event{Person: id, Action: old.Ask, Token: old.Token, Text: "done"})))
	if !strings.Contains(got, "earlier question") {
		t.Errorf("second press of an old button: %q", got)
	}
	if ci, _ := k.DB.CheckIns(ctx, id, time.Time{}); len(ci) != 1 {
		t.Errorf("check-ins = %d; want 1", len(ci))
	}
}

// TestConcurrentPeopleAndReminders runs many people checking in while the
// scheduler fires their reminders: every check-in is kept, and nobody's
// state is lost to a concurrent write (run with -race).
func TestConcurrentPeopleAndReminders(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	const people, rounds = 20, 15
	for i := 0; i < people; i++ {
		k.Onboard(fmt.Sprintf("p%d", i))
	}
	k.Clock.Set(monday8.Add(time.Hour + time.Minute)) // everyone's reminder is due
	var wg sync.WaitGroup
	errs := make(chan error, people+1)
	for i := 0; i < people; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			id := bottest.ID(fmt.Sprintf("p%d", i))
			for round := 0; round < rounds; round++ {
				if _, err := k.Engine.Handle(context.Background(), bot.Event{Person: id, Command: "checkin", Text: "done"}); err != nil {
					errs <- err
					return
				}
			}
		}(i)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := k.Engine.FireDue(context.Background()); err != nil {
			errs <- err
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for i := 0; i < people; i++ {
		id := bottest.ID(fmt.Sprintf("p%d", i))
		ci, err := k.DB.CheckIns(ctx, id, time.Time{})
		if err != nil || len(ci) != rounds {
			t.Errorf("%s: %d check-ins, %v; want %d", id, len(ci), err, rounds)
		}
		p := k.Person(bottest.ID(fmt.Sprintf("p%d", i)))
		if p.Counts.CheckIns != rounds || p.Schedule.Last.IsZero() {
			t.Errorf("%s: count %d, last reminder %v: a write was lost", id, p.Counts.CheckIns, p.Schedule.Last)
		}
	}
}

// FuzzEngineText sends arbitrary text, at every point of onboarding and
// after it: the engine never fails and always answers.
func FuzzEngineText(f *testing.F) {
	for _, s := range []string{"", "hi", "done", "win 🎉", "/help", "stop", "skip", "\x00", "not yet", "remind daily 9:00", strings.Repeat("a", 3000)} {
		f.Add(s, uint8(3))
	}
	kit := bottest.New(f, bottest.Options{NoSync: true})
	n := 0
	f.Fuzz(func(t *testing.T, text string, at uint8) {
		k := kit.With(t)
		n++
		who := fmt.Sprintf("f%d", n)
		script := []string{"hi", "skip", "be more confident", "speak up once a week", "skip", "yes", "a; b", "send one email", "5", "skip", "skip", "coffee", "9:00", "daily"}
		cut := int(at) % (len(script) + 1)
		for _, line := range script[:cut] {
			k.Say(who, line)
		}
		for _, ev := range []bot.Event{
			{Person: bottest.ID(who), Text: text},
			{Person: bottest.ID(who), Command: "win", Text: text},
			{Person: bottest.ID(who), Action: "checkin", Token: text, Text: text},
		} {
			if got := bottest.Texts(k.Send(ev)); len(got) == 0 {
				t.Fatalf("no reply to %+v", ev)
			}
		}
	})
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestReminderQueuedOnceAcrossCrash: a reminder fired just before a crash
// is in the outbox after restart, once; firing again sends nothing new.
func TestReminderQueuedOnceAcrossCrash(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	pending := func() []bot.Envelope {
		env, err := k.DB.Pending(ctx, "test", 100)
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	var seqs []uint64
	for _, e := range pending() {
		seqs = append(seqs, e.Seq)
	}
	k.DB.Delivered(ctx, "test", seqs...)

	k.Clock.Set(monday8.Add(time.Hour)) // 09:00, due
	if n, err := k.Engine.FireDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("FireDue = %d, %v", n, err)
	}
	k.Restart() // the process dies before anything was delivered
	k.Clock.Set(monday8.Add(time.Hour + time.Minute))
	if n, err := k.Engine.FireDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("after restart FireDue = %d, %v; want nothing due", n, err)
	}
	env := pending()
	if len(env) != 1 || !strings.Contains(env[0].Reply.Text, "time for") || env[0].Reply.Late {
		t.Fatalf("outbox after restart: %+v", env)
	}
}

// TestCoachSeesOnlyConsentingMembers: a coach sees the members who named
// them, nobody else; withdrawing hides them again; people in another
// group cannot be named at all.
func TestCoachSeesOnlyConsentingMembers(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	in := func(who, group, text string) string {
		t.Helper()
		return bottest.Joined(bottest.Texts(k.Send(bot.Event{Person: bottest.ID(who), Name: who, Place: bot.Place{Group: group}, Text: text})))
	}
	for _, who := range []string{"coach", "ana", "bo"} {
		k.Onboard(who)
		in(who, "g1", "hi") // joins group g1
	}
	k.Onboard("eve")
	in("eve", "g2", "hi")

	bottest.Texts(k.Send(bot.Event{Person: bottest.ID("ana"), Place: bot.Place{Group: "g1"}, Command: "win", Text: "wrote every day"}))
	bottest.Texts(k.Send(bot.Event{Person: bottest.ID("bo"), Place: bot.Place{Group: "g1"}, Command: "win", Text: "bo's secret win"}))

	if got := in("coach", "g1", "coach"); strings.Contains(got, "ana") || strings.Contains(got, "bo's") {
		t.Fatalf("coach sees members before consent:\n%s", got)
	}
	in("ana", "g1", "coach coach")
	in("ana", "g1", "yes")
	in("bo", "g1", "coach coach")
	in("bo", "g1", "no")
	got := in("coach", "g1", "coach")
	if !strings.Contains(got, "ana") || !strings.Contains(got, "wrote every day") || strings.Contains(got, "bo") {
		t.Fatalf("coach view after ana's consent and bo's refusal:\n%s", got)
	}
	if got := in("eve", "g2", "coach coach"); !strings.Contains(got, "couldn't find") {
		t.Errorf("someone in another group could name this coach:\n%s", got)
	}
	in("ana", "g1", "coach stop")
	if got := in("coach", "g1", "coach"); strings.Contains(got, "ana") {
		t.Fatalf("coach still sees ana after she withdrew:\n%s", got)
	}
}

// TestPrivateNeverReachesTheGroup: a private person's replies are all
// private; a public person's group posts carry only name and win.
func TestPrivateNeverReachesTheGroup(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	id := bottest.ID("ana")
	send := func(ev bot.Event) []bot.Reply {
		ev.Person, ev.Place = id, bot.Place{Group: "g1"}
		replies, err := k.Engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return replies
	}
	k.Onboard("ana")
	for _, rep := range send(bot.Event{Command: "win", Text: "ran 5k"}) {
		if rep.Visibility != bot.Private {
			t.Fatalf("private person's win went to the group: %+v", rep)
		}
	}
	send(bot.Event{Command: "why"})
	send(bot.Event{Text: "my secret reason about my health"})
	send(bot.Event{Command: "share", Text: "public"})
	var group []bot.Reply
	for _, rep := range send(bot.Event{Command: "win", Text: "ran 10k"}) {
		if rep.Visibility == bot.Public {
			group = append(group, rep)
		}
	}
	if len(group) != 1 || group[0].Text != "🎉 ana: ran 10k" || group[0].Place.Group != "g1" {
		t.Fatalf("public win = %+v; want exactly the name and the win, to g1", group)
	}
}

// TestCelebrationsNeverRepeatBackToBack: twenty wins and twenty check-ins
// in a row; no two consecutive celebrations share their wording, and each
// names what was done.
func TestCelebrationsNeverRepeatBackToBack(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	id := bottest.ID("ana")
	// wording strips the specifics, leaving the template's own words.
	wording := func(text, specific string) string { return strings.ReplaceAll(text, specific, "…") }
	var prev string
	for i := 0; i < 20; i++ {
		win := fmt.Sprintf("win number %d", i)
		replies := bottest.Texts(k.Send(bot.Event{Person: id, Command: "win", Text: win}))
		if len(replies) == 0 || !strings.Contains(replies[0], win) {
			t.Fatalf("celebration does not name the win: %q", replies)
		}
		w := wording(replies[0], win)
		w = strings.ReplaceAll(w, fmt.Sprint(i+1), "#")
		if i > 1 && w == prev {
			t.Fatalf("two celebrations in a row with the same words: %q", w)
		}
		prev = w
	}
	prev = ""
	for i := 0; i < 20; i++ {
		k.Clock.Set(monday8.Add(time.Duration(i+1) * 24 * time.Hour))
		replies := bottest.Texts(k.Send(bot.Event{Person: id, Command: "checkin", Text: "done"}))
		if len(replies) == 0 {
			t.Fatal("no reply to a check-in")
		}
		if replies[0] == prev {
			t.Fatalf("two check-in celebrations in a row with the same words: %q", prev)
		}
		prev = replies[0]
		bottest.Texts(k.Send(bot.Event{Person: id, Text: "skip"}))
	}
}

// TestForgetLeavesNoTrace: after "forget" and "yes", the raw database
// file — freed pages included — holds neither the person's id nor any of
// their words; other people are untouched, and a coach link to the
// forgotten person is gone.
func TestForgetLeavesNoTrace(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	const who = "zed7781"
	id := bottest.ID(who)
	secrets := []string{"QUOKKA-GOAL-ZED", "PANGOLIN-STEP-ZED", "NARWHAL-REASON-ZED", "AXOLOTL-WIN-ZED", "OKAPI-NOTE-ZED", "TAPIR-HABIT-ZED", "IBEX-MILESTONE-ZED"}
	send := func(who string, ev bot.Event) []bot.Reply {
		t.Helper()
		ev.Person, ev.Name, ev.Place = bottest.ID(who), who, bot.Place{Group: "g1"}
		replies, err := k.Engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return replies
	}
	for _, line := range []string{"hi", secrets[2] + " is why", secrets[0] + " every weekday by June", secrets[6] + "; second checkpoint", secrets[1] + " for five minutes", "7", "skip", "skip", secrets[5], "9:00", "daily"} {
		send(who, bot.Event{Text: line})
	}
	send(who, bot.Event{Command: "win", Text: secrets[3]})
	send(who, bot.Event{Command: "checkin", Text: "done"})
	send(who, bot.Event{Text: "skip"})
	k.Clock.Set(monday8.Add(26 * time.Hour))
	send(who, bot.Event{Command: "checkin", Text: "partly"})
	send(who, bot.Event{Text: secrets[4]})
	k.Onboard("coach")
	send("coach", bot.Event{Text: "hi"})
	send(who, bot.Event{Command: "coach", Text: "coach"})
	send(who, bot.Event{Text: "yes"})
	send(who, bot.Event{Command: "share", Text: "public"})
	// Sunday 18:00: the group's digest and the coach's report show their
	// name and win, and stay queued (the platform is down, say).
	k.Clock.Set(time.Date(2026, 3, 8, 18, 0, 0, 0, mustZone("Europe/Berlin")))
	if _, err := k.Engine.FireDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	pending, _ := k.DB.Pending(ctx, "test", 1000)
	shown := 0
	for _, env := range pending {
		if strings.HasPrefix(env.Reply.Key, "weekly/") && strings.Contains(env.Reply.Text, who) && env.Reply.To != id {
			shown++
		}
	}
	if shown != 2 {
		t.Fatalf("%d queued weekly replies show %s; want the digest and the coach's report", shown, who)
	}
	if got := send(who, bot.Event{Command: "forget"}); !strings.Contains(got[0].Text, "can't be undone") {
		t.Fatalf("forget did not ask first: %q", got[0].Text)
	}
	farewell := send(who, bot.Event{Text: "yes"})
	if len(farewell) != 1 || !farewell[0].Direct || !strings.Contains(farewell[0].Text, "deleted") {
		t.Fatalf("farewell = %+v", farewell)
	}
	if _, ok, _ := k.DB.Person(ctx, id); ok {
		t.Fatal("person still there")
	}
	coach := k.Person(bottest.ID("coach"))
	if !coach.Plan.Onboarded {
		t.Fatal("another person was harmed")
	}
	k.DB.Close()
	raw, err := os.ReadFile(k.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(secrets, string(id), who) {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("the database file still contains %q", s)
		}
	}
	k.Reopen()
	if _, ok, _ := k.DB.Person(ctx, bottest.ID("coach")); !ok {
		t.Fatal("the coach is gone after compaction")
	}
}

// TestForgetNeedsAClearYes: anything but yes keeps everything.
func TestForgetNeedsAClearYes(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	k.Say("ana", "/forget")
	bottest.Texts(k.Send(bot.Event{Person: bottest.ID("ana"), Command: "forget"}))
	if got := bottest.Joined(k.Say("ana", "maybe")); !strings.Contains(got, "answer yes") {
		t.Errorf("unclear answer: %q", got)
	}
	if got := bottest.Joined(k.Say("ana", "no")); !strings.Contains(got, "Nothing deleted") {
		t.Errorf("no: %q", got)
	}
	if p := k.Person(bottest.ID("ana")); p.Plan.Goal == "" {
		t.Fatal("data lost after no")
	}
}

// TestExportHasEverything: the JSON export holds the plan, check-ins,
// wins and ratings; the CSV lists the check-ins.
func TestExportHasEverything(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	id := bottest.ID("ana")
	bottest.Texts(k.Send(bot.Event{Person: id, Command: "win", Text: "sent the email"}))
	bottest.Texts(k.Send(bot.Event{Person: id, Command: "checkin", Text: "done"}))
	bottest.Texts(k.Send(bot.Event{Person: id, Text: "skip"}))                                 // the note
	bottest.Texts(k.Send(bot.Event{Person: id, Text: "my kids will see me finish something"})) // the values question, after it
	k.Clock.Set(monday8.Add(24 * time.Hour))
	bottest.Texts(k.Send(bot.Event{Person: id, Command: "checkin", Text: "partly"}))
	bottest.Texts(k.Send(bot.Event{Person: id, Text: "felt good"})) // the note
	replies, err := k.Engine.Handle(context.Background(), bot.Event{Person: id, Command: "export"})
	if err != nil || len(replies) != 1 || len(replies[0].Files) != 2 || replies[0].Visibility != bot.Private {
		t.Fatalf("export = %+v, %v", replies, err)
	}
	var data struct {
		Person   bot.Person    `json:"person"`
		CheckIns []bot.CheckIn `json:"check_ins"`
		Wins     []bot.Win     `json:"wins"`
		Ratings  []bot.Rating  `json:"ratings"`
	}
	if err := json.Unmarshal(replies[0].Files[0].Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Person.Plan.Goal != "Write 300 words every weekday" || data.Person.Plan.InnerReason != "my kids will see me finish something" ||
		len(data.CheckIns) != 2 || data.CheckIns[1].Note != "felt good" ||
		len(data.Wins) != 1 || len(data.Ratings) != 1 || data.Ratings[0].Value != 9 {
		t.Errorf("export misses data: %+v", data)
	}
	csv := string(replies[0].Files[1].Data)
	if !strings.HasPrefix(csv, "time,local_time,outcome,note\n") || !strings.Contains(csv, ",done,\n") || !strings.Contains(csv, ",partly,felt good") {
		t.Errorf("csv = %q", csv)
	}
}

// TestNobodyReachesAnotherPersonsData: everything an event does is to the
// person who sent it. Replaying someone else's button token, naming them
// in a command, or asking for progress or an export never reads or
// changes their data.
func TestNobodyReachesAnotherPersonsData(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	k.Onboard("mallory")
	ana, mal := bottest.ID("ana"), bottest.ID("mallory")
	bottest.Texts(k.Send(bot.Event{Person: ana, Command: "win", Text: "ANA-PRIVATE-WIN"}))
	q, err := k.Engine.Handle(context.Background(), bot.Event{Person: ana, Command: "checkin"})
	if err != nil {
		t.Fatal(err)
	}
	before := k.Person(bottest.ID("ana"))
	for _, ev := range []bot.Event{
		{Person: mal, Action: q[0].Ask, Token: q[0].Token, Text: "done"}, // ana's button token
		{Person: mal, Command: "progress", Text: "ana"},
		{Person: mal, Command: "export", Text: "ana"},
		{Person: mal, Command: "milestone", Text: "done 1"},
		{Person: mal, Command: "coach", Text: "ana"},
		{Person: mal, Command: "forget", Text: "ana"},
		{Person: mal, Text: "no"},
	} {
		replies, err := k.Engine.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, rep := range replies {
			if rep.To != mal {
				t.Fatalf("%+v produced a reply to %s", ev, rep.To)
			}
			for _, f := range rep.Files {
				if bytes.Contains(f.Data, []byte("ANA-PRIVATE-WIN")) {
					t.Fatalf("mallory's export holds ana's win")
				}
			}
			if strings.Contains(rep.Text, "ANA-PRIVATE-WIN") {
				t.Fatalf("mallory saw ana's win: %q", rep.Text)
			}
		}
	}
	after := k.Person(bottest.ID("ana"))
	if after.Version != before.Version || after.Counts.CheckIns != before.Counts.CheckIns {
		t.Errorf("ana's record changed: version %d -> %d, check-ins %d -> %d", before.Version, after.Version, before.Counts.CheckIns, after.Counts.CheckIns)
	}
	if ci, _ := k.DB.CheckIns(ctx, ana, time.Time{}); len(ci) != 0 {
		t.Errorf("a check-in was recorded for ana by someone else: %+v", ci)
	}
}

// TestRedeliveredForgetYesDoesNothing: a forget confirmation that comes
// again (the same event redelivered, or a second "yes" or button press
// right after) neither re-creates the person nor starts onboarding.
func TestRedeliveredForgetYesDoesNothing(t *testing.T) {
	k := bottest.New(t, bottest.Options{})
	k.Onboard("ana")
	id := bottest.ID("ana")
	bottest.Texts(k.Send(bot.Event{Person: id, Command: "forget"}))
	yes := bot.Event{ID: "slack:m:C1:111.222", Person: id, Text: "yes"}
	if got := k.Send(yes); len(got) != 1 || !strings.Contains(got[0].Text, "deleted") {
		t.Fatalf("farewell = %+v", got)
	}
	again := []bot.Event{
		yes, // Slack retries the same event
		{ID: "slack:m:C1:111.333", Person: id, Text: "yes"},
		{ID: "slack:a:U1:444", Person: id, Action: "forget", Text: "yes"},
		{Person: id, Text: "Yes, delete everything"},
	}
	for _, ev := range again {
		if got := k.Send(ev); len(got) != 0 {
			t.Errorf("%+v answered %q", ev, bottest.Joined(bottest.Texts(got)))
		}
		if _, ok, _ := k.DB.Person(ctx, id); ok {
			t.Fatalf("%+v re-created the person", ev)
		}
	}
	// Anything else is a new beginning.
	if got := k.Send(bot.Event{Person: id, Text: "hi"}); len(got) == 0 {
		t.Fatal("hi after forget got no answer")
	}
}
