import type { LedgerState } from '@custody/ledger-domain';

/** A client's books as JSON for a snapshot: bigint as `{"$bigint":"<decimal>"}`, maps and sets as arrays (journals are never snapshotted). */
interface BooksJson {
  readonly clients: string[];
  readonly accounts: [string, unknown][];
  readonly withdrawals: [string, unknown][];
  readonly adjustments: [string, unknown][];
}

const BIGINT_TAG = '$bigint';
const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

export function encodeBooks(books: LedgerState): string {
  if (books.journals.size > 0)
    throw new Error("assertion: a snapshot holds a client's books, without journal fingerprints");
  const json: BooksJson = {
    clients: [...books.clients],
    accounts: [...books.accounts],
    withdrawals: [...books.withdrawals],
    adjustments: [...books.adjustments],
  };
  return JSON.stringify(json, (_key, value: unknown) =>
    typeof value === 'bigint' ? { [BIGINT_TAG]: value.toString() } : value,
  );
}

export function decodeBooks(text: string): LedgerState {
  const json = JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = (value as Record<string, unknown>)[BIGINT_TAG];
      if (typeof tagged === 'string' && Object.keys(value).length === 1) {
        if (!INTEGER_TEXT.test(tagged))
          throw new Error(`assertion: snapshot amount is not an integer: ${tagged}`);
        return BigInt(tagged);
      }
    }
    return value;
  }) as BooksJson;
  return {
    clients: new Set(json.clients),
    accounts: new Map(json.accounts) as LedgerState['accounts'],
    journals: new Map(),
    withdrawals: new Map(json.withdrawals) as LedgerState['withdrawals'],
    adjustments: new Map(
      json.adjustments.map(([adjustmentId, adjustment]) => [
        adjustmentId,
        withRequestedAt(adjustment),
      ]),
    ) as LedgerState['adjustments'],
  };
}

/** The request's instant arrived with the approval window: a snapshot taken before it lacks one, and its pending request is then past any window (fail safe: it must be requested again). */
const UNKNOWN_REQUEST_INSTANT = '1970-01-01T00:00:00.000Z';

function withRequestedAt(adjustment: unknown): unknown {
  const fields = adjustment as Record<string, unknown>;
  return typeof fields['requestedAt'] === 'string'
    ? adjustment
    : { ...fields, requestedAt: UNKNOWN_REQUEST_INSTANT };
}
