import { handledTopics } from '@custody/service-host';
import { AUDITED_TOPICS, AuditMessagesController } from './audit-messages';

describe('the audit message handler (issue 24)', () => {
  it('records exactly the audited topics (those its Kafka ACLs grant)', () => {
    expect(handledTopics(AuditMessagesController)).toEqual([...AUDITED_TOPICS].sort());
  });
});
