import { RECONCILIATION_CONSUMED_TOPICS } from '@custody/reconciliation-application';
import { handledTopics } from '@custody/service-host';
import { ReconciliationMessagesController } from './reconciliation-messages';

describe('the reconciliation message handler (issue 24)', () => {
  it('handles exactly the topics the reconciliation consumes (those its Kafka ACLs grant)', () => {
    expect(handledTopics(ReconciliationMessagesController)).toEqual(
      [...RECONCILIATION_CONSUMED_TOPICS].sort(),
    );
  });
});
