import type { ConsumedMessage } from '@custody/messaging';
import type { PoolClient } from 'pg';
import { lastValueFrom, of, type Observable } from 'rxjs';
import { InboxContext, InboxTransport, RethrowToInbox } from './inbox-transport';

const transport = () =>
  new InboxTransport({
    name: 'test consumer',
    groupId: 'test',
  } as unknown as ConstructorParameters<typeof InboxTransport>[0]);

const message = (topic: string, messageId: string): ConsumedMessage =>
  ({ topic, partition: 2, offset: '7', messageId }) as unknown as ConsumedMessage;
/** The transaction is only passed through to the handler: any object stands for it. */
const transaction = { tag: 'the batch transaction' } as unknown as PoolClient;

describe('the inbox transport (issue 24)', () => {
  it("given a batch of one topic, then that topic's handler gets its messages and the batch's transaction, and its refusals are the outcome", async () => {
    const server = transport();
    const seen: Array<{ ids: string[]; context: InboxContext }> = [];
    server.addHandler(
      'exchange.trades.v1',
      async (batch: ConsumedMessage[], context: InboxContext) => {
        seen.push({ ids: batch.map((m) => m.messageId), context });
        return { rejected: [{ messageId: 'm-2', code: 'CLIENT_UNKNOWN', path: '', reason: 'x' }] };
      },
      true,
    );
    server.addHandler('exchange.prices.v1', async () => undefined, true);
    const outcome = await server.dispatch(
      [message('exchange.trades.v1', 'm-1'), message('exchange.trades.v1', 'm-2')],
      transaction,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]?.ids).toEqual(['m-1', 'm-2']);
    expect(seen[0]?.context.transaction).toBe(transaction);
    expect(seen[0]?.context.topic).toBe('exchange.trades.v1');
    expect(seen[0]?.context.partition).toBe(2);
    expect(outcome).toEqual({
      rejected: [{ messageId: 'm-2', code: 'CLIENT_UNKNOWN', path: '', reason: 'x' }],
    });
    expect(server.topics().sort()).toEqual(['exchange.prices.v1', 'exchange.trades.v1']);
  });

  it('given a handler that answers with an observable, then its last value is the outcome', async () => {
    const server = transport();
    server.addHandler('exchange.trades.v1', async () => of({ rejected: [] }), true);
    await expect(
      server.dispatch([message('exchange.trades.v1', 'm-1')], transaction),
    ).resolves.toEqual({ rejected: [] });
  });

  it('given a handler that throws, then the dispatch rejects with that error (the batch rolls back and is retried)', async () => {
    const server = transport();
    server.addHandler(
      'exchange.trades.v1',
      async () => {
        throw new Error('database went away');
      },
      true,
    );
    await expect(
      server.dispatch([message('exchange.trades.v1', 'm-1')], transaction),
    ).rejects.toThrow('database went away');
  });

  it('given a batch of a topic with no handler, then it is refused loudly, never dropped', async () => {
    const server = transport();
    server.addHandler('exchange.prices.v1', async () => undefined, true);
    await expect(
      server.dispatch([message('exchange.trades.v1', 'm-1')], transaction),
    ).rejects.toThrow('no @EventPattern handler for exchange.trades.v1');
    await expect(server.dispatch([], transaction)).resolves.toBeUndefined();
  });

  it('given a pattern that is no topic of the contracts, then the subscription is refused', () => {
    const server = transport();
    server.addHandler('exchange.trade.v1', async () => undefined, true);
    expect(() => server.topics()).toThrow("@EventPattern('exchange.trade.v1') names no topic");
  });

  it("the message controllers' filter hands the error on as it was thrown", async () => {
    const error = new Error('as thrown');
    const rethrown = new RethrowToInbox().catch(error) as Observable<never>;
    await expect(lastValueFrom(rethrown)).rejects.toBe(error);
  });
});
