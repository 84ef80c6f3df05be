import type { QueryArrayConfig, QueryArrayResult, QueryResult, QueryResultRow } from 'pg';

/** What the store needs from a pg client, pool or transaction: plain and array-mode queries. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<Row>>;
  query<Row extends unknown[] = unknown[]>(
    config: QueryArrayConfig,
  ): Promise<QueryArrayResult<Row>>;
}
