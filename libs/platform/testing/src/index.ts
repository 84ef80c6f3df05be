export { createTestDatabase, databaseUrl, TEST_POSTGRES_ADMIN_URL, type TestDatabase } from './postgres';
