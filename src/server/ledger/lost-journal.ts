import type { JournalResume } from '../../protocol/messages.ts';
import { sha256Hex } from '../sha256.ts';
import type { LedgerTx } from './ledger-tx.ts';

export const JOURNAL_LOST_ALARM = 'journal_lost';

/**
 * A device says its journal ends at `deviceHeadSeq`, before what the server has
 * acknowledged of it: its storage was wiped and it kept its credential, or it
 * was restored from an old copy. What the server holds stands. The events the
 * device last said it had made beyond that (its report's head) never arrived
 * and never will: HQ gets an alarm naming them, and the device continues its
 * chain past them, so their seqs and receipt numbers are never used twice.
 *
 * Answers the same resume point every time the same loss is reported (the
 * device may miss the first answer), raising the alarm once. Null when the
 * journal is not behind.
 */
export async function settleLostJournal(tx: LedgerTx, deviceId: string, deviceHeadSeq: number, now: number): Promise<JournalResume | null> {
  const device = await tx.device(deviceId);
  if (!device || deviceHeadSeq >= device.ackedSeq) return null;
  const already = await tx.alarmBody(JOURNAL_LOST_ALARM, deviceId, device.ackedSeq);
  if (already !== null) return JSON.parse(already) as JournalResume;

  const { reportedHeadSeq, oldestUnsentAt, clockOffsetMs } = await tx.deviceQueue(deviceId);
  const throughSeq = Math.max(device.ackedSeq, reportedHeadSeq ?? 0);
  const unaccounted =
    throughSeq > device.ackedSeq
      ? { fromSeq: device.ackedSeq + 1, throughSeq, oldestMadeAt: oldestUnsentAt === null ? null : oldestUnsentAt + (clockOffsetMs ?? 0) }
      : null;
  // The skipped seqs have no events to hash; the new head is a marker both sides agree on.
  const resumeHash = unaccounted ? sha256Hex(`journal lost: ${deviceId} seq ${unaccounted.fromSeq}-${throughSeq} after ${device.headHash}`) : device.headHash;
  const details: JournalResume = { resumeSeq: throughSeq, resumeHash, unaccounted };
  if (unaccounted) await tx.moveDeviceHead(deviceId, throughSeq, resumeHash);

  const lost = unaccounted
    ? `${unaccounted.fromSeq === unaccounted.throughSeq ? `Event ${throughSeq}` : `Events ${unaccounted.fromSeq}–${throughSeq}`}${unaccounted.oldestMadeAt === null ? '' : ` (made from ${new Date(unaccounted.oldestMadeAt).toISOString()} on)`} were made on it and never received: they cannot be accounted for. Their sales are missing from the books and their stock was not taken off.`
    : 'Every event it reported making had been received; nothing is missing.';
  await tx.raiseAlarm({
    kind: JOURNAL_LOST_ALARM,
    storeId: device.storeId,
    deviceId,
    seq: throughSeq,
    detail: `Device ${deviceId} lost its local data: its journal ends at seq ${deviceHeadSeq}, the server holds up to ${device.ackedSeq}. ${lost} The device continues from seq ${throughSeq + 1}.`,
    body: JSON.stringify(details),
    at: now,
  });
  return details;
}
