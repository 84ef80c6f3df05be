import { GENESIS_HASH, chainHash } from './hash-chain';
import { VERIFY_PAGE_EVENTS } from './limits';
import type { Queryable } from './queryable';
import type { ChainAnchor, ChainFailureReason, ChainVerification } from './types';

interface ChainRow {
  global_position: string;
  event_id: string;
  stream_id: string;
  stream_version: string;
  event_type: string;
  schema_version: number;
  data_json: string;
  metadata_json: string;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
}

export interface VerifyChainOptions {
  /** Published heads (signed checkpoints): the recomputed hash at each position must match. */
  readonly anchors?: readonly ChainAnchor[];
}

/**
 * Walks the whole store in position order, recomputing every hash from the stored fields.
 * Reports the first position where: positions are not 1, 2, 3... (a deleted row), the stored
 * predecessor hash is not the previous record's hash, the recomputed hash differs from the
 * stored one (an altered or moved row), or a published anchor does not match.
 */
export async function verifyChain(
  db: Queryable,
  schema: string,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  const anchors = anchorMap(options.anchors ?? []);
  let expectedPosition = 1n;
  let previousHash = GENESIS_HASH;
  let checked = 0n;
  const fail = (
    position: bigint,
    reason: ChainFailureReason,
    detail: string,
  ): ChainVerification => ({
    ok: false,
    position,
    reason,
    detail,
    eventsChecked: checked,
  });

  for (;;) {
    const page = await db.query<ChainRow>(
      `select global_position, event_id, stream_id, stream_version, event_type, schema_version,
              data::text as data_json, metadata::text as metadata_json, recorded_at,
              encode(previous_hash, 'hex') as previous_hash, encode(hash, 'hex') as hash
         from ${schema}.events where global_position >= $1 order by global_position limit $2`,
      [expectedPosition.toString(), VERIFY_PAGE_EVENTS],
    );
    for (const row of page.rows) {
      const position = BigInt(row.global_position);
      if (position !== expectedPosition) {
        return fail(
          expectedPosition,
          'position-gap',
          `expected position ${expectedPosition}, found ${position}`,
        );
      }
      if (row.previous_hash !== previousHash) {
        return fail(
          position,
          'broken-link',
          `stored predecessor hash does not match the record before`,
        );
      }
      const recomputed = chainHash(previousHash, {
        globalPosition: position,
        eventId: row.event_id,
        streamId: row.stream_id,
        streamVersion: BigInt(row.stream_version),
        type: row.event_type,
        schemaVersion: row.schema_version,
        dataJson: row.data_json,
        metadataJson: row.metadata_json,
        recordedAt: row.recorded_at,
      });
      if (recomputed !== row.hash) {
        return fail(position, 'hash-mismatch', `record content does not match its stored hash`);
      }
      const anchored = anchors.get(position);
      if (anchored !== undefined && anchored !== recomputed) {
        return fail(position, 'anchor-mismatch', `hash differs from the published anchor`);
      }
      previousHash = recomputed;
      expectedPosition += 1n;
      checked += 1n;
    }
    if (page.rows.length < VERIFY_PAGE_EVENTS) break;
  }

  const lastPosition = expectedPosition - 1n;
  for (const position of [...anchors.keys()].sort((a, b) => (a < b ? -1 : 1))) {
    if (position > lastPosition) {
      return fail(
        position,
        'anchor-missing',
        `an anchor names position ${position} but the store ends at ${lastPosition}`,
      );
    }
  }
  return {
    ok: true,
    eventsChecked: checked,
    head: lastPosition === 0n ? null : { globalPosition: lastPosition, hash: previousHash },
  };
}

function anchorMap(anchors: readonly ChainAnchor[]): Map<bigint, string> {
  const map = new Map<bigint, string>();
  for (const anchor of anchors) {
    if (anchor.globalPosition < 1n || !/^[0-9a-f]{64}$/.test(anchor.hash)) {
      throw new Error(`assertion: an anchor needs a position >= 1 and a 64-hex-digit hash`);
    }
    const known = map.get(anchor.globalPosition);
    if (known !== undefined && known !== anchor.hash) {
      throw new Error(`assertion: two different anchors for position ${anchor.globalPosition}`);
    }
    map.set(anchor.globalPosition, anchor.hash);
  }
  return map;
}
