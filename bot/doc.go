// Package bot is the domain of Follow Through: the people being coached,
// their goals, steps, anchors, check-ins and wins; the conversation engine
// that turns an inbound Event into outbound Replies; the coaching flows
// (written as data); and the reminder scheduler.
//
// The package imports no storage or chat-platform library. It talks to
// persistence through the Store interface, to the words it says through
// the Words interface, and to time through the Clock interface, so that
// everything it does can be tested with a fake clock and a temporary store.
//
// # Where things are
//
// Each technique of the coaching method is one file, holding its flows,
// its commands and its helpers:
//
//	onboarding.go   what brought them, then goal, milestones, step, scale, anchor
//	goal.go         a clear goal: what would you be doing? who would notice?
//	milestones.go   2 to 5 checkpoints
//	step.go         the smallest step, and a smaller one for a project
//	scaling.go      1 to 10, what makes it N, what would move it; a drop met with curiosity
//	values.go       the values question, after a check-in's note; outside pressure
//	reminders.go    the anchor, times and days, remind/pause/stop/zone, fire, "how did it go?"
//	checkin.go      check-ins as people say them, the note, what got in the way
//	celebrate.go    wins and celebrations, public posts
//	adjust.go       hitting the wall: normalise, then change the plan
//	fading.go       the long game: a weekly reflection after 14 days
//	quiet.go        fewer reminders for the quiet; a welcome back
//	coach.go        coaches named by who they are, consent, the coach's view
//	weekly.go       the group digest and the coach report
//	privacy.go      public or private, export, forget
//	safety.go       distress first: the caring reply, the pause, the check back
//	change.go       changes asked for in words, offered back and done on a yes
//	setup.go        a group's channel, coaches and digest, for its admins
//
// Around them: flow.go is the flow machinery (Step, Flow, Next), turn.go
// one event's handling (say, ask, render), route.go what an event is,
// commands.go the one table of commands, listen.go how a reply that is not
// a plain answer is met, understand.go and understand_words.go the reading
// of replies (ReadReply), distress*.go and prefilter.go the reading of
// distress (ReadDistress), person.go and event.go the data, store.go the
// persistence the engine needs, words.go the names of messages and their
// values, scheduler.go and schedule.go the clock work.
//
// # Adding a question
//
// A question is a Step in a Flow: its Prompt and ReAsk name messages in
// prompts/text; Expect says what kind of answer it wants, and the reply is
// read against it before Parse sees it (a non-answer, a request, a doubt,
// an answer to another question are met in listen.go; set Examples to
// offer examples and choices to someone unsure, Unsure or Other where the
// usual way does not fit). Parse records the answer on the person and
// returns where to go: next(), goStep(id), jump(flow, step), finish(),
// leave(), reask(problem) or stay(), with .saying(lines...) for what to
// say on the way. It never sends anything itself. A new flow is added to
// flows() in flow.go; Flow.check runs at start-up and refuses a step
// that names a missing one.
//
// # Adding a command
//
// A command is one entry in commandTable() (commands.go): its name, help
// (a message), arguments with their kinds (the platforms build their
// slash commands and help from the same table), and the function that
// runs it. Its words, like every other word the bot says, live in
// prompts/text; prompts_test finds a message a command names that does
// not exist, and one that nothing names.
package bot
