package bot

// Words renders what the bot says. prompts.Set implements it; the engine
// only knows message names, never the wording.
type Words interface {
	// Say renders variant v (0-based, below Variants(name)) of the named
	// message with data, choosing a platform-specific version when one
	// exists.
	Say(name, platform string, v int, data any) (string, error)
	// Variants reports how many wordings a message has (at least 1 for
	// any message that exists, 0 for an unknown name).
	Variants(name string) int
}

// Msg names a message in the prompts: "checkin.ask" is the file
// prompts/text/checkin.ask.tmpl.
type Msg string

// Line is one thing to say: a message, the values only it uses, and the
// choices it offers, if any.
type Line struct {
	Msg  Msg
	With Extra
	// Ask names what Choices answer; a press comes back as Event.Action.
	Ask     string
	Choices []Choice
	// Variant picks one of the message's wordings (0: the first).
	Variant int
	// Public lines go to the channel of each group where the person
	// chose public accountability, not to the person.
	Public bool
}

// say is a Line of a message with no values of its own.
func say(m Msg) Line { return Line{Msg: m} }

// sayWith is a Line of a message with values of its own.
func sayWith(m Msg, x Extra) Line { return Line{Msg: m, With: x} }

// Data is what every message is rendered with: the person's details as
// the bot says them, and the values some messages are given (Extra).
// Text the person wrote is escaped for their platform before it goes in.
type Data struct {
	Name           string
	Goal           string
	Step           string
	Habit          string
	After          string // "after your morning coffee"
	Time           string // "09:00"
	Days           string // "weekdays at 09:00"
	StartingReason string
	InnerReason    string
	LastWin        string
	Wins           int
	Next           string // when the next reminder is, in words
	Zone           string
	Group          string
	// Answers given so far in an open flow.
	Vague    string
	Doing    string
	Notice   string
	BigStep  string
	Rating   string
	RatingUp string
	Obstacle string
	Misses   int
	// ValuesKind rotates the values questions (1 to 3).
	ValuesKind int
	Weekly     bool
	Extra
}

// Extra holds the values that only some messages use; zero values keep
// a message that does not get one from failing.
type Extra struct {
	// Re-asks.
	Problem string
	Stuck   bool
	CanSkip bool
	// Reminders.
	Late   bool
	Missed bool
	Due    string
	Until  string
	// Celebrations.
	Win       string
	Milestone string
	Streak    int
	Done      int
	Of        int
	AllDone   bool
	// Lists.
	Milestones []MilestoneItem
	DoneCount  int
	RecentWins []string
	Ratings    string
	// Progress this week.
	Week       int
	WeekDone   int
	WeekPartly int
	WeekNotYet int
	// Export.
	CheckInCount int
	WinCount     int
	// Coach and group.
	Coach          string
	Public         bool
	Members        []CoachView
	Moving         []CoachView
	MaybeStuck     []CoachView
	GettingStarted []CoachView
	People         []DigestEntry
	// Setup.
	Channel     string
	CoachRole   string
	DigestWhen  string
	Changed     bool
	Value       string
	WeeklyOff   bool
	ChannelSet  bool
	DigestSet   bool
	SetupGroups int
	// Safety.
	Emergency string
	Helpline  string
	// Understanding replies: the kind of non-answer (dontknow,
	// refusal, filler, same, shrug, youpick, nothing), how many in a row,
	// what the person's plan is about (work, health, writing, learning,
	// home, people, money, mind, or ""), and Again on every second try so
	// that a re-ask is never the same twice in a row.
	Non      string
	Tries    int
	Examples []string
	Topic    string
	Again    bool
	// Specific is what a check-in or win names: "230 words", "your boss".
	Specific string
	// Note is what a check-in said besides its outcome; Partly is set
	// for a check-in that was partly done.
	Note   string
	Partly bool
	// Was is an earlier rating, Hour an hour said without am or pm.
	Was  int
	Hour int
	// Check is when "how did it go?" follows a reminder, in words.
	Check string
	// Names are people named in a message (the coaches, the people
	// a name could mean).
	Names []string
	// Anything else.
	Max     int
	Command string
}

// MilestoneItem is one milestone in a list.
type MilestoneItem struct {
	N    int
	Text string
	Done bool
}
