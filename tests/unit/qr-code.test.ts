import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeQr, formatBits, MASKS, qrSvgPath, reedSolomon, totalCodewordCount, versionBits, type QrMatrix } from '../../src/domain/qr-code.ts';

/**
 * A reader written from the standard, independent of the encoder's drawing
 * code: it finds the format bits, removes the mask, walks the codewords,
 * de-interleaves, checks every block's Reed–Solomon remainder and reads the
 * byte-mode text. If the encoder put a module in the wrong place, this fails.
 */
function decode(matrix: QrMatrix): string {
  const { size, modules } = matrix;
  const version = (size - 17) / 4;
  // Format bits, first copy, bit i from (row, column) as in Figure 25.
  const positions: [number, number][] = [[0, 8], [1, 8], [2, 8], [3, 8], [4, 8], [5, 8], [7, 8], [8, 8], [8, 7], [8, 5], [8, 4], [8, 3], [8, 2], [8, 1], [8, 0]];
  let format = 0;
  positions.forEach(([r, c], i) => (format |= (modules[r]![c] ? 1 : 0) << i));
  const mask = [0, 1, 2, 3, 4, 5, 6, 7].find((m) => formatBits(m) === format);
  if (mask === undefined) throw new Error(`format bits ${format.toString(2)} are not level M`);

  // Which modules hold data: everything but function patterns.
  const isFunction = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const mark = (r: number, c: number) => r >= 0 && c >= 0 && r < size && c < size && (isFunction[r]![c] = true);
  for (let i = 0; i < size; i++) mark(6, i), mark(i, 6);
  // The finders with their separators and the format bits beside them: 9×9 top left, 9×8 top right, 8×9 bottom left.
  for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) mark(r, c);
  for (let r = 0; r < 9; r++) for (let c = size - 8; c < size; c++) mark(r, c);
  for (let r = size - 8; r < size; r++) for (let c = 0; c < 9; c++) mark(r, c);
  const align = version === 1 ? [] : version < 7 ? [6, version * 4 + 10] : version === 7 ? [6, 22, 38] : version === 8 ? [6, 24, 42] : version === 9 ? [6, 26, 46] : [6, 28, 50];
  for (const r of align) for (const c of align) if (!((r === 6 && c === 6) || (r === 6 && c === align.at(-1)) || (r === align.at(-1) && c === 6))) for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) mark(r + dr, c + dc);
  if (version >= 7) for (let i = 0; i < 6; i++) for (let j = 0; j < 3; j++) mark(i, size - 11 + j), mark(size - 11 + j, i);

  const bits: number[] = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (const column of [right, right - 1]) if (!isFunction[row]![column]) bits.push(modules[row]![column] !== MASKS[mask]!(row, column) ? 1 : 0);
    }
  }
  const total = totalCodewordCount(version);
  const codewords: number[] = [];
  for (let i = 0; i < total; i++) codewords.push(bits.slice(i * 8, i * 8 + 8).reduce((b, x) => (b << 1) | x, 0));

  const ec = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26][version]!;
  const blocks = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5][version]!;
  const shortBlocks = blocks - (total % blocks);
  const shortData = Math.floor(total / blocks) - ec;
  const dataBlocks: number[][] = Array.from({ length: blocks }, () => []);
  let at = 0;
  for (let i = 0; i <= shortData; i++) for (let b = 0; b < blocks; b++) if (i < shortData || b >= shortBlocks) dataBlocks[b]!.push(codewords[at++]!);
  for (let i = 0; i < ec; i++) for (let b = 0; b < blocks; b++) dataBlocks[b]!.push(codewords[at++]!);
  const data: number[] = [];
  for (const block of dataBlocks) {
    const d = block.slice(0, block.length - ec);
    expect(reedSolomon(d, ec)).toEqual(block.slice(block.length - ec));
    data.push(...d);
  }
  const stream = data.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((i) => (byte >>> i) & 1));
  const read = (from: number, length: number) => stream.slice(from, from + length).reduce((v, b) => v * 2 + b, 0);
  expect(read(0, 4)).toBe(0b0100);
  const countBits = version < 10 ? 8 : 16;
  const length = read(4, countBits);
  const bytes = Uint8Array.from({ length }, (_, i) => read(4 + countBits + i * 8, 8));
  return new TextDecoder().decode(bytes);
}

describe('QR code', () => {
  it('computes the error correction of the standard’s worked example (HELLO WORLD, 1-M)', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(reedSolomon(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('writes the format and version bits of the standard’s tables', () => {
    expect(formatBits(0).toString(2).padStart(15, '0')).toBe('101010000010010');
    expect(formatBits(5).toString(2).padStart(15, '0')).toBe('100000011001110');
    expect(versionBits(7).toString(2).padStart(18, '0')).toBe('000111110010010100');
  });

  it('has the codeword counts of the standard for versions 1 to 10', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(totalCodewordCount)).toEqual([26, 44, 70, 100, 134, 172, 196, 242, 292, 346]);
  });

  it('draws a receipt link that reads back as the same URL', () => {
    const url = 'https://store.example.com/r/0123456789abcdef0123456789abcdef';
    const matrix = encodeQr(url);
    if ('error' in matrix) throw new Error(matrix.error);
    expect(matrix.version).toBe(4);
    expect(decode(matrix)).toBe(url);
  });

  it('draws in SVG exactly the dark modules, inside a four-module quiet zone', () => {
    const matrix = encodeQr('https://store.example.com/r/ffffffffffffffffffffffffffffffff');
    if ('error' in matrix) throw new Error(matrix.error);
    const drawn = [...qrSvgPath(matrix).matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${Number(m[2]) - 4},${Number(m[1]) - 4}`);
    const dark = matrix.modules.flatMap((line, row) => line.flatMap((on, column) => (on ? [`${row},${column}`] : [])));
    expect(drawn).toEqual(dark);
    expect(qrSvgPath(matrix).replace(/M\d+ \d+h1v1h-1z/g, '')).toBe('');
  });

  it('reads back any text that fits, under every mask', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120, unit: 'grapheme' }), fc.integer({ min: 0, max: 7 }), (text, mask) => {
        const matrix = encodeQr(text, mask);
        if ('error' in matrix) return;
        expect(matrix.mask).toBe(mask);
        expect(decode(matrix)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('fills versions up to 10 (version bits, five blocks, a 16-bit count) and refuses text longer than version 10 holds', () => {
    expect(encodeQr('x'.repeat(214))).toEqual({ error: expect.stringContaining('214 bytes') });
    for (const [length, version] of [[150, 8], [213, 10]] as const) {
      const text = 'x'.repeat(length);
      const matrix = encodeQr(text);
      if ('error' in matrix) throw new Error(matrix.error);
      expect(matrix.version).toBe(version);
      expect(decode(matrix)).toBe(text);
    }
  });
});
