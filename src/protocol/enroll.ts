import * as v from 'valibot';

/**
 * POST /api/v1/devices/enroll: a one-time code becomes the device's token.
 * Apart from the other bodies (messages.ts re-exports these) so the
 * enrollment screen, a device's very first, loads no event schema.
 */
export const EnrollRequestSchema = v.strictObject({
  code: v.pipe(v.string(), v.trim(), v.regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/i, 'code looks like ABCD-1234')),
});
export const EnrollResponseSchema = v.object({
  deviceId: v.string(),
  storeId: v.string(),
  role: v.picklist(['tablet', 'kiosk']),
  token: v.string(),
});

export type EnrollRequest = v.InferOutput<typeof EnrollRequestSchema>;
export type EnrollResponse = v.InferOutput<typeof EnrollResponseSchema>;
