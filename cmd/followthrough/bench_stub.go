//go:build !bench

package main

import (
	"context"
	"errors"
	"io"
)

// runBench, in the binary people run, only says how to get the bench:
// it and its fake Discord are built in only with the bench tag, so that
// no test server ships in production.
func runBench(context.Context, []string, io.Writer, io.Writer) error {
	return usageError{errors.New("this build has no bench: run it with go run -tags bench ./cmd/followthrough bench (or build with -tags bench)")}
}
