import { z } from 'zod/v4';
import { httpIdentifierSchema } from '@custody/contracts';

export const identifier = httpIdentifierSchema;
export const reason = z.string().min(1).max(500);
export const asset = z.string().regex(/^[A-Z0-9]{2,16}$/);
export const amountMinor = z.string().regex(/^[1-9][0-9]{0,37}$/);
