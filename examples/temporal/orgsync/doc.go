// Package orgsync runs jcoom syncs for many JumpCloud organisations on
// Temporal: one durable workflow run per organisation and day, each one
// resumable where it stopped, with its own history.
//
// A run of SyncOrg is four kinds of activity:
//
//   - PlanOrg reads the organisation's JumpCloud users and its Oomnitza
//     instance and plans the diff (sync.Syncer.Plan), heartbeating per
//     page read. The plan is stored in a BlobStore; the workflow keeps its
//     key and counts, never the plan itself.
//   - ApplyChunk applies a range of the plan's operations
//     (sync.OpRange), heartbeating after each batch with the first
//     operation not yet done (sync.ApplyProgress.Through). A retried
//     attempt resumes there; sync's re-read before every write makes a
//     repeated operation a no-op, so nothing is written twice.
//   - Report merges the chunk reports (sync.Report.Merge) into one stored
//     report and returns its counts.
//
// Credentials never enter a workflow: an OrgRef names them by reference
// ("env:NAME", "file:/path", or anything a SecretSource resolves), and
// only activities, on the worker, turn references into keys. The
// activities share one HTTP connection pool and one rate limiter per API
// key across all organisations, since JumpCloud's limit belongs to the
// key an MSP uses for every organisation, not to the organisation.
//
// Errors are classified with sync.Retryable: rate limits, 5xx replies,
// connection failures and incomplete reads are retried by Temporal (after
// the server's Retry-After when it gave one); a draft mapping, a refused
// plan, a deprovision threshold and other 4xx replies fail at once as
// non-retryable application errors, whose Type says which.
//
// EnsureSchedule gives each organisation its own Temporal Schedule
// (daily by default, overlapping runs skipped), so one slow or failing
// organisation never delays another, and each has its own run history,
// pause switch and backfill.
package orgsync
