import { POLICY_CONSUMED_TOPICS } from '@custody/policy-application';
import { handledTopics } from '@custody/service-host';
import { PolicyMessagesController } from './policy-ingestion';

describe('the policy message handler (issue 24)', () => {
  it('handles exactly the topics the policy consumes (those its Kafka ACLs grant)', () => {
    expect(handledTopics(PolicyMessagesController)).toEqual([...POLICY_CONSUMED_TOPICS].sort());
  });
});
