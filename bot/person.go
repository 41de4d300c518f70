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

// User returns the platform's own id of the person: the last part of the
// id ("1234" in "discord:1234", "U02" in "slack:T01:U02").
func (id PersonID) User() string {
	s := string(id)
	return s[strings.LastIndexByte(s, ':')+1:]
}

// Person is everything the bot knows about one person, in named parts.
// It is loaded, changed by the engine, and written back whole with
// Version checked.
type Person struct {
	ID      PersonID `json:"id"`
	Version uint64   `json:"version"`

	Identity Identity     `json:"identity"`
	Plan     Plan         `json:"plan"`
	Schedule Schedule     `json:"schedule"`
	Talk     Conversation `json:"talk"`
	Memory   Memory       `json:"memory"`
	Counts   Counters     `json:"counts"`
	// Groups are the platform groups the person belongs to (Discord
	// guilds, a Slack workspace, "console"), each with its own choices.
	Groups []Membership `json:"groups,omitempty"`
	// Safety is what is kept after the bot answered distress.
	Safety Safety `json:"safety,omitzero"`
}

// Safety is what the bot keeps after it answered distress: when, and
// where the conversation was — never anything of what was said.
type Safety struct {
	// Held is when plan talk and reminders paused after a safety
	// reply; zero when they go on as usual.
	Held time.Time `json:"held,omitzero"`
	// CheckedBack is when the bot asked, gently, a day later, whether
	// to go on; zero until it has.
	CheckedBack time.Time `json:"checked_back,omitzero"`
	// Resume is the question that was open when the conversation paused,
	// to go back to when the person chooses to.
	Resume FlowState `json:"resume,omitzero"`
	// Replies are when safety replies were given (the newest few).
	Replies []time.Time `json:"replies,omitempty"`
}

// Identity is who the person is and where their clock is.
type Identity struct {
	// Name is the display name the platform gave last.
	Name string `json:"name,omitempty"`
	// Handle is the platform's unique name for them (a Discord or Slack
	// username), shown where two people could share a display name.
	Handle string `json:"handle,omitempty"`
	// Zone is the person's IANA time zone.
	Zone string `json:"zone,omitempty"`
	// OwnZone is set when the person chose their zone themselves; the
	// platform's idea of their zone no longer overrides it.
	OwnZone  bool      `json:"own_zone,omitempty"`
	Joined   time.Time `json:"joined"`
	LastSeen time.Time `json:"last_seen"`
}

// Plan is what the person is working toward and how.
type Plan struct {
	// StartingReason is what brought them here, often outside pressure.
	StartingReason string `json:"starting_reason,omitempty"`
	// InnerReason is why it matters to them, in their words.
	InnerReason string `json:"inner_reason,omitempty"`
	Goal        string `json:"goal,omitempty"`
	// Step is the smallest, easiest next action.
	Step   string `json:"step,omitempty"`
	Anchor Anchor `json:"anchor"`
	// Milestones are the checkpoints between here and the goal.
	Milestones []Milestone `json:"milestones,omitempty"`
	// Onboarded is set once the first plan is complete.
	Onboarded bool `json:"onboarded,omitempty"`
	// Faded is set once the person chose weekly reflection over daily
	// reminders: their own system carries them now.
	Faded bool `json:"faded,omitempty"`
}

// Anchor is the existing habit a new action is attached to, with the time
// of day the person usually does it.
type Anchor struct {
	Habit string `json:"habit"`
	Time  string `json:"time"` // "HH:MM", 24-hour, in the person's zone
}

// Schedule is when a person is reminded: a standard 5-field cron spec
// interpreted as wall-clock time in the person's zone, and where the
// reminders stand.
type Schedule struct {
	Cron  string `json:"cron,omitempty"`  // e.g. "0 9 * * 1-5"
	Label string `json:"label,omitempty"` // how the person said it: "weekdays"
	// Paused holds reminders until PausedUntil, or until resumed when
	// PausedUntil is zero.
	Paused      bool      `json:"paused,omitempty"`
	PausedUntil time.Time `json:"paused_until,omitempty"`
	// PausedAt is when the current pause began.
	PausedAt time.Time `json:"paused_at,omitempty"`
	// Next is the next instant a reminder is due; zero when none. The
	// store keeps its due index in step with it.
	Next time.Time `json:"next,omitempty"`
	// Last is when the last reminder was sent; zero once a conversation
	// about the plan has settled it.
	Last time.Time `json:"last,omitempty"`
	// Check is when "how did it go?" follows the last reminder, once the
	// step could have happened; zero when none is waiting. Next is never
	// later than it.
	Check time.Time `json:"check,omitzero"`
	// CheckAfter is how long after the reminder that question comes, as
	// the person chose it; zero for the engine's default, negative for
	// never.
	CheckAfter time.Duration `json:"check_after,omitempty"`
	// Pauses are the person's recent pauses that have ended (the newest
	// few), so their calendar can show them.
	Pauses []Period `json:"pauses,omitempty"`
}

// Period is a stretch of time, such as a pause that has ended.
type Period struct {
	From  time.Time `json:"from"`
	Until time.Time `json:"until"`
}

// Conversation is where the person is in the conversation: the open
// question, if any. Persisted, so a restart resumes in the middle.
type Conversation struct {
	Flow FlowState `json:"flow"`
}

// Memory is what the person told the bot that it recalls later.
type Memory struct {
	// LastWin is the text of the most recent win.
	LastWin string `json:"last_win,omitempty"`
	// LastObstacle is what got in the way last time, in their words.
	LastObstacle string `json:"last_obstacle,omitempty"`
	// LastCheckIn is when the person last checked in.
	LastCheckIn time.Time `json:"last_checkin,omitempty"`
	// LastRating is the last 1-10 they gave, to notice a drop.
	LastRating int `json:"last_rating,omitempty"`
	// Pressure is set once the person said the plan started with someone
	// else's wish ("HR made me"): their own reasons are asked for, not a
	// smaller step.
	Pressure bool `json:"pressure,omitempty"`
	// HelloAt is when the "good to see you" summary was last given; it
	// is given at most once a day.
	HelloAt time.Time `json:"hello_at,omitzero"`
	// LastWording remembers the last variant used per kind of message, so
	// that two celebrations in a row never use the same words.
	LastWording map[string]int `json:"last_wording,omitempty"`
}

// Counters are counts kept on the person so that summaries and back-off
// need no scan of their records.
type Counters struct {
	Wins     int `json:"wins,omitempty"`
	CheckIns int `json:"checkins,omitempty"`
	// Misses counts missed check-ins in a row: reminders with no
	// check-in before the next one, and "not yet" answers.
	Misses int `json:"misses,omitempty"`
	// Unanswered counts reminders in a row the person did not answer;
	// reminders back off as it grows, and any message resets it.
	Unanswered int `json:"unanswered,omitempty"`
	// BestStreak is the longest streak celebrated so far.
	BestStreak int `json:"best_streak,omitempty"`
	// ValuesAsked counts values questions asked, to rotate their kind;
	// ValuesAt is when the last was asked.
	ValuesAsked int       `json:"values_asked,omitempty"`
	ValuesAt    time.Time `json:"values_at,omitempty"`
	// FadeOffered is when the bot last offered to step back.
	FadeOffered time.Time `json:"fade_offered,omitempty"`
}

// Membership is a person's place in one group: whether their wins are
// posted there, and who they share their summary with there.
type Membership struct {
	Group string     `json:"group"`
	Share Visibility `json:"share,omitempty"`
	// Coach is who the person shares their summary with in this group,
	// by consent; empty when nobody.
	Coach PersonID `json:"coach,omitempty"`
}

// Public reports whether the person chose public accountability here.
func (m Membership) Public() bool { return m.Share == Public }

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

// Outcome is how a check-in went.
type Outcome string

// The three check-in outcomes.
const (
	Done   Outcome = "done"
	Partly Outcome = "partly"
	NotYet Outcome = "not_yet"
)

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

// Membership returns the person's membership of group, or nil.
func (p *Person) Membership(group string) *Membership {
	for i := range p.Groups {
		if p.Groups[i].Group == group {
			return &p.Groups[i]
		}
	}
	return nil
}

// Join makes the person a member of group (once) and returns the
// membership.
func (p *Person) Join(group string) *Membership {
	if m := p.Membership(group); m != nil {
		return m
	}
	p.Groups = append(p.Groups, Membership{Group: group})
	return &p.Groups[len(p.Groups)-1]
}

// GroupNames lists the groups the person belongs to, in joining order.
func (p *Person) GroupNames() []string {
	out := make([]string, len(p.Groups))
	for i, m := range p.Groups {
		out[i] = m.Group
	}
	return out
}

// maxPauses is how many ended pauses a person keeps: enough for the
// weeks their calendar shows.
const maxPauses = 12

// pause holds reminders from now until until (zero: until resumed).
func (s *Schedule) pause(now, until time.Time) {
	if !s.Paused {
		s.PausedAt = now
	}
	s.Paused, s.PausedUntil = true, until
}

// resume ends a pause at the given time, remembering it.
func (s *Schedule) resume(at time.Time) {
	if s.Paused && !s.PausedAt.IsZero() && at.After(s.PausedAt) {
		s.Pauses = append(s.Pauses, Period{From: s.PausedAt, Until: at})
		if len(s.Pauses) > maxPauses {
			s.Pauses = s.Pauses[len(s.Pauses)-maxPauses:]
		}
	}
	s.Paused, s.PausedUntil, s.PausedAt = false, time.Time{}, time.Time{}
}

// Clone returns a copy of p that shares nothing with it that either may
// change: its slices and maps are copied too.
func (p *Person) Clone() *Person {
	c := *p
	c.Plan.Milestones = slices.Clone(p.Plan.Milestones)
	c.Schedule.Pauses = slices.Clone(p.Schedule.Pauses)
	c.Memory.LastWording = maps.Clone(p.Memory.LastWording)
	c.Groups = slices.Clone(p.Groups)
	c.Safety.Replies = slices.Clone(p.Safety.Replies)
	c.Talk.Flow = p.Talk.Flow.clone()
	c.Safety.Resume = p.Safety.Resume.clone()
	return &c
}

// FlowID names a conversation flow.
type FlowID string

// StepID names a step within a flow.
type StepID string

// FlowState is where a person is in a conversation flow. Persisted with the
// person, so a restart resumes in the middle of a flow.
type FlowState struct {
	Flow FlowID `json:"flow,omitempty"`
	Step StepID `json:"step,omitempty"`
	// Draft holds answers given so far in the flow, before they are final.
	Draft Draft `json:"draft,omitzero"`
	// Asked is when the current step's question was asked.
	Asked time.Time `json:"asked,omitzero"`
	// Token identifies the last question that offered choices, so that a
	// button pressed on an older question can be recognised as stale.
	Token string `json:"token,omitempty"`
	// Retries counts friendly re-asks of the current step.
	Retries int `json:"retries,omitempty"`
	// Offered are the examples offered as choices to someone unsure; a
	// press, their number or their words pick one.
	Offered []string `json:"offered,omitempty"`
}

// clone copies a flow state so that it shares nothing.
func (f FlowState) clone() FlowState {
	f.Offered = slices.Clone(f.Offered)
	if f.Draft.Change != nil {
		c := *f.Draft.Change
		f.Draft.Change = &c
	}
	return f
}

// Draft holds a flow's answers so far, each in its own field.
type Draft struct {
	// Vague is a goal that needs sharpening, Doing the answer to "what
	// would you be doing differently?", Notice who would notice.
	Vague  string `json:"vague,omitempty"`
	Doing  string `json:"doing,omitempty"`
	Notice string `json:"notice,omitempty"`
	// Big is a step that sounded like a project.
	Big string `json:"big,omitempty"`
	// Rating is the 1-10 just given, at RatingAt, with its reason.
	Rating    int       `json:"rating,omitempty"`
	RatingAt  time.Time `json:"rating_at,omitzero"`
	RatingWhy string    `json:"rating_why,omitempty"`
	// Was is the rating before, when this one fell by three or more.
	Was int `json:"was,omitempty"`
	// CheckInAt and Outcome are the check-in just recorded, for its note.
	CheckInAt time.Time `json:"checkin_at,omitzero"`
	Outcome   Outcome   `json:"outcome,omitempty"`
	// Coach and CoachName are the coach being asked about.
	Coach     PersonID `json:"coach,omitempty"`
	CoachName string   `json:"coach_name,omitempty"`
	// Group is the group a membership question is about.
	Group string `json:"group,omitempty"`
	// Time and Days are a time ("07:15") and days (a cron day field and
	// its words) said before they were asked, used when their question
	// comes; Hour is an hour that could be morning or evening.
	Time   string `json:"time,omitempty"`
	Hour   int    `json:"hour,omitempty"`
	Minute int    `json:"minute,omitempty"`
	// DayPart is a part of the day said for the time ("after lunch"),
	// which tells whether the time said next is morning or evening.
	DayPart   string `json:"day_part,omitempty"`
	Days      string `json:"days,omitempty"`
	DaysLabel string `json:"days_label,omitempty"`
	// ValuesNext asks the values question once the check-in's note is
	// done, not while the person is still reporting.
	ValuesNext bool `json:"values_next,omitempty"`
	// Change is a change asked for in words, waiting for a yes.
	Change *PlanChange `json:"change,omitempty"`
}

// PlanChange is a change to the plan asked for in words ("can we do every
// day"), carried out once the person confirms it.
type PlanChange struct {
	Ask Ask `json:"ask"`
	// Cron days and their words, a time "HH:MM", or a pause's end.
	Days      string    `json:"days,omitempty"`
	DaysLabel string    `json:"days_label,omitempty"`
	Time      string    `json:"time,omitempty"`
	Until     time.Time `json:"until,omitzero"`
}
