import { handledTopics } from '@custody/service-host';
import { WALLET_CONSUMED_TOPICS } from '@custody/wallet-application';
import { WalletMessagesController } from './wallet-consumer';

describe('the wallet message handler (issue 24)', () => {
  it('handles exactly the topics the wallet consumes (those its Kafka ACLs grant)', () => {
    expect(handledTopics(WalletMessagesController)).toEqual([...WALLET_CONSUMED_TOPICS].sort());
  });
});
