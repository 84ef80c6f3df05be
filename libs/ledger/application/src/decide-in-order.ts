import type { NewEvent, StreamAppend } from '@custody/event-store';
import {
  clientBooks,
  commandClients,
  decideLedger,
  evolveLedger,
  initialLedgerState,
  mergeBooks,
  type AssetDecimals,
  type Decision,
  type LedgerCommand,
  type LedgerState,
} from '@custody/ledger-domain';
import { claimAppend, journalFingerprint, type Claim } from './claims/ledger-claims';
import { clientStreamEvent, clientStreamId, ownersOf } from './client-books/client-streams';
import type { LoadedBooks } from './client-books/load-client-books';

export type HandledCommand = Decision & { readonly attempts: number };

/** What one round decided: a result per command, and the appends that record it. */
export interface DecidedBatch {
  readonly results: HandledCommand[];
  /** The clients' streams, in decision order. */
  readonly appends: StreamAppend[];
  /** The ids the batch claims for the whole ledger. */
  readonly claimAppends: StreamAppend[];
  /** Each involved client's books as the batch leaves them. */
  readonly working: Map<string, LedgerState>;
}

/**
 * Decides each command in order (pure) on the books as the earlier ones left them: a command's
 * state is its clients' books (and those its claim names) merged; its events go to each owner's
 * stream with the version read as the expected version, a journal's copies next to each other so
 * "as of position P" (a journal counts once its last copy is recorded) is the same for every
 * client's books. A first claim of an id is recorded once, even if the batch repeats it.
 */
export function decideInOrder(
  commands: readonly LedgerCommand[],
  claimKeys: readonly (string | undefined)[],
  claims: Map<string, Claim>,
  loaded: ReadonlyMap<string, LoadedBooks>,
  decimals: AssetDecimals,
  attempt: number,
): DecidedBatch {
  const working = new Map([...loaded].map(([clientId, { books }]) => [clientId, books]));
  const versions = new Map(
    [...loaded].map(([clientId, { version }]) => [clientStreamId(clientId), version]),
  );
  const appends: { streamId: string; expectedVersion: bigint | 'no-stream'; events: NewEvent[] }[] =
    [];
  const claimAppends: StreamAppend[] = [];
  const results: HandledCommand[] = [];
  commands.forEach((command, index) => {
    const claimKey = claimKeys[index];
    const claim = claimKey === undefined ? undefined : claims.get(claimKey);
    const involved = [...new Set([...commandClients(command), ...(claim?.clientIds ?? [])])];
    const journals = new Map(
      claimKey !== undefined && claim?.fingerprint != null ? [[claimKey, claim.fingerprint]] : [],
    );
    const state = mergeBooks(
      involved.map((clientId) => working.get(clientId) ?? initialLedgerState()),
      journals,
    );
    const decision = decideLedger(command, state, decimals);
    results.push({ ...decision, attempts: attempt });
    if (!decision.ok || decision.events.length === 0) return;
    let next = state;
    for (const event of decision.events) {
      for (const owner of ownersOf(event, next)) {
        const streamId = clientStreamId(owner);
        const last = appends.at(-1);
        if (last?.streamId === streamId) last.events.push(clientStreamEvent(event, owner));
        else {
          const version = versions.get(streamId) ?? 0n;
          appends.push({
            streamId,
            expectedVersion: version === 0n ? 'no-stream' : version,
            events: [clientStreamEvent(event, owner)],
          });
        }
        versions.set(streamId, (versions.get(streamId) ?? 0n) + 1n);
      }
      next = evolveLedger(next, event);
    }
    for (const clientId of involved) working.set(clientId, clientBooks(next, clientId));
    if (claimKey !== undefined && claim === undefined) {
      const made: Claim = {
        clientIds: commandClients(command),
        fingerprint: journalFingerprint(decision.events, claimKey),
      };
      claims.set(claimKey, made);
      claimAppends.push(claimAppend(claimKey, made));
    }
  });
  return { results, appends, claimAppends, working };
}
