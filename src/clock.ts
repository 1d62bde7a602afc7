/** The only notion of "now" the pure core sees; tests pass a fixed one. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
