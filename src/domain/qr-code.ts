/**
 * A QR code (ISO/IEC 18004:2015, Model 2) for the receipt's link: byte mode,
 * error correction level M, versions 1–10 (up to 213 bytes, far more than
 * `{origin}/r/{32 hex}` needs). Written here rather than taken as a dependency
 * because the receipt needs this one narrow case and it is a few pages of
 * arithmetic; tests/unit/qr-code.test.ts checks it against the standard's
 * worked values and decodes what it draws.
 *
 * The matrix is `modules[row][column]`, true for a dark module, without the
 * quiet zone (renderers add four modules of light around it).
 */
export type QrMatrix = { version: number; mask: number; size: number; modules: boolean[][] };

/** Per version at level M (ISO/IEC 18004 Table 9): error correction codewords per block, and blocks. */
const EC_PER_BLOCK_M = [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26];
const BLOCKS_M = [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5];
/** Centres of alignment patterns per version (Annex E). */
const ALIGNMENT = [[], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]];
export const MAX_QR_VERSION = 10;
/** Level M's two format bits (Table 12: L 01, M 00, Q 11, H 10). */
const LEVEL_M_BITS = 0b00;

/** Encodes `text` (as UTF-8) in the smallest version that holds it; an error when none of 1–10 does. */
export function encodeQr(text: string, forcedMask?: number): QrMatrix | { error: string } {
  const bytes = new TextEncoder().encode(text);
  for (let version = 1; version <= MAX_QR_VERSION; version++) {
    const capacityBits = dataCodewordCount(version) * 8;
    // mode (4 bits), count (8 bits below version 10, 16 from it), the bytes
    const countBits = version < 10 ? 8 : 16;
    if (4 + countBits + bytes.length * 8 <= capacityBits) return drawSymbol(version, dataCodewords(bytes, countBits, capacityBits), forcedMask);
  }
  return { error: `${bytes.length} bytes do not fit a QR code of version ${MAX_QR_VERSION} at level M` };
}

/** Mode indicator, character count, data, terminator, then the pad codewords 0xEC 0x11 alternating (§7.4.10). */
function dataCodewords(bytes: Uint8Array, countBits: number, capacityBits: number): number[] {
  const bits: number[] = [];
  const put = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4);
  put(bytes.length, countBits);
  for (const byte of bytes) put(byte, 8);
  put(0, Math.min(4, capacityBits - bits.length));
  put(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacityBits; pad ^= 0xec ^ 0x11) put(pad, 8);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  return codewords;
}

export function totalCodewordCount(version: number): number {
  const size = version * 4 + 17;
  let functionModules = 3 * 64 + 2 * (size - 16) + 31; // finders with separators, timing, format bits and the dark module
  const align = ALIGNMENT[version]!.length;
  if (align > 0) functionModules += (align * align - 3) * 25 - (align - 2) * 2 * 5; // alignment patterns, less their overlap with timing
  if (version >= 7) functionModules += 36;
  return Math.floor((size * size - functionModules) / 8);
}

function dataCodewordCount(version: number): number {
  return totalCodewordCount(version) - EC_PER_BLOCK_M[version]! * BLOCKS_M[version]!;
}

// ---- Reed–Solomon over GF(2^8) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) ----

const EXP = new Array<number>(512);
const LOG = new Array<number>(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}
const gfMultiply = (a: number, b: number) => (a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!);

/** The generator polynomial of `degree`, ∏ (x − α^i) for i < degree, highest coefficient (1) left out. */
function generator(degree: number): number[] {
  let poly = [1];
  for (let i = 0; i < degree; i++) {
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] = next[j]! ^ poly[j]!;
      next[j + 1] = next[j + 1]! ^ gfMultiply(poly[j]!, EXP[i]!);
    }
    poly = next;
  }
  return poly.slice(1);
}

/** The error correction codewords of one block: the remainder of data · x^degree divided by the generator. */
export function reedSolomon(data: readonly number[], degree: number): number[] {
  const divisor = generator(degree);
  const remainder = new Array<number>(degree).fill(0);
  for (const byte of data) {
    const factor = byte ^ remainder.shift()!;
    remainder.push(0);
    for (let i = 0; i < degree; i++) remainder[i] = remainder[i]! ^ gfMultiply(divisor[i]!, factor);
  }
  return remainder;
}

/** Splits the data into the version's blocks (short ones first), adds each block's EC, and interleaves (§7.6). */
function interleave(version: number, data: readonly number[]): number[] {
  const blocks = BLOCKS_M[version]!;
  const ecLength = EC_PER_BLOCK_M[version]!;
  const total = totalCodewordCount(version);
  const shortBlocks = blocks - (total % blocks);
  const shortData = Math.floor(total / blocks) - ecLength;
  const dataBlocks: number[][] = [];
  for (let i = 0, at = 0; i < blocks; i++) {
    const length = shortData + (i < shortBlocks ? 0 : 1);
    dataBlocks.push(data.slice(at, (at += length)));
  }
  const out: number[] = [];
  for (let i = 0; i <= shortData; i++) for (const block of dataBlocks) if (i < block.length) out.push(block[i]!);
  const ecBlocks = dataBlocks.map((block) => reedSolomon(block, ecLength));
  for (let i = 0; i < ecLength; i++) for (const block of ecBlocks) out.push(block[i]!);
  return out;
}

// ---- The symbol ----

/** Mask conditions (Table 10), for row i = `row` and column j = `column`: true flips the module. */
export const MASKS: readonly ((row: number, column: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

/** The 15 format bits for level M and a mask: BCH(15,5) with generator 0x537, XORed with 0x5412 (§7.9). */
export function formatBits(mask: number): number {
  const data = (LEVEL_M_BITS << 3) | mask;
  let remainder = data;
  for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
}

/** The 18 version bits of versions 7 and up: BCH(18,6) with generator 0x1F25 (§7.10). */
export function versionBits(version: number): number {
  let remainder = version;
  for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | remainder;
}

function drawSymbol(version: number, data: number[], forcedMask: number | undefined): QrMatrix {
  const size = version * 4 + 17;
  const modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const reserved = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const set = (row: number, column: number, dark: boolean) => {
    modules[row]![column] = dark;
    reserved[row]![column] = true;
  };

  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  for (const [row, column] of [[3, 3], [3, size - 4], [size - 4, 3]] as const) {
    for (let dr = -4; dr <= 4; dr++) {
      for (let dc = -4; dc <= 4; dc++) {
        const r = row + dr;
        const c = column + dc;
        const ring = Math.max(Math.abs(dr), Math.abs(dc));
        if (r >= 0 && r < size && c >= 0 && c < size) set(r, c, ring !== 2 && ring !== 4);
      }
    }
  }
  const centres = ALIGNMENT[version]!;
  const last = centres.length - 1;
  for (const [a, row] of centres.entries()) {
    for (const [b, column] of centres.entries()) {
      if ((a === 0 && (b === 0 || b === last)) || (a === last && b === 0)) continue; // a finder pattern's corner
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) set(row + dr, column + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
    }
  }
  drawFormat(set, size, 0); // reserves the format areas; drawn again with the chosen mask
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i++) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      set(b, a, dark);
      set(a, b, dark);
    }
  }

  // Codewords go up and down two-module columns from the bottom right, skipping the vertical timing column (§7.7.3).
  const codewords = interleave(version, data);
  let bit = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (const column of [right, right - 1]) {
        if (reserved[row]![column] || bit >= codewords.length * 8) continue;
        modules[row]![column] = ((codewords[bit >>> 3]! >>> (7 - (bit & 7))) & 1) === 1;
        bit++;
      }
    }
  }

  const masked = (mask: number) => {
    const out = modules.map((line, row) => line.map((dark, column) => (reserved[row]![column] ? dark : dark !== MASKS[mask]!(row, column))));
    drawFormat((row, column, dark) => (out[row]![column] = dark), size, mask);
    return out;
  };
  let mask = forcedMask ?? 0;
  if (forcedMask === undefined) {
    let best = Infinity;
    for (let candidate = 0; candidate < 8; candidate++) {
      const score = penalty(masked(candidate));
      if (score < best) [best, mask] = [score, candidate];
    }
  }
  return { version, mask, size, modules: masked(mask) };
}

/** Both copies of the format bits, and the dark module beside the lower one (§7.9.1, Figure 25). */
function drawFormat(set: (row: number, column: number, dark: boolean) => void, size: number, mask: number) {
  const bits = formatBits(mask);
  const bitAt = (i: number) => ((bits >>> i) & 1) === 1;
  for (let i = 0; i <= 5; i++) set(i, 8, bitAt(i));
  set(7, 8, bitAt(6));
  set(8, 8, bitAt(7));
  set(8, 7, bitAt(8));
  for (let i = 9; i < 15; i++) set(8, 14 - i, bitAt(i));
  for (let i = 0; i < 8; i++) set(8, size - 1 - i, bitAt(i));
  for (let i = 8; i < 15; i++) set(size - 15 + i, 8, bitAt(i));
  set(size - 8, 8, true);
}

/** The mask penalty of §7.8.3: runs, 2×2 blocks, finder-like patterns, and imbalance of dark and light. */
function penalty(modules: boolean[][]): number {
  const size = modules.length;
  let score = 0;
  const lines: boolean[][] = [...modules, ...modules.map((_, column) => modules.map((line) => line[column]!))];
  const finderLike = [true, false, true, true, true, false, true];
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) {
        run++;
        continue;
      }
      if (run >= 5) score += 3 + (run - 5);
      run = 1;
    }
    for (let i = 0; i + 7 <= size; i++) {
      if (!finderLike.every((dark, k) => line[i + k] === dark)) continue;
      const lightBefore = i >= 4 && [1, 2, 3, 4].every((k) => !line[i - k]);
      const lightAfter = i + 11 <= size && [7, 8, 9, 10].every((k) => !line[i + k]);
      if (lightBefore || lightAfter) score += 40;
    }
  }
  let dark = 0;
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      if (modules[row]![column]) dark++;
      if (row + 1 < size && column + 1 < size) {
        const colour = modules[row]![column];
        if (modules[row]![column + 1] === colour && modules[row + 1]![column] === colour && modules[row + 1]![column + 1] === colour) score += 3;
      }
    }
  }
  score += Math.floor(Math.abs(dark * 20 - size * size * 10) / (size * size)) * 10;
  return score;
}

/** The symbol as SVG path data, one `M x y h1 v1 h-1 z` square per dark module, offset by the quiet zone. */
export function qrSvgPath(matrix: QrMatrix, quietZone = 4): string {
  const parts: string[] = [];
  matrix.modules.forEach((line, row) =>
    line.forEach((dark, column) => {
      if (dark) parts.push(`M${column + quietZone} ${row + quietZone}h1v1h-1z`);
    }),
  );
  return parts.join('');
}
