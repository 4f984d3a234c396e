import type { PromotionDefinition } from '../../src/protocol/promotions.ts';
import { PROTOCOL_VERSION } from '../../src/protocol/version.ts';
import { sha256Hex } from '../../src/server/sha256.ts';
import { SimDevice, type SyncReport } from './device-harness.ts';
import { FakeNetwork } from './fake-network.ts';
import { checkAcknowledged, checkCleanLedger, checkConvergence, checkExactlyOnce, checkMoney, checkStock, InvariantViolation, saleOf } from './invariants.ts';
import { Rng } from './prng.ts';
import { installSimPlatform } from './platform.ts';
import { generateScenario, type Scenario } from './scenario.ts';
import { ServerHarness } from './server-harness.ts';
import { DeviceClock, SimClock } from './sim-clock.ts';

/**
 * One seed of the deterministic simulation (issue 4, "Proof"), in the style of
 * TigerBeetle's VOPR: the real till code and the real server in one process,
 * with the network, the clocks and crashes in the seed's hands.
 *
 *   enroll every till (no faults)
 *     │
 *     ▼
 *   steps, until the tills have made the scenario's sales:
 *     sell · sync (now and then from two contexts of one till at once) ·
 *     till crash (at rest, right after committing a sale, between the server's
 *     commit and its ack) · partition a till or a store · time passes · a
 *     till's clock jumps back · HQ changes a price or a promotion · held
 *     traffic lands
 *     (requests dropped, answered into the void, duplicated, held and
 *      reordered; the server crashing or failing a statement inside pushes;
 *      a sale, an HQ change or late traffic slipping in mid-request)
 *     └─ after each step: exactly once or still in the outbox, for the tills it touched
 *     │
 *     ▼
 *   heal: faults off, partitions gone, held traffic delivered; tills sync
 *   until none has anything to send and each has pulled its store's newest change
 *     │
 *     ▼
 *   invariants: exactly once and drained · convergence (slice hash per till) ·
 *   money · stock and oversell · a clean ledger · no unprovoked 500
 */
export type SeedResult = {
  seed: number;
  ok: boolean;
  failure?: { invariant: string; detail: string; step: number };
  /** hash of the whole trace and the final state: the same seed must give the same digest */
  digest: string;
  stats: SeedStats;
  trace: string[];
};

export type SeedStats = {
  stores: number;
  devices: number;
  steps: number;
  events: number;
  oversoldUnits: number;
  serverCrashes: number;
  deviceCrashes: number;
  partitions: number;
  clockJumps: number;
  hqChanges: number;
  healRounds: number;
  fates: Record<string, number>;
  faultSites: Record<string, number>;
  /** wall-clock ms per phase, for tuning the sim's cost (never part of the trace or the digest) */
  phaseMs: Record<string, number>;
};

export type SeedOptions = {
  /** each trace line as it happens (the CLI's --seed) */
  log?: (line: string) => void;
  /** overrides the scenario's number of sales */
  targetEvents?: number;
  /** statements the server skips (see ServerHarness.sabotage): only to test the invariants themselves */
  sabotage?: RegExp;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const HEAL_ROUNDS = 12;

export async function runSeed(seed: number, options: SeedOptions = {}): Promise<SeedResult> {
  const scenario = generateScenario(seed, options.targetEvents === undefined ? {} : { targetEvents: options.targetEvents });
  const trace: string[] = [];
  const log = (line: string) => {
    trace.push(line);
    options.log?.(line);
  };
  const stats: SeedStats = {
    stores: scenario.storeIds.length,
    devices: scenario.devices.length,
    steps: 0,
    events: 0,
    oversoldUnits: 0,
    serverCrashes: 0,
    deviceCrashes: 0,
    partitions: 0,
    clockJumps: 0,
    hqChanges: 0,
    healRounds: 0,
    fates: {},
    faultSites: {},
    phaseMs: {},
  };
  let phaseStart = performance.now();
  const phase = (name: string) => {
    const at = performance.now();
    stats.phaseMs[name] = Math.round(at - phaseStart);
    phaseStart = at;
  };
  let step = 0;

  const uninstallPlatform = installSimPlatform();
  const clock = new SimClock(scenario.startAt);
  let server: ServerHarness;
  try {
    server = await ServerHarness.start(scenario.retailer, clock, Rng.stream(seed, 'server'));
  } catch (error) {
    uninstallPlatform();
    throw error;
  }
  server.sabotage = options.sabotage ?? null;
  const network = new FakeNetwork(server, Rng.stream(seed, 'network'), scenario.faults, log);
  const devices = scenario.devices.map(
    (spec, index) => new SimDevice(spec, `sim-${seed}-${index}`, network, new DeviceClock(clock, spec.skewMs), Rng.stream(seed, `device-${index}`), scenario.snapshotPageSize),
  );
  const world = new World(scenario, server, network, devices, clock, Rng.stream(seed, 'steps'), stats, log);
  phase('start server');
  try {
    log(describeScenario(scenario));
    network.faultsOn = false;
    for (const device of devices) {
      await device.open();
      await device.enroll();
    }
    network.faultsOn = true;
    phase('enroll');
    network.interleave = (from) => world.interleave(from);
    network.onAnswerLost = (from) => world.answerLost(from);

    while (world.committed() < scenario.targetEvents && step < scenario.maxSteps) {
      step += 1;
      network.setStep(step);
      clock.advance(world.rng.int(0, 20_000));
      world.touched.clear();
      await world.act(step);
      await world.crashThoseWhoseAnswerWasLost();
      await world.checkStep();
    }
    stats.steps = step;
    phase('steps');

    log(`heal: faults off, partitions healed, ${network.heldCount} held requests delivered`);
    network.faultsOn = false;
    network.healPartitions();
    await network.releaseHeld(Number.POSITIVE_INFINITY);
    await world.heal();
    phase('heal');

    await checkExactlyOnce(server.database, devices, world.deviceIds(), true);
    const hashes = await checkConvergence(server.store, devices, scenario.storeIds);
    await checkMoney(server.database, devices, scenario.storeIds);
    await checkStock(server.database, devices, scenario);
    await checkCleanLedger(server.database);
    world.checkServerAnswers();
    for (const [storeId, hash] of hashes) log(`store ${storeId}: every till holds slice ${hash.slice(0, 16)}`);
    const oversold = await server.database.get<{ units: number | null }>(`SELECT SUM(quantity) AS units FROM conflicts WHERE kind = 'oversell'`);
    stats.oversoldUnits = Number(oversold?.units ?? 0);
    phase('final checks');
    return finish({ ok: true });
  } catch (error) {
    const failure =
      error instanceof InvariantViolation
        ? { invariant: error.invariant, detail: error.detail, step }
        : { invariant: 'no unexpected exception', detail: (error as Error).stack ?? String(error), step };
    log(`FAILED at step ${step}: ${failure.invariant}: ${failure.detail}`);
    return finish({ ok: false, failure });
  } finally {
    for (const device of devices) await device.close().catch(() => undefined);
    await server.close();
    uninstallPlatform();
  }

  function finish(outcome: { ok: boolean; failure?: SeedResult['failure'] }): SeedResult {
    stats.events = world.committed();
    stats.serverCrashes = server.crashes;
    stats.deviceCrashes = devices.reduce((sum, device) => sum + device.crashes, 0);
    stats.fates = Object.fromEntries(network.fates);
    stats.faultSites = Object.fromEntries(server.faultSites);
    return { seed, ...outcome, digest: sha256Hex(trace.join('\n')), stats, trace };
  }
}

function describeScenario(scenario: Scenario): string {
  const f = scenario.faults;
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return [
    `seed ${scenario.seed}: ${scenario.storeIds.length} store(s), ${scenario.devices.length} tills, ${scenario.targetEvents} sales, snapshot pages of ${scenario.snapshotPageSize}`,
    `  tills: ${scenario.devices.map((d) => `${d.label} (clock ${d.skewMs >= 0 ? '+' : ''}${Math.round(d.skewMs / MINUTE)} min)`).join(', ')}`,
    `  scarce: ${scenario.scarceSkus.join(', ')}`,
    `  faults: drop request ${pct(f.dropRequest)}, drop answer ${pct(f.dropResponse)}, duplicate ${pct(f.duplicate)}, hold ${pct(f.hold)}, server crash ${pct(f.serverCrash)}, interleave ${pct(f.interleave)}`,
  ].join('\n');
}

/** The simulated world between steps: who is where, and what each action does. */
class World {
  readonly touched = new Set<SimDevice>();
  readonly skus: string[];

  constructor(
    readonly scenario: Scenario,
    readonly server: ServerHarness,
    readonly network: FakeNetwork,
    readonly devices: readonly SimDevice[],
    readonly clock: SimClock,
    readonly rng: Rng,
    readonly stats: SeedStats,
    readonly log: (line: string) => void,
  ) {
    this.skus = scenario.retailer.stores[0]!.products.map((product) => product.sku);
  }

  committed(): number {
    return this.devices.reduce((sum, device) => sum + device.committed.length, 0);
  }

  deviceIds(): Set<string> {
    return new Set(this.devices.map((device) => device.deviceId));
  }

  async act(step: number): Promise<void> {
    const action = this.rng.weighted(this.scenario.weights);
    const device = this.rng.pick(this.devices);
    switch (action) {
      case 'sell': {
        // A till with no catalogue yet cannot sell: it is busy loading one.
        if (!(await this.sell(device, `${step}`))) await this.sync(device, step);
        if (this.rng.chance(0.08)) await this.crash(device, 'right after committing a sale, before sending it');
        return;
      }
      case 'sync':
        if (this.rng.chance(0.05)) await this.syncTwiceAtOnce(device, step);
        else await this.sync(device, step);
        if (this.rng.chance(0.04)) await this.crash(device, 'after a sync round');
        return;
      case 'crashDevice':
        return this.crash(device, 'at rest');
      case 'partition': {
        const length = this.rng.int(5, 80);
        const wholeStore = this.rng.chance(0.4);
        const cut = wholeStore ? this.devices.filter((d) => d.spec.storeId === device.spec.storeId) : [device];
        this.network.partition(cut.map((d) => d.label), step + length);
        this.stats.partitions += 1;
        this.log(`${step}: partition ${wholeStore ? `store ${device.spec.storeId}` : device.label} for ${length} steps`);
        return;
      }
      case 'advanceTime': {
        const ms = this.rng.chance(0.3) ? this.rng.int(1, 30) * HOUR : this.rng.int(1, 60) * MINUTE;
        this.clock.advance(ms);
        this.log(`${step}: ${Math.round(ms / MINUTE)} min pass`);
        return;
      }
      case 'clockJump':
        return this.jumpBack(device, `${step}`);
      case 'priceChange':
        return this.changePrice(`${step}`);
      case 'promotionChange':
        return this.changePromotion(`${step}`);
      case 'releaseHeld': {
        const landed = await this.network.releaseHeld(this.rng.int(1, 3));
        if (landed > 0) this.log(`${step}: ${landed} held request(s) landed`);
        return;
      }
    }
  }

  private readonly dyingAtAck = new Set<SimDevice>();

  /** Half the time, a till whose push was committed but not answered dies before it hears: between server commit and ack. */
  answerLost(from: string): void {
    if (this.rng.chance(0.5)) this.dyingAtAck.add(this.devices.find((device) => device.label === from)!);
  }

  async crashThoseWhoseAnswerWasLost(): Promise<void> {
    for (const device of this.dyingAtAck) await this.crash(device, 'between the server\'s commit and its ack');
    this.dyingAtAck.clear();
  }

  /** Something that happens while a till's request is in flight. Never a sync: a till runs one round at a time. */
  async interleave(from: string): Promise<void> {
    const self = this.devices.find((device) => device.label === from)!;
    // A promotion edit between two pages of a till's bootstrap is what tears its catalogue; busy-HQ seeds make it often.
    const what = this.rng.weighted({ sellHere: 4, sellElsewhere: 2, heldLands: 2, price: 1, promotion: this.scenario.weights.promotionChange > 1 ? 4 : 0.3, clockJump: 1 });
    switch (what) {
      case 'sellHere':
        await this.sell(self, `  (mid-request)`);
        return;
      case 'sellElsewhere':
        await this.sell(this.rng.pick(this.devices), `  (while ${from} waits)`);
        return;
      case 'heldLands':
        await this.network.releaseHeld(1);
        return;
      case 'price':
        return this.changePrice(`  (while ${from} waits)`);
      case 'promotion':
        return this.changePromotion(`  (while ${from} waits)`);
      case 'clockJump':
        return this.jumpBack(self, `  (mid-request)`);
    }
  }

  async sell(device: SimDevice, at: string): Promise<boolean> {
    const event = await device.sell(this.skus, this.scenario.scarceSkus);
    if (!event) return false;
    this.touched.add(device);
    const sale = saleOf(event);
    this.log(`${at}: ${device.label} sells seq ${event.seq}: ${sale.lines.map((l) => `${l.sku}×${l.quantity}`).join(' ')} = ${sale.total} ${sale.currency} (hlc ${event.hlc.slice(0, 22)})`);
    return true;
  }

  async sync(device: SimDevice, step: number): Promise<void> {
    this.touched.add(device);
    const report = await device.sync();
    this.log(`${step}: ${device.label} syncs → ${describeReport(report)}`);
    this.checkReports(device, [report]);
  }

  /**
   * A tab and the service worker of one till run a round each at the same time:
   * what happens when one steals the Web Lock from a holder that only seemed
   * frozen (sync-lock.ts). Deterministic like everything else: the two rounds
   * interleave at their awaits, in an order fixed by the code and the seed.
   */
  async syncTwiceAtOnce(device: SimDevice, step: number): Promise<void> {
    this.touched.add(device);
    const reports = await Promise.all([device.sync(), device.sync()]);
    this.log(`${step}: ${device.label} syncs from two contexts at once → ${reports.map(describeReport).join(' | ')}`);
    this.checkReports(device, reports);
  }

  async crash(device: SimDevice, when: string): Promise<void> {
    this.touched.add(device);
    await device.crash();
    this.log(`  ${device.label} crashes ${when} and restarts`);
  }

  async jumpBack(device: SimDevice, at: string): Promise<void> {
    const ms = this.rng.int(1, 180) * MINUTE;
    device.clock.jumpBack(ms);
    this.stats.clockJumps += 1;
    this.log(`${at}: ${device.label}'s clock jumps back ${Math.round(ms / MINUTE)} min`);
  }

  async changePrice(at: string): Promise<void> {
    const slice = this.rng.pick(this.scenario.retailer.stores);
    const product = this.rng.pick(slice.products);
    const price = Math.max(0, Math.round(product.price * (0.7 + this.rng.next() * 0.6)));
    const answer = await this.hq('POST', '/api/v1/hq/prices', { store: slice.store.id, sku: product.sku, price });
    if (answer.status !== 200) throw new InvariantViolation('HQ changes are accepted', `price change answered ${answer.status}: ${answer.body}`);
    this.stats.hqChanges += 1;
    this.log(`${at}: HQ prices ${product.sku} at ${price} in ${slice.store.id}`);
  }

  async changePromotion(at: string): Promise<void> {
    const listed = await this.hq('GET', '/api/v1/hq/promotions');
    const { promotions } = JSON.parse(listed.body) as { promotions: PromotionDefinition[] };
    const candidates = promotions.filter((promotion) => promotion.kind === 'percent_off');
    if (candidates.length === 0) return;
    const promotion = this.rng.pick(candidates) as Extract<PromotionDefinition, { kind: 'percent_off' }>;
    const percent = this.rng.pick([5, 10, 15, 20, 25, 30, 40, 50]);
    const answer = await this.hq('POST', '/api/v1/hq/promotions', { ...promotion, percent });
    if (answer.status !== 201) throw new InvariantViolation('HQ changes are accepted', `promotion change answered ${answer.status}: ${answer.body}`);
    this.stats.hqChanges += 1;
    this.log(`${at}: HQ sets ${promotion.id} to ${percent} % off`);
  }

  /** HQ's own requests: not what this simulates, so they go straight to the server. */
  private async hq(method: 'GET' | 'POST', path: string, body?: unknown) {
    const answer = await this.server.dispatch({
      method,
      path,
      headers: { 'x-storeside-protocol': String(PROTOCOL_VERSION), authorization: `Bearer ${this.scenario.hqToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (answer.kind !== 'answered') throw new Error('HQ requests are never faulted');
    return answer;
  }

  /**
   * A round may fail only because of the network: no answer at all, or the 500
   * of a storage error the network injected into this till's requests. Anything
   * else (a diverged journal, a refused request, a local error) is a bug.
   */
  checkReports(device: SimDevice, reports: readonly SyncReport[]): void {
    const injected = this.network.storageErrors.get(device.label) ?? 0;
    this.network.storageErrors.delete(device.label);
    for (const report of reports) {
      if (report.ok) continue;
      const { failure } = report;
      if (failure.kind === 'offline') continue;
      if (failure.kind === 'http' && failure.status === 500 && injected > 0) continue;
      throw new InvariantViolation('a sync round fails only for network reasons', `${device.label} ${report.phase}: ${failure.kind} ${'status' in failure ? failure.status : ''} ${failure.message}`);
    }
  }

  /** The cheap invariants, for the tills this step touched. */
  async checkStep(): Promise<void> {
    this.checkServerAnswers();
    if (this.touched.size > 0) await checkAcknowledged(this.server.database, [...this.touched]);
  }

  checkServerAnswers(): void {
    const [error] = this.server.internalErrors;
    if (error) throw new InvariantViolation('the server never answers 500 on its own', error);
  }

  /**
   * Every till syncs, round after round, until a round would send and receive
   * nothing: every outbox is acknowledged and every till has pulled up to the
   * newest change of its store's slice. (Read from the state rather than by
   * running one more round, which would show the same thing at twice the cost.)
   */
  async heal(): Promise<void> {
    let syncing = [...this.devices];
    for (let round = 1; round <= HEAL_ROUNDS; round++) {
      this.stats.healRounds = round;
      for (const device of syncing) {
        const report = await device.sync();
        if (!report.ok) throw new InvariantViolation('a healed network lets every till sync', `${device.label} ${report.phase}: ${report.failure.kind}: ${report.failure.message}`);
      }
      const behind = await this.behind();
      this.log(`heal round ${round}: ${behind.length === 0 ? 'quiet' : `behind: ${behind.map(({ device, why }) => `${device.label} ${why}`).join(', ')}`}`);
      if (behind.length === 0) return;
      syncing = behind.map(({ device }) => device);
    }
    throw new InvariantViolation('tills converge to the server', `still changing after ${HEAL_ROUNDS} rounds of sync without faults`);
  }

  /** Tills a further round would still send something from, or bring something to (the others have nothing left to do). */
  private async behind(): Promise<{ device: SimDevice; why: string }[]> {
    const behind: { device: SimDevice; why: string }[] = [];
    for (const device of this.devices) {
      const [head, acked, cursor] = (await device.db.meta.bulkGet(['chainHead', 'ackedSeq', 'cursor'])).map((row) => row?.value);
      const unsent = ((head as { seq: number } | undefined)?.seq ?? 0) - ((acked as number | undefined) ?? 0);
      const newest = await this.server.database.get<{ version: number | null }>(`SELECT MAX(version) AS version FROM sync_rows WHERE store_id = ?`, [device.spec.storeId]);
      if (unsent > 0) behind.push({ device, why: `has ${unsent} unsent` });
      else if (((cursor as number | undefined) ?? 0) < Number(newest?.version ?? 0)) behind.push({ device, why: `pulled to ${cursor} of ${newest?.version}` });
    }
    return behind;
  }
}

function describeReport(report: SyncReport): string {
  if (report.ok) return `sent ${report.sent}, received ${report.received}${report.rejected ? `, ${report.rejected} rejected` : ''}`;
  return `${report.phase} failed: ${report.failure.kind}: ${report.failure.message}`;
}
