package bot

import (
	"strings"
)

// Command is something a person can ask for by name, anywhere: /help in
// the console, a slash command on Discord or Slack, or the bare word.
// The table below is the one list of commands: Discord registers its
// slash commands from it, and Slack's help and manifest are checked
// against it.
type Command struct {
	Name    string
	Aliases []string
	// Help is the message with the command's one-line description.
	Help Msg
	// Args are the command's options, for platforms that show them.
	Args []Arg
	// Always makes the command work in the middle of a question, said
	// alone ("stop", "help").
	Always bool
	// Spoken makes the bare word with arguments after it the command
	// ("win sent the email"); otherwise the word counts only alone.
	Spoken bool
	// KeepsFlow commands answer and then return to the open question.
	KeepsFlow bool
	// Admin commands are for the admins of a group.
	Admin bool
	// Form says the argument may be written in a form when not given.
	Form bool
	run  func(t *turn, args string)
}

// ArgKind is what a command option takes.
type ArgKind int

// The kinds of option.
const (
	TextArg    ArgKind = iota // free text
	NumberArg                 // a whole number between Min and Max
	UserArg                   // a person on the platform
	ChannelArg                // a channel
	RoleArg                   // a role (Discord)
)

// Arg is one option of a command.
type Arg struct {
	Name     string
	Help     Msg
	Kind     ArgKind
	Required bool
	// Choices, when set, are the only values (labels are message names).
	Choices   []Choice
	Min, Max  int
	MaxLength int
}

// Labels of choices are message names (see labels.tmpl).
var (
	yesNo     = []Choice{{Label: "label.yes", Value: "yes"}, {Label: "label.no", Value: "no"}}
	outcomes  = []Choice{{Label: "label.done", Value: "done"}, {Label: "label.partly", Value: "partly"}, {Label: "label.notyet", Value: "not yet"}}
	howOften  = []Choice{{Label: "label.daily", Value: "daily"}, {Label: "label.weekdays", Value: "weekdays"}, {Label: "label.weekends", Value: "weekends"}}
	weekdays  = []Choice{{Label: "label.monday", Value: "monday"}, {Label: "label.tuesday", Value: "tuesday"}, {Label: "label.wednesday", Value: "wednesday"}, {Label: "label.thursday", Value: "thursday"}, {Label: "label.friday", Value: "friday"}, {Label: "label.saturday", Value: "saturday"}, {Label: "label.sunday", Value: "sunday"}}
	shareWays = []Choice{{Label: "label.public", Value: "public"}, {Label: "label.private", Value: "private"}}
)

// commandTable is every command, in the order help shows them.
func commandTable() []*Command {
	return []*Command{
		{Name: "help", Help: "command.help", Always: true, KeepsFlow: true, run: cmdHelp},
		{Name: "checkin", Help: "command.checkin", Spoken: true, run: cmdCheckIn,
			Args: []Arg{{Name: "how", Help: "command.checkin.how", Choices: outcomes}}},
		{Name: "win", Help: "command.win", Spoken: true, KeepsFlow: true, run: cmdWin,
			Args: []Arg{{Name: "what", Help: "command.win.what", Required: true}}},
		{Name: "progress", Help: "command.progress", KeepsFlow: true, run: cmdProgress},
		{Name: "goal", Help: "command.goal", Spoken: true, Form: true, run: cmdGoal,
			Args: []Arg{{Name: "goal", Help: "command.goal.goal", MaxLength: 1000}}},
		{Name: "step", Help: "command.step", Spoken: true, Form: true, run: cmdStep,
			Args: []Arg{{Name: "step", Help: "command.step.step", MaxLength: 1000}}},
		{Name: "milestone", Aliases: []string{"milestones"}, Help: "command.milestone", Spoken: true, KeepsFlow: true, run: cmdMilestone,
			Args: []Arg{{Name: "which", Help: "command.milestone.which"}}},
		{Name: "rate", Help: "command.rate", run: cmdRate,
			Args: []Arg{{Name: "rating", Help: "command.rate.rating", Kind: NumberArg, Min: 1, Max: 10}}},
		{Name: "why", Help: "command.why", run: cmdWhy},
		{Name: "adjust", Help: "command.adjust", run: cmdAdjust},
		{Name: "remind", Help: "command.remind", Spoken: true, KeepsFlow: true, run: cmdRemind,
			Args: []Arg{{Name: "when", Help: "command.remind.when"}}},
		{Name: "pause", Help: "command.pause", Always: true, Spoken: true, run: cmdPause,
			Args: []Arg{{Name: "for", Help: "command.pause.for"}}},
		{Name: "resume", Help: "command.resume", KeepsFlow: true, run: cmdResume},
		{Name: "stop", Help: "command.stop", Always: true, run: cmdStop},
		{Name: "zone", Help: "command.zone", Spoken: true, KeepsFlow: true, run: cmdZone,
			Args: []Arg{{Name: "zone", Help: "command.zone.zone", MaxLength: 64}}},
		{Name: "share", Help: "command.share", Spoken: true, KeepsFlow: true, run: cmdShare,
			Args: []Arg{{Name: "who", Help: "command.share.who", Required: true, Choices: shareWays}}},
		{Name: "coach", Help: "command.coach", Spoken: true, KeepsFlow: true, run: cmdCoach,
			Args: []Arg{{Name: "coach", Help: "command.coach.coach", Kind: UserArg}, {Name: "action", Help: "command.coach.action"}}},
		{Name: "setup", Help: "command.setup", Admin: true, KeepsFlow: true, run: cmdSetup,
			Args: []Arg{
				{Name: "channel", Help: "command.setup.channel", Kind: ChannelArg},
				{Name: "coach_role", Help: "command.setup.coach_role", Kind: RoleArg},
				{Name: "digest_day", Help: "command.setup.digest_day", Choices: weekdays},
				{Name: "digest_time", Help: "command.setup.digest_time", MaxLength: 10},
				{Name: "zone", Help: "command.setup.zone", MaxLength: 64},
			}},
		{Name: "export", Help: "command.export", KeepsFlow: true, run: cmdExport},
		{Name: "forget", Help: "command.forget", run: cmdForget},
		{Name: "cancel", Help: "command.cancel", Always: true, run: cmdCancel},
		// Said, not listed: a greeting starts or resumes the conversation.
		{Name: "start", Aliases: []string{"hi", "hello"}, run: cmdStart},
	}
}

// commandIndex maps every name and alias to its command.
func commandIndex() map[string]*Command {
	m := map[string]*Command{}
	for _, c := range commandTable() {
		m[c.Name] = c
		for _, a := range c.Aliases {
			m[a] = c
		}
	}
	return m
}

// CommandSpec is a command as a platform shows it: its name, its
// description and its options, in the words of the prompts.
type CommandSpec struct {
	Name        string
	Description string
	Admin       bool
	Form        bool
	Options     []OptionSpec
}

// OptionSpec is one option of a command as a platform shows it.
type OptionSpec struct {
	Name        string
	Description string
	Kind        ArgKind
	Required    bool
	Choices     []Choice
	Min, Max    int
	MaxLength   int
}

// CommandSpecs lists the commands people see (with a description), for
// a platform to register or list: Discord's slash commands are made
// from it.
func (e *Engine) CommandSpecs(platform string) []CommandSpec {
	var out []CommandSpec
	for _, c := range commandTable() {
		if c.Help == "" {
			continue
		}
		s := CommandSpec{Name: c.Name, Description: e.phrase(c.Help, platform, Extra{}), Admin: c.Admin, Form: c.Form}
		for _, a := range c.Args {
			o := OptionSpec{Name: a.Name, Description: e.phrase(a.Help, platform, Extra{}), Kind: a.Kind,
				Required: a.Required, Min: a.Min, Max: a.Max, MaxLength: a.MaxLength}
			for _, ch := range a.Choices {
				o.Choices = append(o.Choices, Choice{Label: e.phrase(Msg(ch.Label), platform, Extra{}), Value: ch.Value})
			}
			s.Options = append(s.Options, o)
		}
		out = append(out, s)
	}
	return out
}

// IsCommand reports whether name is a command or an alias of one.
func IsCommand(name string) bool {
	for _, c := range commandTable() {
		if c.Name == name {
			return true
		}
		for _, a := range c.Aliases {
			if a == name {
				return true
			}
		}
	}
	return false
}

// command runs a named command. Commands that keep the flow re-ask the
// open question afterwards, so the person knows where they were.
func (t *turn) command(name, args string) {
	c := t.e.commands[name]
	if c == nil {
		t.say(sayWith("unknown.command", Extra{Command: t.e.escaper(t.p.ID.Platform())(short(name, 40))}))
		return
	}
	before := t.p.Talk.Flow
	c.run(t, args)
	if !c.KeepsFlow || t.p.Talk.Flow.Flow == "" || t.p.Talk.Flow.Flow != before.Flow || t.p.Talk.Flow.Step != before.Step {
		return
	}
	if _, s := t.current(); s != nil && !s.Soft {
		t.say(say("back.to.question"))
		t.prompt(s)
	}
}

func cmdHelp(t *turn, _ string) { t.say(say("help")) }

func cmdCancel(t *turn, _ string) {
	if t.p.Talk.Flow.Flow == "" {
		t.say(say("cancel.none"))
		return
	}
	t.leaveFlow()
	t.say(say("cancel.set"))
}

// leaveFlow drops the open question. Leaving onboarding keeps what was
// already answered; /start picks it up again from the beginning.
func (t *turn) leaveFlow() {
	t.p.Talk.Flow = FlowState{}
}

// startWith begins a flow once there is a plan; arguments given with the
// command ("goal run a 5k", "rate 7") answer its first question at once.
func (t *turn) startWith(flow FlowID, args string) {
	if t.needsPlan() {
		return
	}
	if strings.TrimSpace(args) == "" {
		t.start(flow)
		return
	}
	t.enter(flow, t.e.flows[flow].First)
	t.answer(args)
}
