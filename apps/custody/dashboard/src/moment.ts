/**
 * The point in time the pages show: `live` (now, refreshed) or a past instant. A
 * `datetime-local` input gives local wall-clock time without a zone; the services take ISO
 * instants with one.
 */
export type Moment = { readonly kind: 'live' } | { readonly kind: 'at'; readonly instant: string };

export const LIVE: Moment = { kind: 'live' };

const LOCAL_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** `2026-11-24T17:00:00` local (at `offsetMinutes` as Date#getTimezoneOffset gives it: UTC minus local) -> `2026-11-24T09:00:00.000Z` at +08:00. */
export function localInputToInstant(
  local: string,
  offsetMinutes: (utcGuess: Date) => number = (date) => date.getTimezoneOffset(),
): string | undefined {
  if (!LOCAL_PATTERN.test(local)) return undefined;
  const asUtc = new Date(`${local}Z`);
  if (Number.isNaN(asUtc.getTime())) return undefined;
  return new Date(asUtc.getTime() + offsetMinutes(asUtc) * 60_000).toISOString();
}

/** The inverse, for showing an instant in the input: local wall-clock time to the second. */
export function instantToLocalInput(
  instant: string,
  offsetMinutes: (date: Date) => number = (date) => date.getTimezoneOffset(),
): string {
  const date = new Date(instant);
  return new Date(date.getTime() - offsetMinutes(date) * 60_000).toISOString().slice(0, 19);
}

/** The `at=` query for an API that takes one; empty when live. */
export function atQuery(moment: Moment, separator: '?' | '&' = '?'): string {
  return moment.kind === 'live' ? '' : `${separator}at=${encodeURIComponent(moment.instant)}`;
}
