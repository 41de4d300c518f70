package discord

import (
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

func opt(t discordgo.ApplicationCommandOptionType, name, desc string, required bool) *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: t, Name: name, Description: desc, Required: required}
}

// slashCommands are the commands of DESIGN.md as Discord slash commands,
// registered with one bulk overwrite at start.
func slashCommands() []*discordgo.ApplicationCommand {
	str := discordgo.ApplicationCommandOptionString
	checkin := opt(str, "how", "How did it go?", false)
	checkin.Choices = []*discordgo.ApplicationCommandOptionChoice{{Name: "Done", Value: "done"}, {Name: "Partly", Value: "partly"}, {Name: "Not yet", Value: "not yet"}}
	share := opt(str, "who", "Who sees your wins", true)
	share.Choices = []*discordgo.ApplicationCommandOptionChoice{{Name: "public — my group", Value: "public"}, {Name: "private — just me", Value: "private"}}
	rating := opt(discordgo.ApplicationCommandOptionInteger, "rating", "1 = not at all, 10 = certain", false)
	min, max := 1.0, 10.0
	rating.MinValue, rating.MaxValue = &min, max
	return []*discordgo.ApplicationCommand{
		{Name: "help", Description: "What Follow Through can do"},
		{Name: "checkin", Description: "Tell me how your step went", Options: []*discordgo.ApplicationCommandOption{checkin}},
		{Name: "win", Description: "Record a win, any size", Options: []*discordgo.ApplicationCommandOption{opt(str, "what", "What went well?", true)}},
		{Name: "progress", Description: "Your goal, streak, milestones and wins"},
		{Name: "goal", Description: "Set or change your goal", Options: []*discordgo.ApplicationCommandOption{opt(str, "goal", "Your goal (leave empty to write it in a form)", false)}},
		{Name: "step", Description: "Change your next small step", Options: []*discordgo.ApplicationCommandOption{opt(str, "step", "The smallest next step (leave empty for a form)", false)}},
		{Name: "milestone", Description: "List milestones, or mark one done", Options: []*discordgo.ApplicationCommandOption{opt(str, "which", "A number to mark done, or: add …", false)}},
		{Name: "rate", Description: "How likely are you to do your step, 1 to 10?", Options: []*discordgo.ApplicationCommandOption{rating}},
		{Name: "why", Description: "Talk about why this matters to you"},
		{Name: "adjust", Description: "Change the plan: smaller step, another time, fewer days"},
		{Name: "remind", Description: "Set reminders", Options: []*discordgo.ApplicationCommandOption{opt(str, "when", "e.g. weekdays 7:30am, mon,wed,fri 18:00", false)}},
		{Name: "pause", Description: "Pause reminders", Options: []*discordgo.ApplicationCommandOption{opt(str, "for", "How long, e.g. 3d (empty: until resume)", false)}},
		{Name: "resume", Description: "Resume reminders"},
		{Name: "stop", Description: "Stop reminders (your plan is kept)"},
		{Name: "zone", Description: "Your time zone", Options: []*discordgo.ApplicationCommandOption{opt(str, "zone", "IANA name, e.g. Europe/Berlin", false)}},
		{Name: "share", Description: "Public or private accountability", Options: []*discordgo.ApplicationCommandOption{share}},
		{Name: "coach", Description: "Share your summary with a coach, or see your members", Options: []*discordgo.ApplicationCommandOption{
			opt(discordgo.ApplicationCommandOptionUser, "coach", "Your coach (empty: see the members who share with you)", false),
			opt(str, "action", "stop: withdraw your consent", false)}},
		// No default_member_permissions: discordgo sends it as a string
		// where Discord's API description wants an integer. /setup checks
		// Manage Server itself, on every use.
		{Name: "setup", Description: "Set this group's channel, coach role and weekly digest (server admins)", Options: setupOptions()},
		{Name: "export", Description: "Get all your data"},
		{Name: "forget", Description: "Delete everything about you"},
		{Name: "cancel", Description: "Leave the current question"},
	}
}

// setupOptions are /setup's options. Every one is optional: /setup
// changes what is given and keeps the rest (the first run without a
// channel takes the channel it is run in).
func setupOptions() []*discordgo.ApplicationCommandOption {
	str := discordgo.ApplicationCommandOptionString
	day := opt(str, "digest_day", "The day of the weekly digest", false)
	for d := time.Monday; ; d = (d + 1) % 7 {
		day.Choices = append(day.Choices, &discordgo.ApplicationCommandOptionChoice{Name: d.String(), Value: strings.ToLower(d.String())})
		if d == time.Sunday {
			break
		}
	}
	at := opt(str, "digest_time", "Time of the weekly digest, 24-hour HH:MM, e.g. 17:30", false)
	at.MaxLength = 10
	zone := opt(str, "zone", "The group's time zone, an IANA name like Europe/Berlin", false)
	zone.MaxLength = 64
	return []*discordgo.ApplicationCommandOption{
		opt(discordgo.ApplicationCommandOptionChannel, "channel", "Where public wins and the weekly digest go", false),
		opt(discordgo.ApplicationCommandOptionRole, "coach_role", "The role of the group's coaches", false),
		day, at, zone,
	}
}
