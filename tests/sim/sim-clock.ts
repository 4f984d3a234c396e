/**
 * Simulated time. The server reads `SimClock.now`; each device reads its own
 * `DeviceClock`, which is the sim time plus a fixed skew (a till whose clock was
 * set a day wrong) minus any jumps back (NTP stepping a fast clock back, a
 * manual change). Time moves only when the runner advances it.
 */
export class SimClock {
  constructor(public now: number) {}

  advance(ms: number): void {
    this.now += ms;
  }
}

export class DeviceClock {
  private jumpedBackMs = 0;

  constructor(
    private readonly sim: SimClock,
    readonly skewMs: number,
  ) {}

  readonly now = (): number => Math.max(0, this.sim.now + this.skewMs - this.jumpedBackMs);

  jumpBack(ms: number): void {
    this.jumpedBackMs += ms;
  }
}
