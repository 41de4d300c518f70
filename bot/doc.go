// Package bot is the domain of Follow Through: the people being coached,
// their goals, steps, anchors, check-ins and wins; the conversation engine
// that turns an inbound Event into outbound Replies; the coaching flows
// (written as data); and the reminder scheduler.
//
// The package imports no storage or chat-platform library. It talks to
// persistence through the Store interface, to the words it says through
// the Words interface, and to time through the Clock interface, so that
// everything it does can be tested with a fake clock and a temporary store.
package bot
