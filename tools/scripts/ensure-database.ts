// Creates the database named in DATABASE_URL when it does not exist yet (development start-up).
import { ensureDatabase } from '@custody/service-host';

ensureDatabase(process.env['DATABASE_URL'] ?? '')
  .then((created) => {
    if (created)
      process.stderr.write(
        `[custody] created database ${new URL(process.env['DATABASE_URL'] ?? '').pathname.slice(1)}\n`,
      );
  })
  .catch((error: Error) => {
    process.stderr.write(`[custody] cannot prepare the database: ${error.message}\n`);
    process.exit(1);
  });
