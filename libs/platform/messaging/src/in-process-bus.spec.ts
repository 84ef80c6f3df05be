import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from './bus-contract.test-support';
import { InProcessMessageBus } from './in-process-bus';
import type { InboundBatch } from './ports';

const TOPIC = 'custody.test.events.v1';
const publishNumbers = (bus: InProcessMessageBus, from: number, count: number) =>
  bus.publisher.publish(
    TOPIC,
    Array.from({ length: count }, (_, index) => ({ key: 'one-key', value: String(from + index) })),
  );

/** What the in-process bus promises beyond the shared contract (bus-contract.test-support.ts). */
describe('in-process bus (embedded mode)', () => {
  it('given a running group, then publish resolves only once that group has committed the messages (the relay checkpoints after that)', async () => {
    const bus = new InProcessMessageBus({ partitions: 1 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const subscriber = bus.subscriber('slow-group', [TOPIC]);
    await subscriber.start(async () => gate);
    let published = false;
    const publishing = publishNumbers(bus, 0, 3).then(() => (published = true));
    await sleep(100);
    expect(published).toBe(false);
    release();
    await publishing;
    expect(published).toBe(true);
    await subscriber.stop();
  });

  it('given a stopped group far behind, then retention never drops what it has not committed: restarted, it receives every message', async () => {
    const bus = new InProcessMessageBus({
      partitions: 1,
      retentionMessages: 10,
      partitionMessagesMax: 1_000,
      batchMessagesMax: 7,
    });
    const received: string[] = [];
    const collect = async (batch: InboundBatch) =>
      void received.push(...batch.messages.map((message) => message.value.toString()));
    const first = bus.subscriber('behind', [TOPIC]);
    await first.start(collect);
    await publishNumbers(bus, 0, 5);
    await first.stop();
    for (let from = 5; from < 205; from += 10) await publishNumbers(bus, from, 10); // far beyond retention (10 + slack), trimming as it goes
    const again = bus.subscriber('behind', [TOPIC]);
    await again.start(collect);
    await waitFor(() => received.length >= 205, '205 messages');
    expect(received).toEqual(Array.from({ length: 205 }, (_, index) => String(index)));
    await again.stop();
  });

  it('given a partition full of messages a known group has not committed, then publish fails and appends nothing (nothing is lost silently)', async () => {
    const bus = new InProcessMessageBus({
      partitions: 1,
      retentionMessages: 10,
      partitionMessagesMax: 50,
    });
    const subscriber = bus.subscriber('stalled', [TOPIC]);
    await subscriber.start(async () => undefined);
    await subscriber.stop();
    await publishNumbers(bus, 0, 45);
    await expect(publishNumbers(bus, 45, 10)).rejects.toThrow(/not yet committed by every group/);
    const received: string[] = [];
    const again = bus.subscriber('stalled', [TOPIC]);
    await again.start(
      async (batch) =>
        void received.push(...batch.messages.map((message) => message.value.toString())),
    );
    await waitFor(() => received.length >= 45, '45 messages');
    await sleep(50);
    expect(received).toEqual(Array.from({ length: 45 }, (_, index) => String(index)));
    await again.stop();
  });

  it('given every known group has committed, then retention drops the oldest: a new group starts at the oldest message kept', async () => {
    const bus = new InProcessMessageBus({
      partitions: 1,
      retentionMessages: 10,
      partitionMessagesMax: 1_000,
    });
    const subscriber = bus.subscriber('keeping-up', [TOPIC]);
    await subscriber.start(async () => undefined);
    await publishNumbers(bus, 0, 30);
    await publishNumbers(bus, 30, 1); // trims: 31 > 10 + 10, all committed
    await subscriber.stop();
    const received: string[] = [];
    const newcomer = bus.subscriber('newcomer', [TOPIC]);
    await newcomer.start(
      async (batch) =>
        void received.push(...batch.messages.map((message) => message.value.toString())),
    );
    await waitFor(() => received.length >= 10, 'the retained tail');
    expect(received[0]).toBe('20');
    await newcomer.stop();
  });
});
