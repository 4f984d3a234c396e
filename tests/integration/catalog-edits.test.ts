import { beforeAll, describe, expect, it } from 'vitest';
import type { ProductRecord, StoreRecord } from '../../src/protocol/entities.ts';
import { withServer } from '../support/server-fixture.ts';
import { SaleChain, type DeviceClient, type ErrorAnswer } from './helpers/device-client.ts';

/**
 * Catalogue text and store settings: versioned last-writer-wins with optimistic
 * concurrency (DESIGN.md "Conflicts"). Two HQ editors of the same version: the
 * first edit stands and syncs to the tills, the second is told, not applied.
 */

const AUSTIN = 'store-us-austin';

const server = withServer({ label: 'catalog-edits', demoProducts: 40 });
let till: DeviceClient;

beforeAll(async () => {
  till = await server.enroll({ storeId: AUSTIN });
});

const pulledProduct = async (sku: string) => (await till.pulledRecords<ProductRecord>('product')).get(sku);

describe('a product renamed by two HQ editors who read the same version', () => {
  it('keeps the first edit, tells the second who changed it and to what, and the tills get the first', async () => {
    const { sku } = (await till.readSnapshot()).products[0]!;
    const read = await server.hq.get<{ product: ProductRecord; version: number }>(`/api/v1/hq/product?store=${AUSTIN}&sku=${sku}`);
    expect(read.status).toBe(200);

    const first = await server.hq.post<{ product: ProductRecord; version: number }>('/api/v1/hq/product', { store: AUSTIN, sku, version: read.body.version, name: 'Oat drink, barista 1 L' });
    expect(first.status).toBe(200);
    expect(first.body.product).toEqual({ ...read.body.product, name: 'Oat drink, barista 1 L' });
    expect(first.body.version).toBeGreaterThan(read.body.version);

    const second = await server.hq.post<ErrorAnswer>('/api/v1/hq/product', { store: AUSTIN, sku, version: read.body.version, name: 'Oat milk 1 L' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('edit_conflict');
    expect(second.body.error.message).toMatch(new RegExp(`changed since version ${read.body.version}; it is at ${first.body.version} now`));
    expect(second.body.error.details).toMatchObject({ current: { version: first.body.version, value: { name: 'Oat drink, barista 1 L' } } });

    expect((await pulledProduct(sku))?.name).toBe('Oat drink, barista 1 L');
    // The price and its version are not the editor's to change here.
    expect((await pulledProduct(sku))?.priceVersion).toBe(read.body.product.priceVersion);
  });
});

describe('a store renamed at HQ', () => {
  it('reaches its tills, refuses a stale edit, and sales go on being booked under the new settings', async () => {
    const read = await server.hq.get<{ store: StoreRecord; version: number }>(`/api/v1/hq/store?store=${AUSTIN}`);
    expect(read.status).toBe(200);
    const renamed = await server.hq.post<{ store: StoreRecord; version: number }>('/api/v1/hq/store', { store: AUSTIN, version: read.body.version, name: 'Storeside Austin, South Congress' });
    expect(renamed.status).toBe(200);
    expect((await till.pulledRecords<StoreRecord>('store')).get(AUSTIN)?.name).toBe('Storeside Austin, South Congress');
    expect((await server.hq.post<ErrorAnswer>('/api/v1/hq/store', { store: AUSTIN, version: read.body.version, name: 'Late edit' })).status).toBe(409);
    expect((await server.hq.get<{ store: StoreRecord }>(`/api/v1/hq/store?store=${AUSTIN}`)).body.store.name).toBe('Storeside Austin, South Congress');

    const chain = new SaleChain(till, await till.readSnapshot(), 5);
    const answer = await till.push([chain.next()]);
    expect(answer.body).toMatchObject({ results: [{ status: 'applied' }] });
  });
});
