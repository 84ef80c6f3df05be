import { z } from 'zod/v4';

export const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:._\-/]{0,127}$/);
export const reason = z.string().min(1).max(500);
export const asset = z.string().regex(/^[A-Z0-9]{2,16}$/);
export const amountMinor = z.string().regex(/^[1-9][0-9]{0,37}$/);
