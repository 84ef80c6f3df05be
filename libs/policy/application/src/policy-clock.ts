/** The policy service's clock: every instant it records or evaluates at, as ISO text. */
export class PolicyClock {
  constructor(private readonly now: () => Date = () => new Date()) {}

  at(): string {
    return this.now().toISOString();
  }
}
