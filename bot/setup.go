package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"
)

// Group setup: a group's admins choose the channel for public wins and
// the weekly digest, the coaches' role, and when the digest goes out.
// Every platform reaches it the same way: the adapter says whether the
// person is an admin (Event.Admin) and passes what its platform resolved
// (a channel picked from a list, a role) in Event.Args; the rest is read
// from the words ("setup #wins digest friday 17:30 Europe/Berlin"). Only
// what is given changes, and nothing at all when a part is wrong.

// Names of setup's options in Event.Args.
const (
	ArgChannel     = "channel"
	ArgChannelName = "channel_name"
	ArgCoachRole   = "coach_role"
	ArgRoleName    = "coach_role_name"
	ArgDigestDay   = "digest_day"
	ArgDigestTime  = "digest_time"
	ArgZone        = "zone"
	// ArgCoaches are the platform user ids of the group's coaches, as an
	// admin named them (comma-separated).
	ArgCoaches = "coaches"
)

// setupChange is what one setup command asks to change.
type setupChange struct {
	channel, channelName, role, roleName string
	day, at, zone                        string
	// coaches, when set, are the group's coaches from now on (an
	// admin's "setup coaches @kim @lee"; "setup coaches none" clears).
	coaches    []PersonID
	setCoaches bool
}

func (c setupChange) empty() bool {
	return c.channel == "" && c.channelName == "" && c.role == "" && c.roleName == "" && c.day == "" && c.at == "" &&
		c.zone == "" && !c.setCoaches
}

func cmdSetup(t *turn, args string) {
	group := t.ev.Place.Group
	switch {
	case group == "":
		t.say(say("setup.nogroup"))
		return
	case !t.ev.Admin:
		t.say(say("setup.notadmin"))
		return
	}
	g, err := t.e.store.GroupSettings(t.ctx, group)
	if err != nil {
		t.e.log.Error("setup: read group settings", "group", group, "err", err)
		t.say(say("setup.failed"))
		return
	}
	c, problem := t.readSetup(args)
	if problem.Msg != "" {
		t.say(problem)
		return
	}
	if c.channel == "" && g.Channel == "" && !t.ev.Place.Direct && t.ev.Place.Channel != "" {
		c.channel = t.ev.Place.Channel // the first setup, run in the channel itself
	}
	if c.empty() {
		if g.Channel == "" && g.DigestDay == "" && g.DigestTime == "" && g.Zone == "" && len(g.Coaches) == 0 {
			t.say(say("setup.needchannel"))
			return
		}
		t.say(sayWith("setup.show", t.setupExtra(g, false)))
		return
	}
	if c.channel != "" {
		g.Channel, g.ChannelName = c.channel, c.channelName
	}
	if c.role != "" {
		g.CoachRole = c.role
	}
	if c.setCoaches {
		g.Coaches = c.coaches
	}
	g.DigestDay, g.DigestTime, g.Zone = cmp.Or(c.day, g.DigestDay), cmp.Or(c.at, g.DigestTime), cmp.Or(c.zone, g.Zone)
	g.By, g.At = t.p.ID, t.now
	t.settings = &GroupChange{Group: group, Settings: g}
	x := t.setupExtra(g, true)
	x.ChannelSet, x.DigestSet = c.channel != "", c.day != "" || c.at != "" || c.zone != ""
	t.say(sayWith("setup.done", x))
}

// setupExtra is what the setup answers say about a group's settings.
func (t *turn) setupExtra(g GroupSettings, changed bool) Extra {
	esc := t.e.escaper(t.p.ID.Platform())
	var coaches []string
	for _, c := range g.Coaches {
		who := &candidate{id: c}
		t.fillFromStore(who)
		if c == t.p.ID {
			who.name, who.handle = t.p.Identity.Name, t.p.Identity.Handle
		}
		coaches = append(coaches, esc(who.label()))
	}
	return Extra{Channel: g.Channel, Value: esc(g.ChannelName), CoachRole: g.CoachRole, Changed: changed, Names: coaches,
		DigestWhen: t.e.digestWhen(g, t.p.ID.Platform()), WeeklyOff: t.e.weekly.Off,
		DigestSet: g.DigestDay != "" || g.DigestTime != "" || g.Zone != ""}
}

// readSetup reads setup's options: what the platform resolved, then the
// words, in any order. A part it cannot use is the problem it returns.
func (t *turn) readSetup(args string) (setupChange, Line) {
	a := t.ev.Args
	c := setupChange{channel: a[ArgChannel], channelName: a[ArgChannelName], role: a[ArgCoachRole], roleName: a[ArgRoleName]}
	if ids := a[ArgCoaches]; ids != "" {
		c.setCoaches = true
		for _, id := range strings.Split(ids, ",") {
			c.coaches = append(c.coaches, t.platformPerson(id))
		}
	}
	bad := func(m Msg, word string) (setupChange, Line) {
		return setupChange{}, sayWith(m, Extra{Value: t.e.escaper(t.p.ID.Platform())(short(word, 40))})
	}
	for _, opt := range []struct{ name, value string }{{ArgDigestDay, a[ArgDigestDay]}, {ArgDigestTime, a[ArgDigestTime]}, {ArgZone, a[ArgZone]}} {
		if strings.TrimSpace(opt.value) == "" {
			continue
		}
		if m := c.take(t.e, opt.name, strings.TrimSpace(opt.value)); m != "" {
			return bad(m, opt.value)
		}
	}
	words := strings.Fields(args)
	for i := 0; i < len(words); i++ {
		w := strings.TrimSuffix(words[i], ",")
		// "5:30 pm" is one time.
		if i+1 < len(words) && isMeridiem(words[i+1]) {
			w += words[i+1]
			i++
		}
		lw := strings.ToLower(w)
		switch {
		case lw == "at" || lw == "on" || lw == "in" || lw == "every" || lw == "digest" || lw == "channel":
			continue
		case lw == "coaches" || lw == "coach":
			// The rest names the coaches: mentions, or user names where
			// the platform has no mentions (the console).
			if a[ArgCoaches] != "" {
				i = len(words) // the platform named them already
				continue
			}
			c.setCoaches = true
			for _, name := range words[i+1:] {
				name = strings.Trim(name, ",")
				if strings.EqualFold(name, "none") || strings.EqualFold(name, "anyone") {
					c.coaches = nil
					break
				}
				if m := mentionRe.FindStringSubmatch(name); m != nil {
					c.coaches = append(c.coaches, t.platformPerson(m[1]))
					continue
				}
				if t.p.ID.Platform() != "console" || name == "" {
					return bad("setup.problem.coach", name)
				}
				c.coaches = append(c.coaches, NewPersonID("console", strings.TrimPrefix(name, "@")))
			}
			i = len(words)
		case lw == "here" || lw == "this":
			if t.ev.Place.Direct || t.ev.Place.Channel == "" {
				return bad("setup.problem.here", w)
			}
			c.channel = t.ev.Place.Channel
		case weekdayWord(lw) != "":
			if m := c.take(t.e, ArgDigestDay, lw); m != "" {
				return bad(m, w)
			}
		case strings.ContainsAny(lw, "0123456789") || lw == "noon" || lw == "midday" || lw == "midnight":
			if m := c.take(t.e, ArgDigestTime, lw); m != "" {
				return bad(m, w)
			}
		case strings.Contains(w, "/") || lw == "utc":
			if m := c.take(t.e, ArgZone, w); m != "" {
				return bad(m, w)
			}
		default:
			return bad("setup.problem.unread", w)
		}
	}
	return c, Line{}
}

// take sets one of the digest's options, or names what is wrong with it.
func (c *setupChange) take(e *Engine, name, value string) Msg {
	switch name {
	case ArgDigestDay:
		day := weekdayWord(strings.ToLower(value))
		switch {
		case day == "":
			return "setup.problem.day"
		case c.day != "" && c.day != day:
			return "setup.problem.twodays"
		}
		c.day = day
	case ArgDigestTime:
		h, m, err := ParseClock(value)
		at := fmt.Sprintf("%02d:%02d", h, m)
		switch {
		case err != nil:
			return "setup.problem.time"
		case c.at != "" && c.at != at:
			return "setup.problem.twotimes"
		}
		c.at = at
	case ArgZone:
		if strings.EqualFold(value, "utc") {
			value = "UTC"
		}
		loc, err := e.zones.Load(value)
		switch {
		case err != nil:
			return "setup.problem.zone"
		case c.zone != "" && c.zone != loc.String():
			return "setup.problem.twozones"
		}
		c.zone = loc.String()
	}
	return ""
}

func isMeridiem(w string) bool {
	switch strings.ToLower(w) {
	case "am", "pm", "a.m.", "p.m.":
		return true
	}
	return false
}

// weekdayWord is the weekday a word names ("friday", "fri", "fridays"),
// as stored: "friday"; "" if it names none.
func weekdayWord(w string) string {
	d, ok := ParseWeekday(strings.TrimSuffix(w, "s"))
	if !ok {
		return ""
	}
	return strings.ToLower(d.String())
}

// ForgetWorkspace deletes everything about a group whose platform
// removed the bot (a Slack workspace that uninstalled the app): its
// settings, its members and everyone whose id starts with people. It
// returns how many people were forgotten.
func (e *Engine) ForgetWorkspace(ctx context.Context, group string, people PersonID) (int, error) {
	n, err := e.store.ForgetGroup(ctx, group, people)
	if err != nil {
		return n, fmt.Errorf("bot: forget group %s: %w", group, err)
	}
	if e.rescheduled != nil {
		e.rescheduled()
	}
	return n, nil
}
