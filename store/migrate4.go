package store

import (
	"encoding/json"
	"strconv"
	"time"

	"followthrough/bot"
)

// v3Person is a person as schema 3 stored them: one flat JSON object,
// with a single group. Frozen: it is how old files read, whatever
// bot.Person becomes. (Anchor, Milestone and Period kept their shape and
// are read as bot's.)
type v3Person struct {
	ID             bot.PersonID `json:"id"`
	Name           string       `json:"name"`
	Zone           string       `json:"zone"`
	OwnZone        bool         `json:"own_zone"`
	Joined         time.Time    `json:"joined"`
	LastSeen       time.Time    `json:"last_seen"`
	StartingReason string       `json:"starting_reason"`
	InnerReason    string       `json:"inner_reason"`
	Goal           string       `json:"goal"`
	Step           string       `json:"step"`
	Anchor         bot.Anchor   `json:"anchor"`
	Schedule       struct {
		Cron        string    `json:"cron"`
		Label       string    `json:"label"`
		Paused      bool      `json:"paused"`
		PausedUntil time.Time `json:"paused_until"`
		PausedAt    time.Time `json:"paused_at"`
	} `json:"schedule"`
	NextReminder time.Time `json:"next_reminder"`
	LastReminder time.Time `json:"last_reminder"`
	Unanswered   int       `json:"unanswered"`
	Share        string    `json:"share"` // "group" (public) or "private"
	Flow         struct {
		Flow    string            `json:"flow"`
		Step    string            `json:"step"`
		Draft   map[string]string `json:"draft"`
		Token   string            `json:"token"`
		Retries int               `json:"retries"`
	} `json:"flow"`
	Onboarded    bool            `json:"onboarded"`
	Wins         int             `json:"wins"`
	CheckIns     int             `json:"checkins"`
	LastWording  map[string]int  `json:"last_wording"`
	LastWin      string          `json:"last_win"`
	LastCheckIn  time.Time       `json:"last_checkin"`
	LastObstacle string          `json:"last_obstacle"`
	Misses       int             `json:"misses"`
	Milestones   []bot.Milestone `json:"milestones"`
	ValuesAsked  int             `json:"values_asked"`
	ValuesAt     time.Time       `json:"values_at"`
	FadeOffered  time.Time       `json:"fade_offered"`
	Faded        bool            `json:"faded"`
	Pauses       []bot.Period    `json:"pauses"`
	BestStreak   int             `json:"best_streak"`
	Group        string          `json:"group"`
	Coach        bot.PersonID    `json:"coach"`
}

// personFromV3 reads a schema-3 person stored under key k (head format 1
// and flat JSON) as a bot.Person, as it would be decoded.
func personFromV3(k, v []byte) (*bot.Person, error) {
	version, body, err := bodyV1(v)
	if err != nil {
		return nil, err
	}
	var o v3Person
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, err
	}
	p := &bot.Person{
		ID:      bot.PersonID(k),
		Version: version,
		Identity: bot.Identity{Name: o.Name, Zone: o.Zone, OwnZone: o.OwnZone,
			Joined: o.Joined, LastSeen: o.LastSeen},
		Plan: bot.Plan{StartingReason: o.StartingReason, InnerReason: o.InnerReason,
			Goal: o.Goal, Step: o.Step, Anchor: o.Anchor, Milestones: o.Milestones,
			Onboarded: o.Onboarded, Faded: o.Faded},
		Schedule: bot.Schedule{Cron: o.Schedule.Cron, Label: o.Schedule.Label,
			Paused: o.Schedule.Paused, PausedUntil: o.Schedule.PausedUntil, PausedAt: o.Schedule.PausedAt,
			Next: o.NextReminder, Last: o.LastReminder, Pauses: o.Pauses},
		Memory: bot.Memory{LastWin: o.LastWin, LastObstacle: o.LastObstacle,
			LastCheckIn: o.LastCheckIn, LastWording: o.LastWording},
		Counts: bot.Counters{Wins: o.Wins, CheckIns: o.CheckIns, Misses: o.Misses,
			Unanswered: o.Unanswered, BestStreak: o.BestStreak, ValuesAsked: o.ValuesAsked,
			ValuesAt: o.ValuesAt, FadeOffered: o.FadeOffered},
	}
	p.Talk.Flow = bot.FlowState{Flow: bot.FlowID(o.Flow.Flow), Step: bot.StepID(o.Flow.Step),
		Token: o.Flow.Token, Retries: o.Flow.Retries}
	p.Talk.Flow.Draft, p.Talk.Flow.Asked = draftFromV3(o.Flow.Draft)
	if o.Group != "" {
		// A share or coach without a group had nowhere to apply; it
		// has nowhere to go now either.
		p.Groups = []bot.Membership{{Group: o.Group, Share: shareFromV3(o.Share), Coach: o.Coach}}
	}
	asDecoded(p)
	return p, nil
}

// shareFromV3 is a schema-3 share as a visibility: "group" was public.
func shareFromV3(share string) bot.Visibility {
	switch share {
	case "group":
		return bot.Public
	case "private":
		return bot.Private
	}
	return ""
}

// draftFromV3 types a schema-3 flow draft, and takes out when the step's
// question was asked. Keys the engine did not write are left behind, and
// so is a value that does not parse (the engine read it as zero too).
func draftFromV3(d map[string]string) (bot.Draft, time.Time) {
	rating, _ := strconv.Atoi(d["rating"])
	return bot.Draft{
		Vague:     d["vague"],
		Doing:     d["doing"],
		Notice:    d["notice"],
		Big:       d["big"],
		Rating:    rating,
		RatingAt:  timeFromV3(d["rating_at"]),
		RatingWhy: d["rating_why"],
		CheckInAt: timeFromV3(d["checkin_at"]),
		Outcome:   bot.Outcome(d["outcome"]),
		Coach:     bot.PersonID(d["coach"]),
		CoachName: d["coach_name"],
	}, timeFromV3(d["asked"])
}

// timeFromV3 reads a time a schema-3 draft held as text (RFC 3339, with
// or without fractions); zero when absent or unreadable.
func timeFromV3(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// v3ReplyExtra is what a schema-3 reply held under another name.
type v3ReplyExtra struct {
	Place struct {
		Reply string `json:"reply"`
	} `json:"place"`
}

// replyFromV3 renames in r, decoded from a schema-3 reply whose JSON is
// raw, what schema 4 calls otherwise.
func replyFromV3(r *bot.Reply, raw json.RawMessage) error {
	var extra v3ReplyExtra
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &extra); err != nil {
			return err
		}
	}
	if r.Visibility == "group" {
		r.Visibility = bot.Public
	}
	if r.Place.Interaction == "" {
		r.Place.Interaction = extra.Place.Reply
	}
	return nil
}

// envelopeFromV3 rewrites a schema-3 outbox entry.
func envelopeFromV3(_, v []byte) ([]byte, error) {
	var env bot.Envelope
	var raw struct {
		Reply json.RawMessage `json:"reply"`
	}
	if err := unmarshalBoth(v, &env, &raw); err != nil {
		return nil, err
	}
	if err := replyFromV3(&env.Reply, raw.Reply); err != nil {
		return nil, err
	}
	return json.Marshal(env)
}

// undeliverableFromV3 rewrites a schema-3 undeliverable entry.
func undeliverableFromV3(_, v []byte) ([]byte, error) {
	var u bot.Undeliverable
	var raw struct {
		Envelope struct {
			Reply json.RawMessage `json:"reply"`
		} `json:"envelope"`
	}
	if err := unmarshalBoth(v, &u, &raw); err != nil {
		return nil, err
	}
	if err := replyFromV3(&u.Envelope.Reply, raw.Envelope.Reply); err != nil {
		return nil, err
	}
	return json.Marshal(u)
}

// unmarshalBoth decodes v into a and into b.
func unmarshalBoth(v []byte, a, b any) error {
	if err := json.Unmarshal(v, a); err != nil {
		return err
	}
	return json.Unmarshal(v, b)
}
