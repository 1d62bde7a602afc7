/** The only notion of "now" the pure core sees; tests pass a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
