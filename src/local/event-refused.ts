/**
 * An event the journal will not take, because the server would refuse it for
 * good and block this device's outbox behind it (a reason holding a card
 * number, a field too long): refused here, while the person is still there.
 * Its message is the schema's, written to be read at the till.
 */
export class EventRefused extends Error {
  override readonly name = 'EventRefused';
}
