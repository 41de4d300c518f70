package bot

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// PersonID identifies one person on one platform: the platform name, then
// the platform's stable ids, joined by ':' (for example "discord:1234",
// "slack:T01:U02", "console:ana"). The same human on two platforms is two
// people unless they link accounts on purpose.
type PersonID string

// NewPersonID builds a PersonID from a platform and the ids that make a
// user unique on it (Slack needs the team id as well as the user id).
func NewPersonID(platform string, ids ...string) PersonID {
	return PersonID(platform + ":" + strings.Join(ids, ":"))
}

// Platform returns the platform part of the id.
func (id PersonID) Platform() string {
	p, _, _ := strings.Cut(string(id), ":")
	return p
}

// Outcome is how a check-in went.
type Outcome string

// The three check-in outcomes.
const (
	Done   Outcome = "done"
	Partly Outcome = "partly"
	NotYet Outcome = "not_yet"
)

// Visibility says who may see a reply.
type Visibility string

// Private replies go only to the person (a DM, an ephemeral message, the
// console); Group replies are posted in the person's group channel.
const (
	Private Visibility = "private"
	Group   Visibility = "group"
)

// Anchor is the existing habit a new action is attached to, with the time
// of day the person usually does it.
type Anchor struct {
	Habit string `json:"habit"`
	Time  string `json:"time"` // "HH:MM", 24-hour, in the person's zone
}

// Schedule is when a person is reminded: a standard 5-field cron spec
// interpreted as wall-clock time in the person's zone.
type Schedule struct {
	Cron  string `json:"cron"`            // e.g. "0 9 * * 1-5"
	Label string `json:"label,omitempty"` // how the person said it: "weekdays"
	// PausedUntil, when set, holds reminders until that instant. A zero
	// value with Paused true means "until resumed".
	Paused      bool      `json:"paused,omitempty"`
	PausedUntil time.Time `json:"paused_until,omitempty"`
	// PausedAt is when the current pause began.
	PausedAt time.Time `json:"paused_at,omitempty"`
}

// Period is a stretch of time, such as a pause that has ended.
type Period struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}

// FlowState is where a person is in a conversation flow. Persisted with the
// person, so a restart resumes in the middle of a flow.
type FlowState struct {
	Flow string `json:"flow,omitempty"`
	Step string `json:"step,omitempty"`
	// Draft holds answers given so far in the flow, before they are final.
	Draft map[string]string `json:"draft,omitempty"`
	// Token identifies the last question that offered choices, so that a
	// button pressed on an older question can be recognised as stale.
	Token string `json:"token,omitempty"`
	// Retries counts friendly re-asks of the current step.
	Retries int `json:"retries,omitempty"`
}

// Person is everything the bot knows about one person. It is loaded,
// changed by the engine, and written back whole with Version checked.
type Person struct {
	ID   PersonID `json:"id"`
	Name string   `json:"name,omitempty"`
	Zone string   `json:"zone,omitempty"` // IANA time zone
	// OwnZone is set when the person chose their zone themselves; the
	// platform's idea of their zone no longer overrides it.
	OwnZone  bool      `json:"own_zone,omitempty"`
	Version  uint64    `json:"version"`
	Joined   time.Time `json:"joined"`
	LastSeen time.Time `json:"last_seen"`

	// StartingReason is what brought them here, often outside pressure.
	StartingReason string `json:"starting_reason,omitempty"`
	// InnerReason is why it matters to them, in their words.
	InnerReason string `json:"inner_reason,omitempty"`

	Goal     string   `json:"goal,omitempty"`
	Step     string   `json:"step,omitempty"`
	Anchor   Anchor   `json:"anchor"`
	Schedule Schedule `json:"schedule"`
	// NextReminder is the next instant a reminder is due; zero when none.
	// The store keeps its due index in step with this field.
	NextReminder time.Time `json:"next_reminder,omitempty"`
	// LastReminder is when the last reminder was sent; zero once a
	// conversation about the plan has settled it.
	LastReminder time.Time `json:"last_reminder,omitempty"`
	// Unanswered counts reminders in a row the person did not answer;
	// reminders back off as it grows, and any message resets it.
	Unanswered int `json:"unanswered,omitempty"`

	Share Visibility `json:"share,omitempty"`
	Flow  FlowState  `json:"flow"`

	// Onboarded is set once the first plan is complete.
	Onboarded bool `json:"onboarded,omitempty"`
	// Counts of records, kept here so summaries need no scan.
	Wins     int `json:"wins,omitempty"`
	CheckIns int `json:"checkins,omitempty"`
	// LastWording remembers the last variant used per kind of message, so
	// that two celebrations in a row never use the same words.
	LastWording map[string]int `json:"last_wording,omitempty"`
	// LastWin is the text of the most recent win, for recall.
	LastWin string `json:"last_win,omitempty"`
	// LastCheckIn is when the person last checked in.
	LastCheckIn time.Time `json:"last_checkin,omitempty"`
	// LastObstacle is what got in the way last time, in their words.
	LastObstacle string `json:"last_obstacle,omitempty"`
	// Misses counts missed check-ins in a row: reminders with no
	// check-in before the next one, and "not yet" answers.
	Misses int `json:"misses,omitempty"`

	// Milestones are the checkpoints between here and the goal.
	Milestones []Milestone `json:"milestones,omitempty"`
	// ValuesAsked counts values questions asked, to rotate their kind.
	ValuesAsked int       `json:"values_asked,omitempty"`
	ValuesAt    time.Time `json:"values_at,omitempty"`
	// FadeOffered is when the bot last offered to step back.
	FadeOffered time.Time `json:"fade_offered,omitempty"`
	// Faded is set once the person chose weekly reflection over daily
	// reminders: their own system carries them now.
	Faded bool `json:"faded,omitempty"`
	// Pauses are the person's recent pauses that have ended (the
	// newest few), so their calendar can show them.
	Pauses []Period `json:"pauses,omitempty"`
	// BestStreak is the longest streak celebrated so far.
	BestStreak int `json:"best_streak,omitempty"`

	// Group is the platform group the person belongs to (a Discord
	// guild, a Slack team, "console"): where public wins go and where a
	// coach can be found.
	Group string `json:"group,omitempty"`
	// Coach is who the person shares their summary with, by consent;
	// empty when nobody. Withdrawing consent clears it.
	Coach PersonID `json:"coach,omitempty"`
}

// Milestone is a checkpoint on the way to the goal.
type Milestone struct {
	Text string    `json:"text"`
	Done time.Time `json:"done,omitempty"`
}

// Rating is an answer to "how likely are you to do it, 1 to 10?", with
// the person's reasons.
type Rating struct {
	At    time.Time `json:"at"`
	Value int       `json:"value"`
	Step  string    `json:"step,omitempty"`
	// Why answers "what makes it N and not lower?".
	Why string `json:"why,omitempty"`
	// Up answers "what would move it to N+1?".
	Up string `json:"up,omitempty"`
}

// CheckIn is one report on the step.
type CheckIn struct {
	At      time.Time `json:"at"`
	Outcome Outcome   `json:"outcome"`
	Note    string    `json:"note,omitempty"`
}

// Win is something that went well, however small.
type Win struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// Place says where an event happened.
type Place struct {
	// Channel is empty for a direct conversation with the bot.
	Channel string `json:"channel,omitempty"`
	// Group is the platform's grouping (a Discord guild, a Slack team).
	Group string `json:"group,omitempty"`
	// Reply is opaque to the engine: how the platform can answer this
	// very event (a Discord interaction's token). Replies to the event
	// carry it; replies sent later (reminders) do not.
	Reply string `json:"reply,omitempty"`
}

// Event is one thing a person did that the bot should answer: a message,
// a command, or a press on a choice the bot offered.
type Event struct {
	// ID is the platform's id for the event, used to drop redeliveries.
	// Empty means the event cannot be redelivered.
	ID      string
	Person  PersonID
	Name    string // display name, if known
	Zone    string // IANA zone, if the platform knows it
	Place   Place
	Text    string // free text, or the arguments of Command
	Command string // command name without any prefix, lower case
	Action  string // the Ask of the reply whose choice was pressed
	Token   string // the Token of that reply
	At      time.Time
}

// Choice is one answer offered as a button or numbered option.
type Choice struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Reply is one message the bot wants to send. The engine returns replies
// as values and queues them in the outbox; adapters render and send them.
type Reply struct {
	// Key is unique per reply, so senders can avoid sending one twice.
	Key        string     `json:"key"`
	To         PersonID   `json:"to"`
	Visibility Visibility `json:"visibility"`
	Text       string     `json:"text"`
	// Ask names what the choices answer ("checkin", "frequency", ...);
	// a press comes back as Event.Action with Event.Text set to the value.
	Ask     string   `json:"ask,omitempty"`
	Token   string   `json:"token,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
	// Files are attachments (an export of the person's data).
	Files []File `json:"files,omitempty"`
	// Direct replies are not queued: the farewell after "forget" must
	// leave no trace in the database, so adapters send it from Handle's
	// result, best effort.
	Direct bool `json:"direct,omitempty"`
	// At is when the reply was made (for a reminder: when it fired).
	At time.Time `json:"at"`
	// Late marks a reminder sent after downtime, within the grace window.
	Late bool `json:"late,omitempty"`
	// Reminder marks what the scheduler sent at a due time: a sender
	// drops it once it is older than the grace window, since it would
	// arrive at the wrong time.
	Reminder bool `json:"reminder,omitempty"`
	// Place is where the conversation happened, when it was a channel.
	Place Place `json:"place,omitempty"`
	// Platform is set on a reply to a whole group (a weekly digest),
	// which has no person in To to tell the platform by.
	Platform string `json:"platform,omitempty"`
	// About are the people, other than To, whose names or words the
	// reply shows (a digest's members, a coach report's): if one of them
	// is forgotten while it is still queued, it is not sent.
	About []PersonID `json:"about,omitempty"`
}

// Outbox is the platform whose outbox a reply goes to.
func (r Reply) Outbox() string {
	if r.To == "" {
		return r.Platform
	}
	return r.To.Platform()
}

// File is an attachment to a reply.
type File struct {
	Name string `json:"name"`
	Type string `json:"type"` // MIME type
	Data []byte `json:"data"`
}

// Envelope is a reply waiting in the outbox.
type Envelope struct {
	Seq      uint64    `json:"seq"`
	Platform string    `json:"platform"`
	Queued   time.Time `json:"queued"`
	Reply    Reply     `json:"reply"`
}

// Address is how a platform reaches a person privately: the DM channel
// it opened once, and whether DMs were found closed (so that the sender
// stops trying until the person writes again).
type Address struct {
	DM string `json:"dm,omitempty"`
	// Closed is when a DM was refused; zero when DMs work.
	Closed time.Time `json:"closed,omitempty"`
	// Told is when the person was told in their group that DMs are closed.
	Told time.Time `json:"told,omitempty"`
}

// GroupSettings are a group's choices made with setup: the channel public
// wins and digests go to, and the role that marks coaches.
type GroupSettings struct {
	Channel   string `json:"channel,omitempty"`
	CoachRole string `json:"coach_role,omitempty"`
	// Zone is the group's IANA zone, for its weekly digest; empty means
	// the bot's default zone.
	Zone string `json:"zone,omitempty"`
	// DigestDay ("friday") and DigestTime ("17:00") move the group's
	// weekly digest from the configured default.
	DigestDay  string    `json:"digest_day,omitempty"`
	DigestTime string    `json:"digest_time,omitempty"`
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at"`
}

// Undeliverable is a reply the platform refused for good, with why.
type Undeliverable struct {
	Envelope Envelope  `json:"envelope"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}

// maxPauses is how many ended pauses a person keeps: enough for the
// weeks their calendar shows.
const maxPauses = 12

// pause holds reminders from now until until (zero: until resumed).
func (p *Person) pause(now, until time.Time) {
	if !p.Schedule.Paused {
		p.Schedule.PausedAt = now
	}
	p.Schedule.Paused, p.Schedule.PausedUntil = true, until
}

// resume ends a pause at the given time, remembering it.
func (p *Person) resume(at time.Time) {
	s := &p.Schedule
	if s.Paused && !s.PausedAt.IsZero() && at.After(s.PausedAt) {
		p.Pauses = append(p.Pauses, Period{From: s.PausedAt, Until: at})
		if len(p.Pauses) > maxPauses {
			p.Pauses = p.Pauses[len(p.Pauses)-maxPauses:]
		}
	}
	s.Paused, s.PausedUntil, s.PausedAt = false, time.Time{}, time.Time{}
}

// Clone returns a copy of p that shares nothing with it that either may
// change: its slices and maps are copied too.
func (p *Person) Clone() *Person {
	c := *p
	c.Milestones = slices.Clone(p.Milestones)
	c.Pauses = slices.Clone(p.Pauses)
	c.LastWording = maps.Clone(p.LastWording)
	c.Flow.Draft = maps.Clone(p.Flow.Draft)
	return &c
}
