// Package readme holds no code: its tests check that every Go snippet of
// the repository's README.md compiles, and run those that can against the
// fakes, so that the front door never shows code that does not work.
package readme
