import { createTestDatabase, type TestDatabase } from '@custody/testing';
import { describeMessageBusContract } from './bus-contract.test-support';
import { InProcessMessageBus } from './in-process-bus';

let db: TestDatabase;

describeMessageBusContract(
  'in-process (embedded mode, PostgreSQL inbox)',
  async () => {
    db = await createTestDatabase();
    const bus = new InProcessMessageBus({ batchMessagesMax: 50 });
    return {
      bus,
      db,
      createTopic: async (topic, partitions) => bus.createTopic(topic, partitions),
    };
  },
  async () => {
    await db?.drop();
  },
);
