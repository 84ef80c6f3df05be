import type { FactoryProvider } from '@nestjs/common';

/** A factory provider whose token is the slice's class, built from what `inject` gives. */
export function slice<T>(
  provide: abstract new (...args: never[]) => T,
  inject: FactoryProvider['inject'],
  useFactory: (...args: never[]) => T,
): FactoryProvider<T> {
  return { provide, inject, useFactory: useFactory as (...args: unknown[]) => T };
}
