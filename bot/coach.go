package bot

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The coach and the group (technique 13): with each member's consent (a
// member names their coach and says yes), a coach sees a summary of the
// members who chose them: who is moving, who may be stuck (with a
// curious question to ask), recent wins to acknowledge. Nobody else's.

const flowCoachConsent FlowID = "coachconsent"

const stepCoachConfirm StepID = "confirm"

const askConsent = "consent"

func coachConsentFlow() *Flow {
	return &Flow{ID: flowCoachConsent, First: stepCoachConfirm, Steps: []*Step{
		{ID: stepCoachConfirm, Prompt: "coach.consent", Ask: askConsent, Choice: yesNo, ReAsk: "coach.consent.reask", Expect: ExpectYesNo, Parse: parseCoachConsent},
	}}
}

// CoachView is one member as their coach sees them.
type CoachView struct {
	Name, Goal, Step string
	// Status is "moving", "stuck" or "starting".
	Status string
	// Question is a curious question to ask someone who may be stuck.
	Question     string
	Streak, Kept int
	Wins         []string
	Milestones   []string
}

// group is the group the event is about: where it happened, or the
// person's only group.
func (t *turn) group() string {
	if g := t.ev.Place.Group; g != "" {
		return g
	}
	if len(t.p.Groups) > 0 {
		return t.p.Groups[0].Group
	}
	return ""
}

// Names of the coach command's options in Event.Args: the person picked
// (their platform id), and what the platform resolved about them.
const (
	ArgCoach       = "coach"
	ArgCoachName   = "coach_name"
	ArgCoachHandle = "coach_handle"
	ArgCoachRoles  = "coach_roles" // the picked person's roles, comma-separated
)

// cmdCoach: name a coach (with consent), withdraw, or — for a coach — see
// the members who chose to share with them. A coach is named by who they
// are, never by a display name alone: a person picked from the platform's
// list (Discord), a mention (Slack), or a user name (the console); a
// display name that two people share is refused with a choice between
// them. Where the group names its coaches (a role, a list), only they
// can be chosen.
func cmdCoach(t *turn, args string) {
	p := t.p
	a := strings.TrimSpace(args)
	group := t.group()
	m := p.Membership(group)
	if m == nil {
		t.say(say("coach.nogroup"))
		return
	}
	esc := t.e.escaper(p.ID.Platform())
	if t.ev.Args[ArgCoach] == "" {
		switch strings.ToLower(a) {
		case "":
			if members := t.coachSummary(group); len(members) > 0 {
				t.say(sayWith("coach.summary", Extra{Members: members}))
				return
			}
			if m.Coach != "" {
				t.say(sayWith("coach.yours", Extra{Coach: esc(t.nameOf(m.Coach))}))
				return
			}
			t.say(say("coach.howto"))
			return
		case "stop", "off", "withdraw", "none", "remove", "private", "no one", "nobody":
			name := t.nameOf(m.Coach)
			m.Coach = ""
			t.say(sayWith("coach.withdrawn", Extra{Coach: esc(name)}))
			return
		}
	}
	c, choices, err := t.findCoach(group, a)
	if err != nil {
		t.e.log.Error("find coach", "err", err)
		t.say(say("coach.failed"))
		return
	}
	switch {
	case len(choices) > 1:
		// Two people answer to that name: the person picks who they mean.
		t.p.Talk.Flow = FlowState{}
		var names []string
		for _, ch := range choices {
			names = append(names, esc(ch.label()))
		}
		l := Line{Msg: "coach.ambiguous", With: Extra{Coach: esc(short(a, 40)), Names: names}, Ask: askCoachPick}
		for _, ch := range choices {
			l.Choices = append(l.Choices, Choice{Label: "=" + ch.label(), Value: string(ch.id)})
		}
		t.ask(l)
	case c == nil:
		t.say(sayWith("coach.notfound", Extra{Coach: esc(short(a, 40))}))
	case c.id == p.ID:
		t.say(say("coach.self"))
	default:
		if ok, why := t.mayCoach(group, c); !ok {
			t.say(sayWith(why, Extra{Coach: esc(c.label())}))
			return
		}
		t.askConsent(group, c)
	}
}

// isCoachHere reports whether the person is a coach in the group the
// event is about: they hold its coach role, an admin named them, or a
// member chose them. A coach needs no plan of their own to coach.
func (t *turn) isCoachHere() bool {
	group := t.group()
	if group == "" {
		return false
	}
	if t.coachHere != nil {
		return *t.coachHere
	}
	is := false
	defer func() { t.coachHere = &is }()
	g, err := t.e.store.GroupSettings(t.ctx, group)
	if err == nil && (g.CoachRole != "" && slices.Contains(t.ev.Roles, g.CoachRole) || slices.Contains(g.Coaches, t.p.ID)) {
		is = true
		return true
	}
	members, err := t.e.store.Members(t.ctx, group)
	if err != nil {
		return false
	}
	for _, m := range members {
		if ms := m.Membership(group); ms != nil && ms.Coach == t.p.ID && m.ID != t.p.ID {
			is = true
			return true
		}
	}
	return false
}

// askCoachPick names the choice between two people of the same name.
const askCoachPick = "coachpick"

// candidate is a person who may be named as a coach: who they are, and
// what is known of them.
type candidate struct {
	id           PersonID
	name, handle string
	roles        []string
	known        bool // they have talked to the bot
}

// label is how the person is shown when they are chosen: their name and
// their unique handle, so that two people of one name can be told apart.
func (c candidate) label() string {
	switch {
	case c.handle != "" && strings.EqualFold(c.handle, c.name):
		return c.name
	case c.handle != "" && c.name != "":
		return c.name + " (@" + c.handle + ")"
	case c.handle != "":
		return "@" + c.handle
	case c.name != "":
		return c.name
	}
	return c.id.User()
}

// findCoach finds who the person means: the one the platform resolved
// (a pick from Discord's list), a mention (<@U02> on Slack, <@123> on
// Discord), or a name typed. For a typed name, a unique handle wins; a
// display name that several people share gives them all as choices.
func (t *turn) findCoach(group, text string) (*candidate, []candidate, error) {
	a := t.ev.Args
	if id := a[ArgCoach]; id != "" {
		c := &candidate{id: t.platformPerson(id), name: a[ArgCoachName], handle: a[ArgCoachHandle]}
		if roles := a[ArgCoachRoles]; roles != "" {
			c.roles = strings.Split(roles, ",")
		}
		t.fillFromStore(c)
		return c, nil, nil
	}
	if m := mentionRe.FindStringSubmatch(text); m != nil {
		c := &candidate{id: t.platformPerson(m[1])}
		t.fillFromStore(c)
		return c, nil, nil
	}
	people, err := t.e.store.Members(t.ctx, group)
	if err != nil {
		return nil, nil, err
	}
	want := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(text), "@"))
	var byName []candidate
	for _, m := range people {
		c := candidate{id: m.ID, name: m.Identity.Name, handle: m.Identity.Handle, known: true}
		if strings.ToLower(m.Identity.Handle) == want || strings.ToLower(m.ID.User()) == want {
			return &c, nil, nil // a handle is unique
		}
		if strings.ToLower(m.Identity.Name) == want {
			byName = append(byName, c)
		}
	}
	switch len(byName) {
	case 0:
		return nil, nil, nil
	case 1:
		return &byName[0], nil, nil
	}
	return nil, byName, nil
}

// mentionRe is a platform's mention of a person: <@123>, <@!123>,
// <@U02> or <@U02|kim>.
var mentionRe = regexp.MustCompile(`<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>`)

// platformPerson is the PersonID of a platform user id seen by this
// person: on Slack, in their own workspace.
func (t *turn) platformPerson(user string) PersonID {
	platform := t.p.ID.Platform()
	if platform == "slack" {
		parts := strings.Split(string(t.p.ID), ":")
		if len(parts) == 3 {
			return NewPersonID("slack", parts[1], user)
		}
	}
	return NewPersonID(platform, user)
}

// fillFromStore adds what the bot knows of a candidate it has met.
func (t *turn) fillFromStore(c *candidate) {
	p, ok, err := t.e.store.Person(t.ctx, c.id)
	if err != nil || !ok {
		return
	}
	c.known = true
	if c.name == "" {
		c.name = p.Identity.Name
	}
	if c.handle == "" {
		c.handle = p.Identity.Handle
	}
}

// mayCoach reports whether the group lets c be chosen as a coach: where
// it has a coach role (Discord), c must hold it; where an admin named
// its coaches (Slack, the console), c must be one of them.
func (t *turn) mayCoach(group string, c *candidate) (bool, Msg) {
	g, err := t.e.store.GroupSettings(t.ctx, group)
	if err != nil {
		t.e.log.Error("coach: read group settings", "group", group, "err", err)
		return false, "coach.failed"
	}
	switch {
	case g.CoachRole != "" && !slices.Contains(c.roles, g.CoachRole):
		return false, "coach.notcoach.role"
	case len(g.Coaches) > 0 && !slices.Contains(g.Coaches, c.id):
		return false, "coach.notcoach.list"
	}
	return true, ""
}

// askConsent asks the person to share their summary with c.
func (t *turn) askConsent(group string, c *candidate) {
	t.enter(flowCoachConsent, stepCoachConfirm)
	d := &t.p.Talk.Flow.Draft
	d.Coach, d.CoachName, d.Group = c.id, c.label(), group
	t.ask(Line{Msg: "coach.consent", With: Extra{Coach: t.esc(c.label())}, Ask: askConsent, Choices: yesNo})
}

// pickCoach answers the choice between two people of one name.
func (t *turn) pickCoach(value string) bool {
	group := t.group()
	id := PersonID(value)
	if group == "" || id.Platform() != t.p.ID.Platform() {
		return false
	}
	c := &candidate{id: id}
	t.fillFromStore(c)
	if !c.known {
		return false
	}
	if c.id == t.p.ID {
		t.say(say("coach.self"))
		return true
	}
	if ok, why := t.mayCoach(group, c); !ok {
		t.say(sayWith(why, Extra{Coach: t.esc(c.label())}))
		return true
	}
	t.askConsent(group, c)
	return true
}

func parseCoachConsent(t *turn, r Reading) Next {
	if !r.IsYesNo {
		return reaskWith("problem.yesno", Extra{})
	}
	d := t.p.Talk.Flow.Draft
	x := Extra{Coach: t.esc(d.CoachName)}
	if !r.Yes {
		return finish().saying(sayWith("coach.notset", x))
	}
	if m := t.p.Membership(d.Group); m != nil {
		m.Coach = d.Coach
	}
	return finish().saying(sayWith("coach.set", x))
}

// coachSummary builds the coach's view: only members who named this
// person as their coach, which is their consent.
func (t *turn) coachSummary(group string) []CoachView {
	members, _ := t.e.coachMembers(t.ctx, t.p.ID, group, t.now, t.loc)
	return members
}

// coachMembers gathers the week of each member of group who named coach
// as their coach (their consent), with the people themselves in the same
// order. loc is the zone for members whose own zone cannot be loaded.
func (e *Engine) coachMembers(ctx context.Context, coach PersonID, group string, now time.Time, loc *time.Location) ([]CoachView, []*Person) {
	people, err := e.store.Members(ctx, group)
	if err != nil {
		e.log.Error("load group", "group", group, "err", err)
		return nil, nil
	}
	week := now.AddDate(0, 0, -7)
	var out []CoachView
	var who []*Person
	for _, m := range people {
		ms := m.Membership(group)
		if ms == nil || ms.Coach != coach || m.ID == coach {
			continue
		}
		out = append(out, e.coachView(ctx, m, coach.Platform(), week, now, loc))
		who = append(who, m)
	}
	return out, who
}

// coachView is one member's week as their coach sees it.
func (e *Engine) coachView(ctx context.Context, m *Person, platform string, week, now time.Time, loc *time.Location) CoachView {
	esc := e.escaper(platform)
	mloc, err := e.zones.Load(m.Identity.Zone)
	if err != nil {
		mloc = loc
	}
	checkIns := e.recentCheckIns(ctx, m.ID, now)
	v := CoachView{Name: esc(m.Identity.Name), Goal: esc(m.Plan.Goal), Step: esc(m.Plan.Step), Streak: e.streakOf(m, checkIns, mloc, now)}
	var last time.Time
	for _, c := range checkIns {
		if c.At.After(now) {
			continue
		}
		if c.At.After(week) && c.Outcome != NotYet {
			v.Kept++
		}
		if c.Outcome != NotYet {
			last = c.At
		}
	}
	wins, _ := e.store.Wins(ctx, m.ID, 20)
	for _, w := range wins {
		if w.At.After(week) && !w.At.After(now) {
			v.Wins = append(v.Wins, esc(short(w.Text, 80)))
		}
	}
	for _, ms := range m.Plan.Milestones {
		if ms.Done.After(week) && !ms.Done.After(now) {
			v.Milestones = append(v.Milestones, esc(short(ms.Text, 80)))
		}
	}
	switch {
	case m.Counts.Misses >= 2 || m.Plan.Onboarded && now.Sub(latest(last, m.Identity.Joined)) > 3*24*time.Hour:
		v.Status = "stuck"
		// Built from what the member shares (their step), never from
		// what they told the bot alone (what got in the way).
		v.Question = e.phrase("coach.question", platform, Extra{Value: esc(short(m.Plan.Step, 60))})
	case v.Kept > 0 || len(v.Milestones) > 0:
		v.Status = "moving"
	default:
		v.Status = "starting"
	}
	return v
}

// nameOf returns a person's display name, or "your coach".
func (t *turn) nameOf(id PersonID) string {
	if id == t.p.ID && t.p.Identity.Name != "" {
		return t.p.Identity.Name
	}
	if id != "" {
		if p, ok, err := t.e.store.Person(t.ctx, id); err == nil && ok && p.Identity.Name != "" {
			return p.Identity.Name
		}
	}
	return t.e.phrase("name.yourcoach", t.p.ID.Platform(), Extra{})
}

// latest is the later of two instants.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
