package bot

import "time"

// Visibility says who may see a reply, or who may see a person's wins.
type Visibility string

// Private replies go only to the person (a DM, an ephemeral message, the
// console); Public replies are posted in the group's channel.
const (
	Private Visibility = "private"
	Public  Visibility = "public"
)

// Place says where an event happened.
type Place struct {
	// Channel is the platform's channel (a direct conversation's too).
	Channel string `json:"channel,omitempty"`
	// Direct is set for a direct conversation with the bot (a DM).
	Direct bool `json:"direct,omitempty"`
	// Group is the platform's grouping (a Discord guild, a Slack team).
	Group string `json:"group,omitempty"`
	// Interaction is opaque to the engine: how the platform can answer
	// this very event (a Discord interaction's token, a Slack
	// response_url). Replies to the event carry it; replies sent later
	// (reminders) do not.
	Interaction string `json:"interaction,omitempty"`
}

// Event is one thing a person did that the bot should answer: a message,
// a command, or a press on a choice the bot offered.
type Event struct {
	// ID is the platform's id for the event, used to drop redeliveries.
	// Empty means the event cannot be redelivered.
	ID     string
	Person PersonID
	Name   string // display name, if known
	// Handle is the platform's unique user name, if known.
	Handle string
	Zone   string // IANA zone, if the platform knows it
	Place  Place
	Text   string // free text, or the arguments of Command
	// Command is a command name without any prefix, lower case.
	Command string
	// Args are a command's named options, where the platform has them
	// (a Discord slash command's channel, role or user), by option name.
	Args map[string]string
	// Action is the Ask of the reply whose choice was pressed, Token
	// that reply's Token; Text is then the choice's value.
	Action string
	Token  string
	// Admin says the platform lets the person change the settings of
	// the group the event happened in (Discord's Manage Server, a Slack
	// workspace admin): setup is theirs.
	Admin bool
	// Roles are the person's roles in that group, where the platform
	// has them (Discord role ids), for telling coaches by their role.
	Roles []string
	At    time.Time
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
	// Files are attachments (an export of the person's data, pictures).
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
	// Place is where the conversation happened; for a Public reply, its
	// Group is the group whose channel it goes to.
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
	// Group is the group the person last wrote from (a Discord guild),
	// where they can be told that DMs are closed.
	Group string `json:"group,omitempty"`
}

// GroupSettings are a group's choices made with setup: the channel public
// wins and digests go to, and who its coaches are.
type GroupSettings struct {
	Channel string `json:"channel,omitempty"`
	// ChannelName is how the channel was named when it was chosen, to
	// say it back without platform markup.
	ChannelName string `json:"channel_name,omitempty"`
	// CoachRole is the platform role that marks coaches (Discord).
	CoachRole string `json:"coach_role,omitempty"`
	// Coaches are the people an admin named as the group's coaches
	// (where the platform has no roles); empty: anyone may be chosen.
	Coaches []PersonID `json:"coaches,omitempty"`
	// Zone is the group's IANA zone, for its weekly digest; empty means
	// the bot's default zone.
	Zone string `json:"zone,omitempty"`
	// DigestDay ("friday") and DigestTime ("17:00") move the group's
	// weekly digest from the configured default.
	DigestDay  string    `json:"digest_day,omitempty"`
	DigestTime string    `json:"digest_time,omitempty"`
	By         PersonID  `json:"by,omitempty"`
	At         time.Time `json:"at"`
}

// Undeliverable is a reply the platform refused for good, with why.
type Undeliverable struct {
	Envelope Envelope  `json:"envelope"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
}
