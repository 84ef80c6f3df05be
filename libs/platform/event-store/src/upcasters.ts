import { UPCAST_STEPS_MAX } from './limits';
import type { JsonObject } from './types';

/** Turns the payload of `eventType` at `fromVersion` into the payload at `fromVersion + 1`. */
export interface Upcaster {
  readonly eventType: string;
  readonly fromVersion: number;
  upcast(data: JsonObject): JsonObject;
}

/**
 * Published event versions are frozen; a change is a new version plus an upcaster.
 * Upcasters run on read, one step at a time, until no step is registered.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  register(upcaster: Upcaster): this {
    const key = stepKey(upcaster.eventType, upcaster.fromVersion);
    if (this.steps.has(key)) {
      throw new Error(
        `assertion: upcaster for ${upcaster.eventType} v${upcaster.fromVersion} registered twice`,
      );
    }
    if (!Number.isInteger(upcaster.fromVersion) || upcaster.fromVersion < 1) {
      throw new Error(`assertion: upcaster fromVersion must be a positive integer`);
    }
    this.steps.set(key, upcaster);
    return this;
  }

  upcast(
    eventType: string,
    schemaVersion: number,
    data: JsonObject,
  ): { schemaVersion: number; data: JsonObject } {
    let version = schemaVersion;
    let current = data;
    for (let step = 0; step < UPCAST_STEPS_MAX; step += 1) {
      const upcaster = this.steps.get(stepKey(eventType, version));
      if (upcaster === undefined) return { schemaVersion: version, data: current };
      current = upcaster.upcast(current);
      version += 1;
    }
    throw new Error(`assertion: more than ${UPCAST_STEPS_MAX} upcasting steps for ${eventType}`);
  }
}

function stepKey(eventType: string, fromVersion: number): string {
  return `${eventType}\u0000${fromVersion}`;
}
