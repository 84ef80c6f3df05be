import type { FiatMovement, TrustStatement } from '@custody/reconciliation-domain';
import type { ReconciliationContext } from '../reconciliation-store';

/** Fiat movements one run reads (per currency). */
export const FIAT_RUN_MOVEMENTS_MAX = 2_000_000;
/** Statements of one currency a run reads (trust accounts x periods). */
export const FIAT_RUN_STATEMENTS_MAX = 1_000;

/** What a fiat trust run decides on: the movements received so far and the approved statements, per currency. */
export class FiatTrustFacts {
  constructor(private readonly context: ReconciliationContext) {}

  /** Every movement of a currency received so far, in the order received, and the last one's position. */
  async movements(
    currency: string,
  ): Promise<{ readonly movements: FiatMovement[]; readonly upToReceived: string }> {
    const { rows } = await this.context.store.pool.query<{
      movement_id: string;
      kind: FiatMovement['kind'];
      client_id: string | null;
      amount_minor: string;
      through_collector: boolean;
      receipt_ids: string[];
      occurred_at: Date;
      received: string;
    }>(
      `select movement_id, kind, client_id, amount_minor::text, through_collector, receipt_ids, occurred_at, received::text
         from ${this.context.schema}.recon_fiat_movements where currency = $1 order by received limit ${FIAT_RUN_MOVEMENTS_MAX + 1}`,
      [currency],
    );
    if (rows.length > FIAT_RUN_MOVEMENTS_MAX)
      throw new Error(`more than ${FIAT_RUN_MOVEMENTS_MAX} ${currency} movements in one run`);
    const movements: FiatMovement[] = rows.map((row) => ({
      movementId: row.movement_id,
      kind: row.kind,
      clientId: row.client_id,
      currency,
      amountMinor: BigInt(row.amount_minor),
      throughCollector: row.through_collector,
      receiptIds: row.receipt_ids,
      occurredAt: row.occurred_at.toISOString(),
    }));
    return { movements, upToReceived: rows.at(-1)?.received ?? '0' };
  }

  /** The approved statements of a currency: a pending or rejected one never counts (maker-checker). */
  async approvedStatements(
    currency: string,
  ): Promise<(TrustStatement & { readonly statementId: string })[]> {
    const db = this.context.store.pool;
    const schema = this.context.schema;
    const { rows } = await db.query<{
      statement_id: string;
      account_id: string;
      from_at: Date;
      to_at: Date;
      opening_minor: string;
    }>(
      `select statement_id, account_id, from_at, to_at, opening_minor::text from ${schema}.recon_trust_statements statement
        where currency = $1 and exists (select 1 from ${schema}.recon_trust_approvals approval where approval.statement_id = statement.statement_id)
        order by account_id, from_at limit ${FIAT_RUN_STATEMENTS_MAX + 1}`,
      [currency],
    );
    if (rows.length > FIAT_RUN_STATEMENTS_MAX)
      throw new Error(
        `more than ${FIAT_RUN_STATEMENTS_MAX} ${currency} statements: archive old periods`,
      );
    const { rows: lineRows } = await db.query<{
      statement_id: string;
      booked_at: Date;
      reference: string;
      amount_minor: string;
    }>(
      `select statement_id, booked_at, reference, amount_minor::text from ${schema}.recon_trust_lines where statement_id = any($1) order by statement_id, line`,
      [rows.map((row) => row.statement_id)],
    );
    return rows.map((row) => ({
      statementId: row.statement_id,
      accountId: row.account_id,
      currency,
      from: row.from_at.toISOString(),
      to: row.to_at.toISOString(),
      openingBalanceMinor: BigInt(row.opening_minor),
      lines: lineRows
        .filter((line) => line.statement_id === row.statement_id)
        .map((line) => ({
          bookedAt: line.booked_at.toISOString(),
          reference: line.reference,
          amountMinor: BigInt(line.amount_minor),
        })),
    }));
  }
}
