import type { Rng } from './prng.ts';
import type { FaultRates } from './scenario.ts';
import type { HttpAnswer, HttpRequest, ServerFault, ServerHarness } from './server-harness.ts';

/**
 * The network between the tills and the server: a `fetch` per till that hands
 * the request to the real router in-process (no sockets), after the seed has
 * decided its fate:
 *
 *   deliver        — the answer comes back
 *   drop-request   — lost on the way in; the till sees a network error
 *   drop-response  — the server commits and answers, the answer is lost
 *                    (the same as the till dying between the server's commit and its ack)
 *   duplicate      — delivered twice: the copy now or later, out of order
 *   hold           — stuck in the network; the till times out, and the request
 *                    arrives later, after other traffic
 *   server-crash   — the server dies inside the push's transaction and restarts;
 *                    the till sees a network error
 *   storage-error  — one statement of the push's transaction fails, the server
 *                    lives on and answers 500
 *
 * A partitioned till reaches nothing. While a request is in flight, the
 * `interleave` hook may run something else first (a sale on a till, an HQ
 * change, held traffic landing): the only way activities overlap in the sim,
 * and deterministic because the hook runs to completion before the request moves on.
 */
export type Fate = 'deliver' | 'drop-request' | 'drop-response' | 'duplicate' | 'hold' | 'server-crash' | 'storage-error';

type HeldRequest = { from: string; request: HttpRequest };

export class FakeNetwork {
  faultsOn = true;
  readonly fates = new Map<Fate | 'partitioned' | 'held-delivered', number>();
  interleave: ((from: string) => Promise<void>) | null = null;
  /** told when a push was committed but its answer lost: the runner may let the till die right there */
  onAnswerLost: ((from: string) => void) | null = null;
  /** storage errors injected into each till's requests since the runner last asked */
  readonly storageErrors = new Map<string, number>();

  private readonly partitions = new Map<string, number>();
  private held: HeldRequest[] = [];
  private step = 0;

  constructor(
    private readonly server: ServerHarness,
    private readonly rng: Rng,
    private readonly rates: FaultRates,
    private readonly trace: (line: string) => void,
  ) {}

  get heldCount(): number {
    return this.held.length;
  }

  setStep(step: number): void {
    this.step = step;
    for (const [label, until] of this.partitions) if (until <= step) this.partitions.delete(label);
  }

  /** Cuts these tills off until `untilStep`. */
  partition(labels: readonly string[], untilStep: number): void {
    for (const label of labels) this.partitions.set(label, Math.max(untilStep, this.partitions.get(label) ?? 0));
  }

  isPartitioned(label: string): boolean {
    return (this.partitions.get(label) ?? 0) > this.step;
  }

  healPartitions(): void {
    this.partitions.clear();
  }

  /** Delivers up to `count` held requests, in an order of the seed's choosing. Their answers go nowhere. */
  async releaseHeld(count: number): Promise<number> {
    let released = 0;
    while (released < count && this.held.length > 0) {
      const [{ from, request }] = this.held.splice(this.rng.int(0, this.held.length - 1), 1) as [HeldRequest];
      const fate = this.faultsOn && isPush(request) && this.rng.chance(this.rates.serverCrash) ? 'server-crash' : 'deliver';
      const answer = await this.deliver(request, fate === 'server-crash' ? 'crash' : null);
      this.count('held-delivered');
      this.trace(`  net: held ${describe(request)} from ${from} lands late → ${summary(answer)}`);
      released += 1;
    }
    return released;
  }

  fetchFor(from: string): typeof fetch {
    return async (input, init) => {
      const url = new URL(String(input));
      const request: HttpRequest = {
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        headers: { ...((init?.headers ?? {}) as Record<string, string>) },
        ...(typeof init?.body === 'string' ? { body: init.body } : {}),
      };
      if (this.isPartitioned(from)) {
        this.count('partitioned');
        throw new TypeError(`fetch failed: ${from} is partitioned`);
      }
      if (this.faultsOn && this.interleave && this.rng.chance(this.rates.interleave)) await this.interleave(from);
      const fate = this.faultsOn ? this.drawFate(request) : 'deliver';
      this.count(fate);
      const answer = await this.carry(from, request, fate);
      if (this.faultsOn && this.interleave && this.rng.chance(this.rates.interleave / 2)) await this.interleave(from);
      if (answer === null) throw new TypeError(`fetch failed: ${fate}`);
      if (answer.kind === 'crashed') throw new TypeError(`fetch failed: the server crashed (${answer.at})`);
      if (answer.storageError) this.storageErrors.set(from, (this.storageErrors.get(from) ?? 0) + 1);
      return new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json; charset=utf-8' } });
    };
  }

  private drawFate(request: HttpRequest): Fate {
    const { dropRequest, dropResponse, duplicate, hold, serverCrash } = this.rates;
    const roll = this.rng.next();
    let edge = 0;
    if (roll < (edge += dropRequest)) return 'drop-request';
    if (roll < (edge += dropResponse)) return 'drop-response';
    if (roll < (edge += duplicate)) return 'duplicate';
    if (roll < (edge += hold)) return 'hold';
    // Only a push has a transaction to fail in; a read killed mid-way is a dropped request.
    if (roll < (edge += serverCrash)) return isPush(request) ? 'server-crash' : 'drop-request';
    if (roll < (edge += serverCrash / 3)) return isPush(request) ? 'storage-error' : 'deliver';
    return 'deliver';
  }

  /** What the till gets back: an answer, or null for a network error. */
  private async carry(from: string, request: HttpRequest, fate: Fate): Promise<HttpAnswer | null> {
    switch (fate) {
      case 'deliver':
        return this.deliver(request, null);
      case 'drop-request':
        this.trace(`  net: ${describe(request)} from ${from} lost on the way in`);
        return null;
      case 'drop-response': {
        const answer = await this.deliver(request, null);
        this.trace(`  net: ${describe(request)} from ${from} → ${summary(answer)}, answer lost`);
        if (isPush(request)) this.onAnswerLost?.(from);
        return null;
      }
      case 'duplicate': {
        const first = await this.deliver(request, null);
        if (this.rng.chance(0.5)) {
          const second = await this.deliver(request, null);
          this.trace(`  net: ${describe(request)} from ${from} delivered twice → ${summary(first)}, ${summary(second)}`);
        } else {
          this.held.push({ from, request });
          this.trace(`  net: ${describe(request)} from ${from} → ${summary(first)}; a copy is held`);
        }
        return first;
      }
      case 'hold':
        this.held.push({ from, request });
        this.trace(`  net: ${describe(request)} from ${from} held; the till times out`);
        return null;
      case 'server-crash':
      case 'storage-error': {
        const answer = await this.deliver(request, fate === 'server-crash' ? 'crash' : 'storage-error');
        this.trace(`  net: ${describe(request)} from ${from} → ${summary(answer)}`);
        return answer;
      }
    }
  }

  private deliver(request: HttpRequest, fault: ServerFault | null): Promise<HttpAnswer> {
    return fault ? this.server.dispatchWithFault(request, fault) : this.server.dispatch(request);
  }

  private count(fate: Fate | 'partitioned' | 'held-delivered'): void {
    this.fates.set(fate, (this.fates.get(fate) ?? 0) + 1);
  }
}

const isPush = (request: HttpRequest) => request.method === 'POST' && request.path.startsWith('/api/v1/sync/push');

function describe(request: HttpRequest): string {
  if (!isPush(request)) return `${request.method} ${request.path.replace(/^\/api\/v1\//, '')}`;
  const events = (JSON.parse(request.body ?? '{}') as { events?: { seq: number }[] }).events ?? [];
  return `push seq ${events[0]?.seq ?? '?'}–${events.at(-1)?.seq ?? '?'}`;
}

function summary(answer: HttpAnswer): string {
  if (answer.kind === 'crashed') return `server crashed at ${answer.at} and restarted`;
  if (answer.storageError) return `storage error at ${answer.storageError}, ${answer.status}`;
  return String(answer.status);
}
