import { z } from 'zod/v4';

/** A count in a query (a position, a limit, a tree size): 1 to 12 digits. */
export const count = z
  .string()
  .regex(/^[1-9][0-9]{0,11}$/)
  .transform(Number);
