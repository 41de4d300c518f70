//go:build race

package slack_test

// raceDetector is set when the tests run under the race detector, which
// makes everything several times slower: timings are then reported, not
// held to the platform's deadlines.
const raceDetector = true
