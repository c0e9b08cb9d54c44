import { badUserInput } from "../graphql/errors";

/**
 * Realtime cursors: where a subscriber stands in the event log, in commit
 * order (sql/migrations/017 explains the snapshot intervals).
 *
 * The log is read in intervals (since, until]: the events whose writing
 * transaction is visible in snapshot `until` and not in `since`. The hub
 * chains them (each interval starts at the previous one's end), so every
 * committed event falls in exactly one. An event's cursor names its
 * interval and its id there: resuming from it replays the rest of that
 * interval (ids above it), then every event visible now and not in `until`.
 * Nothing is lost or repeated, even when two transactions commit in the
 * opposite order of their ids (a plain "id > N" cursor skips one forever).
 *
 * Order: events of transactions that became visible in different reads
 * arrive in commit order; within one read (and a replay is one read) they
 * go by id. Changes to the same row are always in commit order (the row
 * lock makes the later writer take its event id after the earlier one
 * committed); only concurrent transactions about different rows may swap
 * places between the live stream and a replay of it.
 *
 * Opaque to clients: base64url of `v1|since|until|id|issuedAtMs`; the issue
 * time bounds how long a cursor stays resumable (the log's retention).
 */

export interface EventCursor {
  /** pg_snapshot text ("xmin:xmax:xip,…"): the interval's start (exclusive). */
  since: string;
  /** pg_snapshot text: the interval's end (inclusive). */
  until: string;
  /** The event's id: resuming continues with higher ids of the same interval. */
  id: string;
  /** When the interval was read (ms since epoch). */
  issuedAt: number;
}

const VERSION = "v1";
const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;
const EVENT_ID = /^\d{1,19}$/;
/** A snapshot lists the transactions in progress; far below this in practice. */
const MAX_CURSOR_LENGTH = 16_384;

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(
    [VERSION, cursor.since, cursor.until, cursor.id, String(cursor.issuedAt)].join("|"),
  ).toString("base64url");
}

/** The cursor a client sent, checked; BAD_USER_INPUT when it is not one of ours or too old to resume. */
export function decodeCursor(text: string, retentionMs: number, now = Date.now()): EventCursor {
  const invalid = () => badUserInput('"after" is not a cursor of this stream.', { argument: "after" });
  if (text.length > MAX_CURSOR_LENGTH) throw invalid();
  const parts = Buffer.from(text, "base64url").toString("utf8").split("|");
  const [version, since, until, id, issuedAt] = parts;
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    !SNAPSHOT.test(since!) ||
    !SNAPSHOT.test(until!) ||
    !EVENT_ID.test(id!) ||
    !/^\d{1,15}$/.test(issuedAt!)
  ) {
    throw invalid();
  }
  const cursor = { since: since!, until: until!, id: id!, issuedAt: Number(issuedAt) };
  if (now - cursor.issuedAt > retentionMs) {
    throw badUserInput(
      '"after" is older than the event log keeps; subscribe without it and reload the current state.',
      { argument: "after", reason: "CURSOR_EXPIRED" },
    );
  }
  return cursor;
}
