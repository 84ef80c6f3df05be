export {
  createTestDatabase,
  databaseUrl,
  TEST_POSTGRES_ADMIN_URL,
  type TestDatabase,
} from './postgres';
export {
  eventually,
  freePort,
  waitFor,
  spawnService,
  startService,
  SERVICE_START_TIMEOUT_MS,
  testServiceEnvironment,
  type ServiceProcess,
} from './service-process';
export {
  ensureKafkaTestBrokerBuilt,
  KAFKA_BROKERS_DEFAULT,
  KAFKA_TEST_BROKER_BINARY,
  KAFKA_TEST_BROKER_SOURCE,
  startKafkaTestBroker,
  type KafkaTestBroker,
} from './kafka-broker';
export {
  readTopic,
  READ_TOPIC_WAIT_MS_DEFAULT,
  TEST_CONSUMER_TUNING,
  type ReadTopicOptions,
} from './kafka-read';
export { ensureDebianPackage } from './debian-packages';
export { createSoftHsmToken, SOFTHSM2_MODULE, type SoftHsmToken } from './softhsm';
export {
  ANVIL_CHAIN_ID_DEFAULT,
  anvilAccounts,
  deployTestToken,
  startAnvil,
  type ChainNode,
} from './anvil';
export {
  describeWithContainers,
  KAFKA_CONTAINER_IMAGE,
  POSTGRES_CONTAINER_IMAGE,
  startKafkaContainer,
  startPostgresContainer,
  type ContainerDatabase,
  type KafkaContainerHandle,
} from './containers';
export {
  createTestExchangeSigner,
  signingProducer,
  testExchangeSigner,
  type TestExchangeSigner,
} from './exchange-signing';
export { aWalletRegistered, waitForLedgerWallets } from './wallet-registered';
export { throwawayRoles } from './throwaway-roles';
