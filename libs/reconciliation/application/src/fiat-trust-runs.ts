import type { PostgresEventStore } from '@custody/event-store';
import type { ConsumedMessage } from '@custody/messaging';
import type { BusinessCalendar, TrustAccountDetails } from '@custody/reconciliation-domain';
import type { PoolClient } from 'pg';
import type { Discrepancies } from './discrepancies';
import { DecideTrustAccount } from './fiat-trust/decide-trust-account';
import { DecideTrustStatement } from './fiat-trust/decide-trust-statement';
import { FiatMovementsProjection } from './fiat-trust/fiat-movements.table';
import { FiatTrustFacts } from './fiat-trust/fiat-trust-facts';
import { FiatTrustQuery } from './fiat-trust/fiat-trust-query';
import { migrateFiatTrustTables } from './fiat-trust/fiat-trust.tables';
import {
  ImportTrustStatement,
  type TrustStatementImport,
} from './fiat-trust/import-trust-statement';
import { RequestTrustAccount } from './fiat-trust/request-trust-account';
import { RunFiatTrust } from './fiat-trust/run-fiat-trust';
import { reconciliationContext, type ReconciliationContext } from './reconciliation-store';

/**
 * TW-10 / TW-11: client fiat in trust, each business day and currency. Movements come from
 * exchange.fiat.v1 (each once), trust accounts are registered and their statements imported as
 * CSV by maker-checker (a statement counts once a second person approves it; a statement that
 * does not add up, overlaps another or breaks the balance chain is refused), and a run compares
 * what clients are owed with the trust accounts' balance at the close plus what collectors hold
 * in transit. The slice's handlers (fiat-trust/) under one name, for callers without a Nest
 * container (the integration specs); the reconciliation app provides the handlers themselves.
 */
export class FiatTrustRuns {
  private readonly context: ReconciliationContext;
  private readonly movements: FiatMovementsProjection;
  private readonly query: FiatTrustQuery;
  private readonly accountRequests: RequestTrustAccount;
  private readonly accountDecisions: DecideTrustAccount;
  private readonly statementImports: ImportTrustStatement;
  private readonly statementDecisions: DecideTrustStatement;
  private readonly fiatRuns: RunFiatTrust;

  constructor(options: {
    readonly store: PostgresEventStore;
    readonly calendar: BusinessCalendar;
    readonly discrepancies: Discrepancies;
    readonly now?: () => Date;
  }) {
    this.context = reconciliationContext(options.store, options.calendar, options.now);
    this.movements = new FiatMovementsProjection(this.context.schema);
    this.query = new FiatTrustQuery(this.context);
    this.accountRequests = new RequestTrustAccount(this.context);
    this.accountDecisions = new DecideTrustAccount(this.context);
    this.statementImports = new ImportTrustStatement(this.context);
    this.statementDecisions = new DecideTrustStatement(this.context);
    this.fiatRuns = new RunFiatTrust(
      this.context,
      new FiatTrustFacts(this.context),
      options.discrepancies,
    );
  }

  migrate(client: PoolClient): Promise<void> {
    return migrateFiatTrustTables(client, this.context.schema);
  }

  applyFiatMessages(messages: readonly ConsumedMessage[], client: PoolClient): Promise<void> {
    return this.movements.applyFiatMessages(messages, client);
  }

  requestAccount(input: TrustAccountDetails & { readonly by: string }) {
    return this.accountRequests.handle(input);
  }

  decideAccount(input: Parameters<DecideTrustAccount['handle']>[0]) {
    return this.accountDecisions.handle(input);
  }

  account(accountId: string) {
    return this.query.account(accountId);
  }

  importStatement(input: TrustStatementImport) {
    return this.statementImports.handle(input);
  }

  decideStatement(input: Parameters<DecideTrustStatement['handle']>[0]) {
    return this.statementDecisions.handle(input);
  }

  runs(businessDay: string, currency: string) {
    return this.query.runs(businessDay, currency);
  }

  lines(runId: string, limit: number) {
    return this.query.lines(runId, limit);
  }

  run(businessDay: string, currency: string) {
    return this.fiatRuns.handle(businessDay, currency);
  }
}
