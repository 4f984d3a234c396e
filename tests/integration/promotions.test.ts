import { beforeAll, describe, expect, it } from 'vitest';
import { cartLineFor, type CartLine } from '../../src/domain/cart-line.ts';
import { createPromotionBook, priceSale, type Promotion, type PromotionBook } from '../../src/domain/pricing/index.ts';
import { completedSalePayload, type SaleCompletedPayload } from '../../src/domain/sale.ts';
import { cashTender } from '../../src/domain/tender.ts';
import type { PushResponse } from '../../src/protocol/messages.ts';
import type { PromotionDefinition } from '../../src/protocol/promotions.ts';
import type { ConflictRecord } from '../../src/protocol/entities.ts';
import { COUPON_REUSE_RULE } from '../../src/server/conflicts/coupon-reuse.ts';
import { demoCredentials, withServer } from '../support/server-fixture.ts';
import { apiRequest, PROTOCOL_HEADERS, salePayload, type ApiAnswer, type DeviceClient, type ErrorAnswer, type SaleChain, type StoreSliceSnapshot } from './helpers/device-client.ts';
import { expectErrorAnswer } from './helpers/error-answer.ts';

/**
 * HQ's promotion and price routes and what the fleet makes of them, against the real
 * server and its SQLite file: a saved promotion becomes the next fleet-wide
 * revision and syncs to its stores only; a promotion that is malformed, names
 * what the catalogue lacks, or would tie with another exclusive one is refused
 * whole; every synced sale is priced again with the promotion set it names, and
 * differences (not the sale) are what HQ sees; a single-use code taken twice
 * offline is alarmed.
 */

const AUSTIN = 'store-us-austin';
const BERLIN = 'store-de-berlin';
/** 2030-01-01, 2031-01-01, 2032-01-01: windows that never meet the sales pushed here. */
const Y2030 = Date.UTC(2030, 0, 1);
const Y2031 = Date.UTC(2031, 0, 1);
const Y2032 = Date.UTC(2032, 0, 1);

// "Never a 500": withServer checks that nothing sent here made the server log an unexpected error.
const server = withServer({ label: 'promotions', demoProducts: 40 });
let austinSlice: StoreSliceSnapshot;
let seed = 7;

beforeAll(async () => {
  austinSlice = await server.slice(AUSTIN);
});

type Saved = { promotion: Promotion };
type Listed = { promotions: Promotion[] };
type Variance = { saleId: string; receiptNumber: string; field: string; deviceValue: number; serverValue: number; completedAt: number };

const hqHeaders = (token = demoCredentials(server).hqToken) => ({ ...PROTOCOL_HEADERS, authorization: `Bearer ${token}`, 'content-type': 'application/json' });

function postPromotion<T = Saved | ErrorAnswer>(body: unknown, headers: Record<string, string> = hqHeaders()): Promise<ApiAnswer<T>> {
  return apiRequest<T>(server.url, '/api/v1/hq/promotions', { method: 'POST', headers, body: JSON.stringify(body) });
}

async function savePromotion(body: PromotionDefinition): Promise<Promotion> {
  const answer = await postPromotion<Saved>(body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body.promotion;
}

async function listPromotions(): Promise<Promotion[]> {
  const answer = await server.hq.get<Listed>('/api/v1/hq/promotions');
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.promotions;
}

async function variancesOf(storeId: string): Promise<Variance[]> {
  const answer = await server.hq.get<{ variances: Variance[] }>(`/api/v1/hq/variances?store=${encodeURIComponent(storeId)}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.variances;
}

/** The promotion book a till of the device's store holds after syncing: every promotion row of its slice. */
async function tillBook(client: DeviceClient): Promise<PromotionBook> {
  return createPromotionBook([...(await client.pulledRecords<Promotion>('promotion')).values()], client.storeId);
}

/** A percent_off in Austin on one SKU, open-ended from the start of the demo promotions. */
const percentOff = (id: string, sku: string, percent: number, extra: Partial<PromotionDefinition> = {}): PromotionDefinition =>
  ({
    id,
    name: `${percent} % off ${sku}`,
    validFrom: Date.UTC(2026, 0, 1),
    validTo: null,
    stores: [AUSTIN],
    priority: 10,
    stacking: 'combinable',
    coupon: null,
    kind: 'percent_off',
    target: { skus: [sku], categories: [] },
    percent,
    ...extra,
  }) as PromotionDefinition;

const newAustinDevice = (): Promise<{ client: DeviceClient; chain: SaleChain }> => server.till(AUSTIN, seed++);

const cartLine = (sku: string, quantity: number): CartLine => {
  const product = austinSlice.products.find((p) => p.sku === sku)!;
  return cartLineFor(product, quantity);
};

/**
 * A `tamper` for SaleChain.next that prices the cart the way the till does:
 * with its promotion book and the codes entered, paid in cash.
 */
const pricedBy =
  (book: PromotionBook, coupons: string[] = []) =>
  (payload: SaleCompletedPayload): SaleCompletedPayload => {
    const lines: CartLine[] = payload.lines.map(({ sku, name, quantity, unitPrice, taxCategory, category, priceVersion }) => ({
      sku,
      name,
      quantity,
      unitPrice,
      taxCategory,
      category,
      priceVersion,
    }));
    const totals = priceSale(lines, book, austinSlice.store.taxConfig, { at: payload.pricing.at, coupons });
    const tender = cashTender(totals.total, Math.ceil(totals.total / 500) * 500);
    if ('error' in tender) throw new Error(tender.error);
    return completedSalePayload({
      saleId: payload.saleId,
      receiptNumber: payload.receiptNumber,
      currency: payload.currency,
      totals,
      pricing: { at: payload.pricing.at, staffPurchase: false, manualDiscounts: [] },
      tenders: [tender],
      cashRounding: 0,
      customer: null,
      receiptToken: payload.receiptToken,
      overrides: [],
      completedAt: payload.completedAt,
    });
  };

/** An Austin product no single-unit promotion names (nor the exclusive electronics clearance), so a one-unit sale of it takes only the promotion a test gives it. */
async function unpromotedProduct() {
  const inAustin = (await listPromotions()).filter((p) => p.stores === null || p.stores.includes(AUSTIN));
  const named = new Set(inAustin.flatMap((p) => (p.kind === 'percent_off' || p.kind === 'amount_off' || p.kind === 'fixed_price' ? p.target.skus : [])));
  const product = austinSlice.products.find((p) => !named.has(p.sku) && p.price > 0 && !['gift-cards', 'electronics'].includes(p.category));
  expect(product, 'an Austin product without a single-unit promotion').toBeDefined();
  return product!;
}

function applied(answer: ApiAnswer<PushResponse | ErrorAnswer>, count = 1) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const { results } = answer.body as PushResponse;
  expect(results.map((result) => result.status)).toEqual(new Array(count).fill('applied'));
}

describe('saving a promotion', () => {
  it('answers 201 with the next fleet-wide revision, lists it, and syncs it to the devices of its stores only', async () => {
    const before = await listPromotions();
    const austin = await server.enroll({ storeId: AUSTIN });
    const berlin = await server.enroll({ storeId: BERLIN });
    const [austinCursor, berlinCursor] = [(await austin.readSnapshot()).cursor, (await berlin.readSnapshot()).cursor];

    const forBerlin = await savePromotion(percentOff('hq-berlin-20', 'SKU-000002', 20, { stores: [BERLIN] }));
    const forAustin = await savePromotion(percentOff('hq-austin-15', 'SKU-000003', 15));

    expect(forBerlin.revision).toBeGreaterThan(Math.max(...before.map((p) => p.revision)));
    expect(forAustin.revision).toBe(forBerlin.revision + 1);
    expect(forBerlin).toMatchObject({ id: 'hq-berlin-20', stores: [BERLIN], percent: 20 });
    const after = await listPromotions();
    expect(after).toHaveLength(before.length + 2);
    expect(after).toContainEqual(forBerlin);
    expect(after).toContainEqual(forAustin);

    const promotionChanges = async (client: DeviceClient, cursor: number) =>
      (await client.pullAll(cursor)).filter((change) => change.entity === 'promotion').map((change) => (change.op === 'put' ? change.value : change));
    expect(await promotionChanges(austin, austinCursor)).toEqual([forAustin]);
    expect(await promotionChanges(berlin, berlinCursor)).toEqual([forBerlin]);

    // stores: null is every store, each of which hears of it once.
    const everywhere = await savePromotion(percentOff('hq-everywhere-5', 'SKU-000002', 5, { stores: null, validFrom: Y2030 }));
    expect(await promotionChanges(austin, austinCursor)).toEqual([forAustin, everywhere]);
    expect(await promotionChanges(berlin, berlinCursor)).toEqual([forBerlin, everywhere]);
  });

  it('syncs an edit to the stores the promotion left as well, so their tills stop applying it', async () => {
    const austin = await server.enroll({ storeId: AUSTIN });
    const cursor = (await austin.readSnapshot()).cursor;
    const current = (await listPromotions()).find((p) => p.id === 'hq-austin-15')!;
    const moved = await savePromotion(percentOff('hq-austin-15', 'SKU-000003', 15, { stores: [BERLIN], revision: current.revision }));
    const changes = (await austin.pullAll(cursor)).filter((change) => change.entity === 'promotion');
    expect(changes).toEqual([{ entity: 'promotion', key: 'hq-austin-15', op: 'put', value: moved }]);
    expect(createPromotionBook([moved], AUSTIN).bySku.has('SKU-000003')).toBe(false);
  });
});

describe('a promotion HQ must not save', () => {
  /** What a refused promotion must leave as it was: the list, the revision counter and every sync row. */
  async function fingerprint() {
    const ledger = server.ledger((db) => ({
      syncVersions: db.prepare(`SELECT store_id, version FROM store_versions ORDER BY store_id`).all(),
      promotionRevision: (db.prepare(`SELECT value FROM meta WHERE key = 'promotion_revision'`).get() as { value: string }).value,
      promotionRows: (db.prepare(`SELECT COUNT(*) AS n FROM promotions`).get() as { n: number }).n,
      syncRows: (db.prepare(`SELECT COUNT(*) AS n FROM sync_rows`).get() as { n: number }).n,
    }));
    return { ledger, list: await listPromotions() };
  }

  async function expectRefused(body: unknown, status: number, code: string, message: RegExp, headers?: Record<string, string>): Promise<ErrorAnswer['error']> {
    const before = await fingerprint();
    const error = expectErrorAnswer(await postPromotion(body, headers), status, code, message);
    expect(await fingerprint()).toEqual(before);
    return error;
  }

  const valid = percentOff('hq-bad', 'SKU-000004', 10);
  const withFields = (fields: Record<string, unknown>) => ({ ...valid, ...fields });

  it('is refused with 400 naming the field when a value is out of range', async () => {
    await expectRefused({ ...withFields({ kind: 'amount_off', amount: -5 }), percent: undefined }, 400, 'invalid_body', /^amount: must be above zero/);
    await expectRefused(withFields({ percent: 100.5 }), 400, 'invalid_body', /^percent: must not be over 100/);
    await expectRefused(withFields({ percent: 12.345 }), 400, 'invalid_body', /^percent: must have at most two decimals/);
    await expectRefused(withFields({ validFrom: Y2031, validTo: Y2030 }), 400, 'invalid_body', /^validTo: must be after validFrom/);
  });

  it('is refused with 400 when it names a product the catalogue lacks', async () => {
    const bundle = { ...withFields({ kind: 'bundle', components: [{ sku: 'SKU-000004', quantity: 1 }, { sku: 'SKU-999999', quantity: 1 }], price: 500 }), target: undefined, percent: undefined };
    await expectRefused(bundle, 400, 'invalid_body', /components\[1\]\.sku: product SKU-999999 is not in the catalogue/);
    const buyGet = {
      ...withFields({
        kind: 'buy_x_get_y',
        buy: { target: { skus: ['SKU-000004'], categories: [] }, quantity: 2 },
        get: { target: { skus: ['SKU-888888'], categories: [] }, quantity: 1, percent: 100 },
      }),
      target: undefined,
      percent: undefined,
    };
    await expectRefused(buyGet, 400, 'invalid_body', /get\.target\.skus\[0\]: product SKU-888888 is not in the catalogue/);
  });

  it('is refused with 400 when it stacks a kind that cannot stack, or names a store that does not exist', async () => {
    const mixMatch = { ...withFields({ kind: 'mix_match', quantity: 2, price: 300, stacking: 'stackable' }), percent: undefined };
    await expectRefused(mixMatch, 400, 'invalid_body', /^stacking: only percent_off and amount_off/);
    await expectRefused(withFields({ stores: [AUSTIN, 'store-xx-atlantis'] }), 400, 'invalid_body', /stores\[1\]: store store-xx-atlantis does not exist/);
  });

  it('is refused with 400 when a coupon code is listed twice or already belongs to another promotion', async () => {
    await expectRefused(withFields({ coupon: { codes: ['SPRING5', 'spring5'], singleUse: false } }), 400, 'invalid_body', /^coupon\.codes: must not list a code twice/);
    await expectRefused(withFields({ coupon: { codes: ['welcome10'], singleUse: false } }), 400, 'invalid_body', /coupon\.codes\[0\]: code welcome10 already belongs to promotion /);
  });

  it('is refused with 400 for an unknown kind or a field the schema does not have', async () => {
    await expectRefused(withFields({ kind: 'half_off' }), 400, 'invalid_body', /^kind: .*half_off/);
    await expectRefused(withFields({ discountCode: 'X' }), 400, 'invalid_body', /^discountCode: /);
  });

  it('refuses a second exclusive promotion of equal priority that could meet the first on one cart, naming priority and the first', async () => {
    const exclusive = (id: string, fields: Partial<PromotionDefinition> = {}) =>
      percentOff(id, 'SKU-000005', 25, { stacking: 'exclusive', priority: 77, validFrom: Y2030, validTo: Y2031, ...fields });
    await savePromotion(exclusive('hq-excl-a'));
    // Same product by category, fleet-wide stores, a window that overlaps by one year.
    const category = austinSlice.products.find((p) => p.sku === 'SKU-000005')!.category;
    const rival = exclusive('hq-excl-b', { stores: null, target: { skus: [], categories: [category] }, validTo: Y2032 } as Partial<PromotionDefinition>);
    await expectRefused(rival, 400, 'invalid_body', /^priority: exclusive promotion hq-excl-a .*same priority 77/);

    expect((await savePromotion({ ...rival, priority: 78 })).revision).toBeGreaterThan(0);
    expect((await savePromotion(exclusive('hq-excl-c', { validFrom: Y2031, validTo: Y2032 }))).revision).toBeGreaterThan(0);
  });

  it('answers 409 edit_conflict for an edit of a revision that is no longer current', async () => {
    const first = await savePromotion(percentOff('hq-edited', 'SKU-000006', 10, { validFrom: Y2030 }));
    const second = await savePromotion({ ...percentOff('hq-edited', 'SKU-000006', 12, { validFrom: Y2030 }), revision: first.revision });
    expect(second.revision).toBeGreaterThan(first.revision);
    await expectRefused({ ...percentOff('hq-edited', 'SKU-000006', 15, { validFrom: Y2030 }), revision: first.revision }, 409, 'edit_conflict', new RegExp(`changed since revision ${first.revision}; it is at ${second.revision}`));
    expect((await listPromotions()).find((p) => p.id === 'hq-edited')).toMatchObject({ percent: 12, revision: second.revision });
  });

  it('answers 401 without the HQ token, or with a device token instead', async () => {
    const device = await server.enroll({ storeId: BERLIN });
    const { authorization: _none, ...anonymous } = hqHeaders();
    await expectRefused(valid, 401, 'unauthorized', /HQ token/, anonymous);
    await expectRefused(valid, 401, 'unauthorized', /HQ token/, hqHeaders(device.token));
    const { hqToken } = demoCredentials(server);
    await expectRefused(valid, 401, 'unauthorized', /HQ token/, hqHeaders(`${hqToken.slice(0, -1)}${hqToken.endsWith('A') ? 'B' : 'A'}`));
    const { 'x-storeside-protocol': _protocol, ...unversioned } = hqHeaders();
    await expectRefused(valid, 400, 'missing_protocol', /X-Storeside-Protocol/, unversioned);
    for (const path of ['/api/v1/hq/promotions', `/api/v1/hq/variances?store=${AUSTIN}`]) {
      const answer = await apiRequest<ErrorAnswer>(server.url, path, { headers: device.headers() });
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe('unauthorized');
    }
  });
});

describe('a synced sale priced with promotions', () => {
  it('is priced again with the promotion set it names: an older revision is no variance, a differing total is', async () => {
    const { client, chain } = await newAustinDevice();
    const product = await unpromotedProduct();
    const original = await savePromotion(percentOff('hq-reprice', product.sku, 30));
    const oldBook = await tillBook(client);
    expect(oldBook.revision).toBe(original.revision);
    const lines = [cartLine(product.sku, 1)];

    const honest = chain.next({ lines, tamper: pricedBy(oldBook) });
    const sale = salePayload(honest);
    expect(sale.pricing.promotionsRevision).toBe(original.revision);
    expect(sale.discounts.map((d) => d.source)).toEqual([expect.objectContaining({ promotionId: 'hq-reprice', revision: original.revision })]);
    applied(await client.push([honest]));
    expect((await variancesOf(AUSTIN)).filter((row) => row.saleId === sale.saleId)).toEqual([]);

    // HQ deepens the cut; this till has not synced yet and keeps selling at the old one.
    const deeper = await savePromotion({ ...percentOff('hq-reprice', product.sku, 45), revision: original.revision });
    expect(deeper.revision).toBeGreaterThan(original.revision);
    const stale = chain.next({ lines, tamper: pricedBy(oldBook) });
    applied(await client.push([stale]));
    expect((await variancesOf(AUSTIN)).filter((row) => row.saleId === salePayload(stale).saleId)).toEqual([]);

    // A till that names the new revision but gave only the old 30 %.
    const newBook = await tillBook(client);
    expect(newBook.revision).toBe(deeper.revision);
    const misnamed = chain.next({
      lines,
      tamper: (payload) => {
        const priced = pricedBy(oldBook)(payload);
        return { ...priced, pricing: { ...priced.pricing, promotionsRevision: deeper.revision } };
      },
    });
    applied(await client.push([misnamed]));
    const expected = pricedBy(newBook)(salePayload(misnamed));
    const misnamedRows = (await variancesOf(AUSTIN)).filter((row) => row.saleId === salePayload(misnamed).saleId);
    expect(misnamedRows.map((row) => row.field)).toEqual(expect.arrayContaining(['discountTotal', 'total', 'line 1 discount', 'discount promotion "hq-reprice"']));
    expect(misnamedRows.find((row) => row.field === 'discountTotal')).toMatchObject({ deviceValue: salePayload(misnamed).discountTotal, serverValue: expected.discountTotal });
    expect(misnamedRows.find((row) => row.field === 'total')).toMatchObject({ deviceValue: salePayload(misnamed).total, serverValue: expected.total });

    // A till that gave one more unit of currency off than its promotion set does, stated consistently.
    const generous = chain.next({
      lines,
      tamper: (payload) => {
        const priced = pricedBy(newBook)(payload);
        const [line] = priced.lines;
        const total = priced.total - 1;
        const [cash] = priced.tenders;
        if (cash?.kind !== 'cash') throw new Error('these sales are paid in cash');
        const tender = cashTender(total, cash.tendered);
        if ('error' in tender) throw new Error(tender.error);
        return {
          ...priced,
          lines: [{ ...line!, discount: line!.discount + 1, net: line!.net - 1, paid: line!.paid - 1, discounts: [{ discount: 0, amount: line!.discount + 1 }] }],
          discounts: [{ ...priced.discounts[0]!, amount: priced.discounts[0]!.amount + 1 }],
          discountTotal: priced.discountTotal + 1,
          total,
          tenders: [tender],
        };
      },
    });
    applied(await client.push([generous]));
    const generousSale = salePayload(generous);
    const booked = server.ledger((db) => db.prepare(`SELECT discount_total, total FROM sales WHERE id = ?`).get(generousSale.saleId));
    expect(booked, 'the sale stands as the customer paid it').toEqual({ discount_total: generousSale.discountTotal, total: generousSale.total });
    const generousRows = (await variancesOf(AUSTIN)).filter((row) => row.saleId === generousSale.saleId);
    expect(generousRows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'discountTotal', deviceValue: generousSale.discountTotal, serverValue: generousSale.discountTotal - 1 }),
        expect.objectContaining({ field: 'total', deviceValue: generousSale.total, serverValue: generousSale.total + 1 }),
        expect.objectContaining({ field: 'discount promotion "hq-reprice"', receiptNumber: generousSale.receiptNumber }),
      ]),
    );
  });

  it('re-prices a sale at a revision with that revision, even when an earlier sale named it before HQ had issued it', async () => {
    const { client, chain } = await newAustinDevice();
    const product = await unpromotedProduct();
    const lines = [cartLine(product.sku, 1)];
    const issued = Math.max(...(await listPromotions()).map((p) => p.revision));

    // A till ahead of this server (restored from a backup, say) names a revision not given out yet.
    const ahead = chain.next({ lines, tamper: (payload) => ({ ...payload, pricing: { ...payload.pricing, promotionsRevision: issued + 1 } }) });
    applied(await client.push([ahead]));

    // HQ then issues that revision, and a till synced to it sells the product with it.
    const half = await savePromotion(percentOff('hq-ahead', product.sku, 50, { priority: 15 }));
    expect(half.revision).toBe(issued + 1);
    const book = await tillBook(client);
    expect(book.revision).toBe(half.revision);
    const honest = chain.next({ lines, tamper: pricedBy(book) });
    expect(salePayload(honest).discounts.map((d) => d.source)).toEqual([expect.objectContaining({ promotionId: 'hq-ahead', revision: half.revision })]);
    applied(await client.push([honest]));

    expect((await variancesOf(AUSTIN)).filter((row) => row.saleId === salePayload(honest).saleId)).toEqual([]);
    // The sale from ahead was priced with the set that stood then, and HQ can see that it named one that did not exist.
    expect((await variancesOf(AUSTIN)).filter((row) => row.saleId === salePayload(ahead).saleId).map((row) => row.field)).toContain(
      `promotions revision ${issued + 1} not issued; priced with ${issued}`,
    );
  });

  it('lists variances only for a store that exists, named in the query', async () => {
    const unknown = await apiRequest<ErrorAnswer>(server.url, '/api/v1/hq/variances?store=store-xx-atlantis', { headers: hqHeaders() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/store-xx-atlantis/);
    const unnamed = await apiRequest<ErrorAnswer>(server.url, '/api/v1/hq/variances', { headers: hqHeaders() });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error).toMatchObject({ code: 'invalid_query' });
    expect(unnamed.body.error.message).toMatch(/store/);
  });
});

describe('a single-use coupon', () => {
  it('taken by two tills offline books both sales; the one made first keeps it, whichever arrives first, and the other leaves a conflict and a task', async () => {
    const coupon = (await listPromotions()).find((p) => p.coupon?.singleUse && p.stores?.includes(AUSTIN))!;
    expect(coupon, 'the Austin demo single-use coupon').toBeDefined();
    const code = coupon.coupon!.codes[0]!;
    expect(code).toMatch(/^AUS-FIVE-\d{3}$/);

    const first = await newAustinDevice();
    const second = await newAustinDevice();
    const book = await tillBook(first.client);
    // A basket the code takes money off, as the till's own pricing says: over the spend threshold after item promotions.
    const lines = austinSlice.products
      .filter((p) => p.price > 0 && p.category !== 'gift-cards')
      .map((p) => [cartLine(p.sku, Math.ceil(6000 / p.price))])
      .find((cart) => priceSale(cart, book, austinSlice.store.taxConfig, { at: Date.now(), coupons: [code] }).coupons[0]?.status === 'applied');
    expect(lines, 'an Austin basket the coupon applies to').toBeDefined();

    // Ahead of the chains' clocks, which start now: the times the sales carry.
    const at = Date.now() + 60_000;
    const saleA = first.chain.next({ lines: lines!, tamper: pricedBy(book, [code]), at });
    const saleB = second.chain.next({ lines: lines!, tamper: pricedBy(book, [code]), at: at + 60_000 });
    for (const sale of [saleA, saleB]) {
      expect(salePayload(sale).pricing.coupons).toEqual([{ code, status: 'applied' }]);
      expect(salePayload(sale).discounts).toContainEqual(expect.objectContaining({ source: expect.objectContaining({ promotionId: coupon.id, coupon: code }) }));
    }
    // The later sale reaches the server first.
    applied(await second.client.push([saleB]));
    applied(await first.client.push([saleA]));

    const [idA, idB] = [salePayload(saleA).saleId, salePayload(saleB).saleId];
    const ledger = server.ledger((db) => ({
      sales: db.prepare(`SELECT id FROM sales WHERE id IN (?, ?) ORDER BY id`).all(idA, idB),
      redemption: db.prepare(`SELECT sale_id, store_id FROM coupon_redemptions WHERE code = ?`).get(code),
      alarms: db.prepare(`SELECT kind, store_id, detail FROM alarms WHERE kind = 'coupon_reused'`).all(),
    }));
    expect(ledger.sales).toEqual([{ id: idA }, { id: idB }].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(ledger.redemption).toEqual({ sale_id: idA, store_id: AUSTIN });
    const couponDiscount = salePayload(saleB).discounts.filter((d) => d.source.type === 'promotion' && d.source.coupon === code).reduce((sum, d) => sum + d.amount, 0);
    expect(ledger.alarms).toEqual([{ kind: 'coupon_reused', store_id: AUSTIN, detail: expect.stringContaining(`${code} was used on sale ${salePayload(saleB).receiptNumber} after sale ${salePayload(saleA).receiptNumber}`) }]);

    const pulled = await first.client.pullAll();
    const conflict = pulled.find((change) => change.entity === 'conflict' && change.op === 'put' && (change.value as ConflictRecord).kind === 'coupon_reused');
    expect(conflict?.op === 'put' && conflict.value).toMatchObject({
      kind: 'coupon_reused',
      rule: COUPON_REUSE_RULE,
      saleId: idB,
      code,
      amount: couponDiscount,
      keptBy: { saleId: idA, receiptNumber: salePayload(saleA).receiptNumber },
    });
    const task = pulled.find((change) => change.entity === 'task' && change.key === (conflict?.op === 'put' && (conflict.value as ConflictRecord).taskId));
    expect(task?.op === 'put' && task.value).toMatchObject({ kind: 'coupon_reused', actions: ['write_off', 'collect'], steps: [] });
    // The server priced the second sale with the code too: the customer got what the till showed, not a variance.
    expect((await variancesOf(AUSTIN)).filter((row) => row.saleId === idA || row.saleId === idB)).toEqual([]);
  });
});

describe('a price HQ changes', () => {
  type PriceAnswer = { product: { sku: string; price: number; priceVersion: number } };
  const postPrice = (body: unknown, headers: Record<string, string> = hqHeaders()) =>
    apiRequest<PriceAnswer | ErrorAnswer>(server.url, '/api/v1/hq/prices', { method: 'POST', headers, body: JSON.stringify(body) });
  const productRow = (sku: string) => server.ledger((db) => db.prepare(`SELECT version, value FROM sync_rows WHERE store_id = ? AND entity = 'product' AND key = ?`).get(AUSTIN, sku));

  it('becomes the next price version, reaches the store’s devices, and sales are checked against the version they name', async () => {
    const { client, chain } = await newAustinDevice();
    const cursor = (await client.readSnapshot()).cursor;
    const product = await unpromotedProduct();
    const answer = await postPrice({ store: AUSTIN, sku: product.sku, price: product.price + 100 });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const changed = (answer.body as PriceAnswer).product;
    expect(changed).toMatchObject({ sku: product.sku, price: product.price + 100, priceVersion: product.priceVersion + 1 });
    const pulled = (await client.pullAll(cursor)).filter((change) => change.entity === 'product');
    expect(pulled).toEqual([{ entity: 'product', key: product.sku, op: 'put', value: changed }]);

    // Rung up offline before the change reached the till: the old price at the old version is no variance.
    const old = chain.next({ lines: [cartLine(product.sku, 1)] });
    // A till claiming the new version at the old price is; so is a version the store never had.
    const wrong = chain.next({ lines: [{ ...cartLine(product.sku, 1), priceVersion: changed.priceVersion }] });
    const unknown = chain.next({ lines: [{ ...cartLine(product.sku, 1), priceVersion: 99 }] });
    applied(await client.push([old, wrong, unknown]), 3);
    const fields = async (sale: typeof old) => (await variancesOf(AUSTIN)).filter((row) => row.saleId === salePayload(sale).saleId).map(({ field, deviceValue, serverValue }) => ({ field, deviceValue, serverValue }));
    expect(await fields(old)).toEqual([]);
    expect(await fields(wrong)).toEqual([{ field: 'line 1 unit price', deviceValue: product.price, serverValue: product.price + 100 }]);
    expect(await fields(unknown)).toEqual([{ field: 'line 1 price version 99 unknown', deviceValue: product.price, serverValue: 0 }]);
  });

  it('is refused, changing nothing, for a bad price, an unknown store or product, or without the HQ token', async () => {
    const product = await unpromotedProduct();
    const before = productRow(product.sku);
    const refused = async (body: unknown, status: number, message: RegExp, headers?: Record<string, string>) => {
      const answer = await postPrice(body, headers);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect((answer.body as ErrorAnswer).error.message).toMatch(message);
    };
    await refused({ store: AUSTIN, sku: product.sku, price: -1 }, 400, /^price: must not be negative/);
    await refused({ store: AUSTIN, sku: product.sku, price: 1.5 }, 400, /^price: must be a whole number of minor units/);
    await refused({ store: AUSTIN, sku: product.sku }, 400, /price/);
    await refused({ store: 'store-xx-atlantis', sku: product.sku, price: 100 }, 404, /store store-xx-atlantis does not exist/);
    await refused({ store: AUSTIN, sku: 'SKU-999999', price: 100 }, 404, /does not sell SKU-999999/);
    await refused({ store: AUSTIN, sku: product.sku, price: 100 }, 401, /HQ token/, { ...PROTOCOL_HEADERS, 'content-type': 'application/json' });
    expect(productRow(product.sku)).toEqual(before);
  });
});
