import type { QueryResult, QueryResultRow } from 'pg';

/** The one capability the store needs from a pg client, pool or transaction. */
export interface Queryable {
  query<Row extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}
