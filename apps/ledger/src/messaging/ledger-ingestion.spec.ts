import { LEDGER_CONSUMED_TOPICS } from '@custody/ledger-application';
import { handledTopics } from '@custody/service-host';
import { LedgerMessagesController } from './ledger-ingestion';

describe('the ledger message handlers (issue 24)', () => {
  it('handle exactly the topics the ledger consumes (those its Kafka ACLs grant)', () => {
    expect(handledTopics(LedgerMessagesController)).toEqual([...LEDGER_CONSUMED_TOPICS].sort());
  });
});
